#include "report/names.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include "reaches/classes.hpp"

namespace qingliu::report {

namespace {

std::u32string decode(const std::string& s) {
    std::u32string o;
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        char32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
        for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        o += cp;
        i += static_cast<std::size_t>(n);
    }
    return o;
}

void append_utf8(std::string& o, char32_t cp) {
    if (cp < 0x80) o += static_cast<char>(cp);
    else if (cp < 0x800) {
        o += static_cast<char>(0xC0 | (cp >> 6));
        o += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        o += static_cast<char>(0xE0 | (cp >> 12));
        o += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        o += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        o += static_cast<char>(0xF0 | (cp >> 18));
        o += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        o += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        o += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

bool is_han(char32_t c) { return c >= 0x4E00 && c <= 0x9FFF; }

const char* syllable(char32_t c) {
    const unsigned i = detail::kPinyinIndex[c - 0x4E00];
    return i > 0 && i < detail::kSyllableCount ? detail::kSyllables[i] : "";
}

/// Generic terms at the end of names. `keep`: the term's own pinyin stays in the proper name (岷江 -> Minjiang River).
struct Term {
    std::u32string zh;
    const char* en;
    bool keep;
};

const std::vector<Term>& glossary() {
    static const std::vector<Term> g = [] {
        const std::vector<std::tuple<const char*, const char*, bool>> raw = {
            {"城镇污水处理厂", "Wastewater Treatment Plant", false},
            {"污水处理厂", "Wastewater Treatment Plant", false},
            {"污水处理站", "Wastewater Treatment Station", false},
            {"污水厂", "Wastewater Plant", false},
            {"处理厂", "Treatment Plant", false},
            {"入河排污口", "Outfall", false},
            {"排污口", "Outfall", false},
            {"排口", "Outfall", false},
            {"断面", "Section", false},
            {"上段", "Upper Reach", false},
            {"中段", "Middle Reach", false},
            {"下段", "Lower Reach", false},
            {"段", "Reach", false},
            {"大桥", "Bridge", false},
            {"水库", "Reservoir", false},
            {"水电站", "Hydropower Station", false},
            {"电站", "Power Station", false},
            {"工业园区", "Industrial Park", false},
            {"工业园", "Industrial Park", false},
            {"园区", "Park", false},
            {"有限责任公司", "Co., Ltd.", false},
            {"有限公司", "Co., Ltd.", false},
            {"公司", "Company", false},
            {"养殖场", "Farm", false},
            {"养猪场", "Pig Farm", false},
            {"猪场", "Pig Farm", false},
            {"牛场", "Cattle Farm", false},
            {"鸡场", "Poultry Farm", false},
            {"合作社", "Cooperative", false},
            {"街道", "Subdistrict", false},
            {"社区", "Community", false},
            {"河", "River", false},
            {"江", "River", true},
            {"湖", "Lake", false},
            {"渠", "Canal", false},
            {"镇", "Town", false},
            {"乡", "Township", false},
            {"村", "Village", false},
            {"区", "District", false},
            {"县", "County", false},
            {"市", "City", false},
        };
        std::vector<Term> out;
        for (const auto& [zh, en, keep] : raw) out.push_back({decode(zh), en, keep});
        std::stable_sort(out.begin(), out.end(), [](const Term& a, const Term& b) { return a.zh.size() > b.zh.size(); });
        return out;
    }();
    return g;
}

std::string han_words(std::u32string run);

/// One run of Chinese characters as English words; a town or township named inside a longer name is a word of its
/// own (高店镇生猪养殖场 -> Gaodian Town Shengzhuyangzhi Farm).
std::string han_run(const std::u32string& run) {
    for (std::size_t i = 2; i + 2 < run.size(); ++i)
        if (run[i] == U'镇' || run[i] == U'乡') {
            const std::string head = han_words(run.substr(0, i + 1)), tail = han_run(run.substr(i + 1));
            return head + (tail.empty() ? "" : " " + tail);
        }
    return han_words(run);
}

std::string han_words(std::u32string run) {
    std::vector<const Term*> terms;  // stripped from the end, last first
    std::u32string kept;             // pinyin kept in the proper name from a `keep` term (江)
    for (bool again = true; again && !run.empty();) {
        again = false;
        for (const auto& t : glossary())
            if (run.size() >= t.zh.size() && run.compare(run.size() - t.zh.size(), t.zh.size(), t.zh) == 0) {
                if (t.keep && !terms.empty()) continue;  // 江 names a river only at the very end
                terms.push_back(&t);
                if (t.keep) kept = t.zh;
                run.resize(run.size() - t.zh.size());
                again = !t.keep;
                break;
            }
    }
    run += kept;
    std::string word;
    for (char32_t c : run) {
        std::string s = syllable(c);
        if (s.empty()) continue;
        for (auto& ch : s)
            if (ch == 'v') ch = '\0';  // ü, written v in the table
        std::string u;
        for (char ch : s) u += ch == '\0' ? std::string("\xC3\xBC") : std::string(1, ch);
        if (!word.empty() && (u[0] == 'a' || u[0] == 'o' || u[0] == 'e')) word += '\'';
        word += u;
    }
    if (!word.empty()) word[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(word[0])));
    for (auto it = terms.rbegin(); it != terms.rend(); ++it) word += (word.empty() ? "" : " ") + std::string((*it)->en);
    return word;
}

char32_t ascii_of(char32_t c) {
    if (c >= 0xFF01 && c <= 0xFF5E) return c - 0xFEE0;  // full-width forms
    switch (c) {
        case 0x3000: return ' ';
        case 0x3001: return ',';  // 、
        case 0x3002: return '.';  // 。
        case 0x00B7: case 0x30FB: return ' ';  // middle dots
        case 0x2014: case 0x2013: return '-';
        case 0x201C: case 0x201D: return '"';
        case 0x2018: case 0x2019: return '\'';
        case 0x300A: case 0x3008: return '<';
        case 0x300B: case 0x3009: return '>';
        default: return c;
    }
}

}  // namespace

std::string transliterate(const std::string& zh) {
    const std::u32string s = decode(zh);
    if (std::none_of(s.begin(), s.end(), is_han)) return zh;
    std::string out;
    auto add_word = [&](const std::string& w) {
        if (w.empty()) return;
        const char last = out.empty() ? ' ' : out.back();
        if (!out.empty() && last != ' ' && last != '(' && last != '-' && last != '/' && w[0] != ',' && w[0] != '.' &&
            w[0] != ')' && w[0] != ' ')
            out += ' ';
        out += w;
    };
    std::u32string run;
    std::string other;
    auto flush = [&] {
        if (!run.empty()) add_word(han_run(run));
        run.clear();
    };
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (is_han(s[i])) {
            if (!other.empty()) {
                add_word(other);
                other.clear();
            }
            run += s[i];
            continue;
        }
        flush();
        const char32_t c = ascii_of(s[i]);
        if (c == ' ') {
            if (!other.empty()) add_word(other);
            other.clear();
            continue;
        }
        if (c == '-' || c == '/') {  // joins its neighbours: 乐山入境—三江汇口 -> Leshanrujing-Sanjianghuikou
            if (!other.empty()) add_word(other);
            other.clear();
            while (!out.empty() && out.back() == ' ') out.pop_back();
            out += static_cast<char>(c);
            continue;
        }
        if (c == ',' || c == '.' || c == ')') {
            if (!other.empty()) add_word(other);
            other.clear();
            out += static_cast<char>(c);
            if (c == ',') out += ' ';
            continue;
        }
        append_utf8(other, c);
    }
    flush();
    if (!other.empty()) add_word(other);
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::string english_or(const std::string& en, const std::string& zh) { return en.empty() ? transliterate(zh) : en; }

std::string class_roman_en(int cls) {
    return cls == 6 ? reaches::class_roman(6) + " (worse than V)" : reaches::class_roman(cls);
}

void complete_english_names(ReportData& d) {
    std::map<std::string, std::string> river_en;  // the case's English river names (first given wins)
    for (const auto& r : d.network)
        if (!r.river_en.empty()) river_en.emplace(r.river, r.river_en);
    auto river_of = [&](const std::string& river) {
        auto it = river_en.find(river);
        if (it != river_en.end()) return it->second;
        return river_en.emplace(river, transliterate(river)).first->second;
    };
    if (d.case_name_en.empty()) d.case_name_en = transliterate(d.case_name);
    for (auto& r : d.network) {
        r.river_en = river_of(r.river);
        if (r.name_en.empty()) r.name_en = transliterate(r.name);
    }
    for (auto& s : d.scenarios) {
        if (s.name_en.empty() && !(s.id == "baseline" && s.name.empty())) s.name_en = transliterate(s.name.empty() ? s.id : s.name);
        s.measures_en.resize(s.measures.size());
        for (std::size_t i = 0; i < s.measures.size(); ++i)
            if (s.measures_en[i].empty()) s.measures_en[i] = transliterate(s.measures[i]);
        for (auto& x : s.sections) {
            if (x.name_en.empty() || x.name_en == x.name) x.name_en = transliterate(x.name);
            if (x.river_en.empty()) x.river_en = river_of(x.river);
        }
        for (auto& x : s.sources) {
            if (x.name_en.empty()) x.name_en = transliterate(x.name);
            if (x.town_en.empty()) x.town_en = transliterate(x.town);
        }
        for (auto& a : s.apportionment)
            for (auto& c : a.top_sources)
                if (c.label_en.empty() || c.label_en == c.label + " (" + c.key + ")") c.label_en = transliterate(c.label) + " (" + c.key + ")";
    }
}

}  // namespace qingliu::report
