#include "report/allocation.hpp"

#include <algorithm>
#include <map>

#include "common/units.hpp"
#include "report/html.hpp"
#include "report/html_parts.hpp"
#include "report/names.hpp"

namespace qingliu::report {

namespace {

using html::bi;
using html::esc;
using html::td_num;

// Chinese and English names of the Gini indicators of inventory_indicators (analyses/allocation.hpp).
std::string indicator_zh(const std::string& k) {
    return k == "population" ? "人口" : k == "cropland_km2" ? "耕地面积" : k;
}
std::string indicator_en(const std::string& k) {
    return k == "population" ? "population" : k == "cropland_km2" ? "cropland area" : k;
}

}  // namespace

void append_allocation(AllocationTable& t, const scenarios::CaseModel& m, const std::vector<scenarios::AllocationEntry>& entries,
                       scenarios::AllocationBy by) {
    constexpr double t_a = kTonnePerYearPerGramPerSecond;
    for (const auto& e : entries) {
        const auto& sec = m.sections[e.section];
        for (const auto& r : e.results)
            for (const auto& u : r.units) {
                AllocationRow x;
                x.by = by == scenarios::AllocationBy::Town ? "town" : "type";
                x.section_id = sec.id;
                x.section_name = sec.name;
                x.constituent = std::string(key(kConstituents[e.constituent]));
                x.method = scenarios::allocation_method_key(r.method);
                x.unit = u.id;
                x.current_t_a = u.current_gs * t_a;
                x.allowed_t_a = u.allowed_gs * t_a;
                x.cut_t_a = u.cut_gs * t_a;
                x.cut_share = u.cut_share;
                x.section_mgL = e.total_mgL - r.reduction_mgL;
                x.total_mgL = e.total_mgL;
                x.target_mgL = e.target_mgL;
                x.feasible = r.feasible;
                x.gini_indicators = e.indicator_names;
                x.gini_current = r.gini_current;
                x.gini_allowed = r.gini;
                t.rows.push_back(std::move(x));
            }
    }
}

void set_condition(AllocationTable& t, const scenarios::DesignCondition& d) {
    t.condition = d.id;
    t.condition_label = d.id + ": " + (d.name_en.empty() ? d.id : d.name_en) + (d.basis.empty() ? "" : " (" + d.basis + ")");
    t.condition_label_zh = d.id + "：" + d.name + (d.basis_zh.empty() ? "" : "（" + d.basis_zh + "）");
}

std::string allocation_method_zh(const std::string& k) {
    for (auto m : scenarios::allocation_methods())
        if (k == scenarios::allocation_method_key(m)) return scenarios::allocation_method_zh(m);
    return k;
}

std::string allocation_method_en(const std::string& k) {
    if (k == "equal_ratio") return "Equal-ratio cut";
    if (k == "contribution") return "By contribution";
    if (k == "least_cost") return "Least cost";
    if (k == "gini") return "Gini coefficient";
    return k;
}

namespace {

// One block of the allocation table: rows [first, last) with the same grouping, section and state variable; its
// methods and units in order of first appearance.
struct AllocationBlock {
    const AllocationTable& t;
    std::size_t first, last;
    std::vector<std::string> methods, units;

    AllocationBlock(const AllocationTable& table, std::size_t i) : t(table), first(i), last(i) {
        const AllocationRow& a = t.rows[i];
        while (last < t.rows.size() && t.rows[last].by == a.by && t.rows[last].section_id == a.section_id &&
               t.rows[last].constituent == a.constituent)
            ++last;
        for (std::size_t r = first; r < last; ++r) {
            if (std::find(methods.begin(), methods.end(), t.rows[r].method) == methods.end()) methods.push_back(t.rows[r].method);
            if (std::find(units.begin(), units.end(), t.rows[r].unit) == units.end()) units.push_back(t.rows[r].unit);
        }
    }
    const AllocationRow& head() const { return t.rows[first]; }
    const AllocationRow* find(const std::string& method, const std::string& unit) const {
        for (std::size_t r = first; r < last; ++r)
            if (t.rows[r].method == method && t.rows[r].unit == unit) return &t.rows[r];
        return nullptr;
    }
    bool feasible() const {
        for (std::size_t r = first; r < last; ++r)
            if (!t.rows[r].feasible) return false;
        return true;
    }
};

std::string allocation_intro(const AllocationTable& t, const std::string& mos_pct) {
    return "<p class=\"note\">" +
           bi("各控制断面的允许负荷在乡镇（或污染源类型）之间的分配，单位 t/a。设计条件：" + (t.condition_label_zh.empty() ? t.condition_label : t.condition_label_zh) + "；安全余量为目标限值的 " +
                  mos_pct + " %（目标浓度 = 限值 × " + fixed(1.0 - t.mos, 2) +
                  "）。四种方法：超量等比例削减（各单元同比例削减）、按贡献率削减（削减量与对断面的浓度贡献成正比）、"
                  "费用最小（按单位改善费用由低到高削减；无费用数据时即削减总量最小）、基尼系数法（允许负荷按人口、耕地面积等指标份额分配）。"
                  "每种方法使断面恰好达到含安全余量的目标。每格：允许负荷 / 削减量。",
              "The load allowed at each controlling section shared among towns (or source types), in t/a. Design condition: " +
                  t.condition_label + "; margin of safety " + mos_pct + " % of the target limit (target = limit × " +
                  fixed(1.0 - t.mos, 2) +
                  "). Four methods: equal-ratio cut (every unit cut by the same share), by contribution (cut in proportion to "
                  "the unit's share of the section's concentration), least cost (units cut in order of cost per unit of "
                  "improvement; without costs, the least total load removed), Gini coefficient (allowed loads in proportion "
                  "to the units' shares of population, cropland area). Each method puts the section exactly on its target "
                  "with the margin. Each cell: allowed load / cut.") +
           "</p>";
}

// The block's heading, its note (now, target, whether the units can reach it) and the table's head.
std::string allocation_block_head(const AllocationBlock& b, const std::map<std::string, std::string>& section_en, const std::string& mos_pct) {
    const AllocationRow& a = b.head();
    const auto c = constituent_from_key(a.constituent);
    const int d = html::conc_digits(c ? idx(*c) : 0);
    const std::string var_en = c ? std::string(label_en(*c)) : a.constituent;
    const std::string var_zh = c ? std::string(label_zh(*c)) : a.constituent;
    const bool town = a.by == "town", feasible = b.feasible();
    std::string h = "<h3>" + bi(a.section_name + "（" + a.section_id + "）" + var_zh + "，按" + (town ? "乡镇" : "污染源类型") + "分配",
                                english_or(section_en.count(a.section_id) ? section_en.at(a.section_id) : "", a.section_name) +
                                    " (" + a.section_id + ") " + var_en + ", by " + (town ? "town" : "source type")) +
                    "</h3><p class=\"note\">" +
                    bi("现状 " + fixed(a.total_mgL, d) + " mg/L，目标 " + fixed(a.target_mgL, d) + " mg/L（含 " + mos_pct + " % 安全余量）" +
                           (feasible ? "" : "；各单元全部削减仍不能达标，其余须由上游来水削减"),
                       "now " + fixed(a.total_mgL, d) + " mg/L, target " + fixed(a.target_mgL, d) + " mg/L (with the " + mos_pct + " % margin)" +
                           (feasible ? "" : "; cutting every unit entirely is not enough, the rest must come from upstream")) +
                    "</p><table class=\"allocation\" data-section=\"" + esc(a.section_id) + "\" data-var=\"" + esc(a.constituent) +
                    "\" data-by=\"" + esc(a.by) + "\"><thead><tr><th rowspan=\"2\">" + bi(town ? "乡镇" : "类型", town ? "Town" : "Type") +
                    "</th><th rowspan=\"2\">" + bi("现状负荷", "Current load") + "</th>";
    for (const auto& mth : b.methods) h += "<th colspan=\"2\">" + bi(allocation_method_zh(mth), allocation_method_en(mth)) + "</th>";
    h += "</tr><tr>";
    for (std::size_t m = 0; m < b.methods.size(); ++m) h += "<th>" + bi("允许", "Allowed") + "</th><th>" + bi("削减", "Cut") + "</th>";
    return h + "</tr></thead><tbody>";
}

// A row per unit (current load, then allowed and cut per method) and the totals.
std::string allocation_block_rows(const AllocationBlock& b, const std::map<std::string, std::string>& town_en) {
    const bool town = b.head().by == "town";
    std::string h;
    std::vector<double> sum_allowed(b.methods.size(), 0.0), sum_cut(b.methods.size(), 0.0);
    double sum_current = 0.0;
    for (const auto& u : b.units) {
        const AllocationRow* first = nullptr;
        for (const auto& mth : b.methods)
            if (!first) first = b.find(mth, u);
        std::string zh = u, en = u;
        if (!town) {
            zh = html::type_zh(u);
            en = html::type_en(u);
        } else if (u == "(none)") {
            zh = "（未注明乡镇）";
            en = "(no town given)";
        } else {
            auto it = town_en.find(u);
            en = english_or(it != town_en.end() ? it->second : "", u);
        }
        h += "<tr data-unit=\"" + esc(u) + "\" data-current=\"" + num(first ? first->current_t_a : 0.0) + "\"><td>" + bi(zh, en) + "</td>" + td_num(first ? first->current_t_a : 0.0, 3);
        sum_current += first ? first->current_t_a : 0.0;
        for (std::size_t m = 0; m < b.methods.size(); ++m) {
            const AllocationRow* x = b.find(b.methods[m], u);
            if (!x) {
                h += "<td></td><td></td>";
                continue;
            }
            sum_allowed[m] += x->allowed_t_a;
            sum_cut[m] += x->cut_t_a;
            h += "<td class=\"n\" data-method=\"" + esc(x->method) + "\" data-allowed=\"" + num(x->allowed_t_a) + "\">" +
                 fixed(x->allowed_t_a, 3) + "</td><td class=\"n\" data-cut=\"" + num(x->cut_t_a) + "\" title=\"" +
                 fixed(100.0 * x->cut_share, 1) + " %\">" + fixed(x->cut_t_a, 3) + "</td>";
        }
        h += "</tr>";
    }
    h += "<tr class=\"total\"><td>" + bi("合计", "Total") + "</td>" + td_num(sum_current, 3);
    for (std::size_t m = 0; m < b.methods.size(); ++m) h += td_num(sum_allowed[m], 3) + td_num(sum_cut[m], 3);
    return h + "</tr></tbody></table>";
}

// Gini coefficients of the allocations against each indicator (towns only), or why the Gini method shared equally.
std::string allocation_gini_note(const AllocationBlock& b) {
    std::string gz, ge;
    if (!b.head().gini_indicators.empty())
        for (const auto& mth : b.methods) {
            const AllocationRow* x = b.find(mth, b.units.front());
            if (!x) continue;
            for (std::size_t g = 0; g < x->gini_indicators.size() && g < x->gini_allowed.size() && g < x->gini_current.size(); ++g) {
                gz += (gz.empty() ? "" : "；") + allocation_method_zh(mth) + "（" + indicator_zh(x->gini_indicators[g]) + "）" +
                      fixed(x->gini_current[g], 3) + " → " + fixed(x->gini_allowed[g], 3);
                ge += (ge.empty() ? "" : "; ") + allocation_method_en(mth) + " (" + indicator_en(x->gini_indicators[g]) + ") " +
                      fixed(x->gini_current[g], 3) + " → " + fixed(x->gini_allowed[g], 3);
            }
        }
    if (!gz.empty()) return "<p class=\"note\">" + bi("基尼系数（现状 → 分配后）：" + gz, "Gini coefficient (now → allocated): " + ge) + "</p>";
    if (std::find(b.methods.begin(), b.methods.end(), "gini") != b.methods.end())
        return "<p class=\"note\">" +
               bi("基尼系数法：分配单元无人口、耕地面积等指标，允许负荷在各单元间均分（以现状负荷为上限，余量再分）。",
                  "Gini method: the units carry no population or cropland indicators, so the allowed load is shared equally "
                  "among them (capped at each unit's current load, the excess shared again).") +
               "</p>";
    return "";
}

}  // namespace

std::string allocation_section_html(const AllocationTable& t, const AllocationNames& names, const std::string& title_html) {
    std::map<std::string, std::string> town_en(names.town_en.begin(), names.town_en.end());
    std::map<std::string, std::string> section_en(names.section_en.begin(), names.section_en.end());
    const std::string mos_pct = fixed(100.0 * t.mos, 0);
    std::string h = "<section class=\"part\" id=\"allocation\"><h2>" + title_html + "</h2>" + allocation_intro(t, mos_pct);
    if (t.rows.empty()) {
        h += "<p>" + bi("各断面在含安全余量的目标下均达标，无需分配削减量。",
                        "Every section meets its target with the margin: there is no cut to allocate.") +
             "</p></section>\n";
        return h;
    }
    // blocks of rows with the same grouping, section and state variable; within a block, methods in order
    for (std::size_t i = 0; i < t.rows.size();) {
        const AllocationBlock b(t, i);
        h += allocation_block_head(b, section_en, mos_pct) + allocation_block_rows(b, town_en) + allocation_gini_note(b);
        i = b.last;
    }
    return h + "</section>\n";
}

}  // namespace qingliu::report
