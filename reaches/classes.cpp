#include "reaches/classes.hpp"

#include <algorithm>
#include <cctype>

#include "common/csv_text.hpp"
#include "common/error.hpp"

namespace qingliu::reaches {

extern const char* const kGb3838Csv;  // generated from data/standards/gb3838_2002.csv

std::string class_roman(int c) {
    static const char* n[] = {"?", "I", "II", "III", "IV", "V", "劣V"};
    return (c >= 1 && c <= 6) ? n[c] : "?";
}
std::string class_label_zh(int c) {
    static const char* n[] = {"?", "Ⅰ类", "Ⅱ类", "Ⅲ类", "Ⅳ类", "Ⅴ类", "劣Ⅴ类"};
    return (c >= 1 && c <= 6) ? n[c] : "?";
}
std::string class_label_en(int c) {
    static const char* n[] = {"?", "Class I", "Class II", "Class III", "Class IV", "Class V", "Worse than V"};
    return (c >= 1 && c <= 6) ? n[c] : "?";
}

std::optional<int> parse_class(std::string_view in) {
    std::string s = trim(in);
    auto strip_suffix = [&](std::string_view suf) {
        if (s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0) s = trim(s.substr(0, s.size() - suf.size()));
    };
    strip_suffix("类");
    std::string low;
    for (char ch : s) low += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (low.rfind("class", 0) == 0) { s = trim(s.substr(5)); low = trim(low.substr(5)); }
    static const std::pair<const char*, int> names[] = {
        {"i", 1}, {"ii", 2}, {"iii", 3}, {"iv", 4}, {"v", 5}, {"1", 1}, {"2", 2}, {"3", 3}, {"4", 4}, {"5", 5},
        {"Ⅰ", 1}, {"Ⅱ", 2}, {"Ⅲ", 3}, {"Ⅳ", 4}, {"Ⅴ", 5}};
    for (const auto& [name, v] : names)
        if (low == name || s == name) return v;
    return std::nullopt;
}

std::optional<WaterBody> parse_water_body(std::string_view in) {
    const std::string s = trim(in);
    if (s.empty() || s == "river" || s == "河流" || s == "河") return WaterBody::River;
    if (s == "lake" || s == "reservoir" || s == "湖库" || s == "湖泊" || s == "水库") return WaterBody::Lake;
    return std::nullopt;
}

ClassTable ClassTable::parse(std::string_view text, const std::string& origin) {
    const auto rows = parse_csv_text(text);
    Problems probs;
    ClassTable t;
    if (rows.empty()) {
        probs.add(origin, "", "", "", "the class-limit table is empty");
        probs.throw_if_any("cannot read class limits");
    }
    const auto& h = rows[0];
    auto col = [&](const char* name) -> int {
        for (std::size_t i = 0; i < h.size(); ++i)
            if (trim(h[i]) == name) return static_cast<int>(i);
        probs.add(origin, "header", name, "", "required column missing");
        return -1;
    };
    const int cp = col("parameter"), cw = col("water_body"), cd = col("direction");
    const int cl[5] = {col("I"), col("II"), col("III"), col("IV"), col("V")};
    int cu = -1, cs = -1;
    for (std::size_t i = 0; i < h.size(); ++i) {
        if (trim(h[i]) == "unit") cu = static_cast<int>(i);
        if (trim(h[i]) == "source") cs = static_cast<int>(i);
    }
    probs.throw_if_any("cannot read class limits");
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const auto& row = rows[r];
        const std::string rec = "row " + std::to_string(r + 1);
        auto get = [&](int c) { return c >= 0 && static_cast<std::size_t>(c) < row.size() ? trim(row[c]) : std::string(); };
        ClassLimit L;
        L.parameter = get(cp);
        if (L.parameter.empty()) probs.add(origin, rec, "parameter", "", "must not be empty");
        const std::string wb = get(cw);
        if (wb != "any") {
            L.water_body = parse_water_body(wb);
            if (!L.water_body) probs.add(origin, rec, "water_body", wb, "expected river, lake or any");
        }
        const std::string dir = get(cd);
        if (dir == "min") L.minimum = true;
        else if (dir != "max") probs.add(origin, rec, "direction", dir, "expected max or min");
        for (int k = 0; k < 5; ++k) {
            if (!parse_double(get(cl[k]), L.limit[k])) probs.add(origin, rec, h[cl[k]], get(cl[k]), "expected a number");
        }
        for (int k = 1; k < 5; ++k) {
            const bool ok = L.minimum ? L.limit[k] <= L.limit[k - 1] : L.limit[k] >= L.limit[k - 1];
            if (!ok) probs.add(origin, rec, h[cl[k]], get(cl[k]), "limits must get looser from class I to V");
        }
        L.unit = get(cu);
        L.source = get(cs);
        t.rows_.push_back(std::move(L));
    }
    probs.throw_if_any("cannot read class limits");
    return t;
}

ClassTable ClassTable::from_rows(std::vector<ClassLimit> rows) {
    ClassTable t;
    t.rows_ = std::move(rows);
    return t;
}

const ClassTable& ClassTable::gb3838() {
    static const ClassTable t = parse(kGb3838Csv, "data/standards/gb3838_2002.csv");
    return t;
}

const ClassLimit* ClassTable::find(std::string_view p, WaterBody wb) const {
    const ClassLimit* any = nullptr;
    for (const auto& r : rows_) {
        if (r.parameter != p) continue;
        if (r.water_body && *r.water_body == wb) return &r;
        if (!r.water_body) any = &r;
    }
    return any;
}

int ClassTable::classify(std::string_view p, WaterBody wb, double v) const {
    const ClassLimit* L = find(p, wb);
    if (!L) throw ModelError("no class limits for parameter " + std::string(p));
    for (int k = 0; k < 5; ++k)
        if (L->minimum ? v >= L->limit[k] : v <= L->limit[k]) return k + 1;
    return kWorseThanV;
}

double ClassTable::limit(std::string_view p, WaterBody wb, int cls) const {
    const ClassLimit* L = find(p, wb);
    if (!L) throw ModelError("no class limits for parameter " + std::string(p));
    if (cls < 1 || cls > 5) throw ModelError("class must be I..V");
    return L->limit[cls - 1];
}

SectionClass evaluate_section(const ClassTable& table, const PerConstituent& conc, WaterBody wb, int target) {
    SectionClass s;
    s.exceedance_max = -1e300;
    for (auto c : kConstituents) {
        const int i = idx(c);
        s.cls[i] = table.classify(key(c), wb, conc[i]);
        s.exceedance[i] = conc[i] / table.limit(key(c), wb, target) - 1.0;
        if (s.cls[i] > s.overall || (s.cls[i] == s.overall && s.exceedance[i] > s.exceedance[s.worst])) {
            s.overall = s.cls[i];
            s.worst = i;
        }
        s.exceedance_max = std::max(s.exceedance_max, s.exceedance[i]);
    }
    s.meets = s.overall <= target;
    return s;
}

}  // namespace qingliu::reaches
