#include "scenarios/conditions.hpp"

#include <cstdio>
#include <set>

namespace qingliu::scenarios {

namespace {
std::string num(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%g", v);
    return b;
}
}  // namespace

std::vector<DesignCondition> design_conditions(const std::vector<Scenario>& scenarios) {
    std::vector<DesignCondition> out;
    DesignCondition d;
    d.id = "design";
    d.name = "设计条件";
    d.name_en = "design condition";
    d.basis = "design flows as the case gives them (GB/T 25173-2010: driest-month mean flow at 90 % assurance or driest "
              "month of the last ten years), case water temperature";
    d.basis_zh = "设计流量（GB/T 25173-2010：90%保证率最枯月平均流量或近10年最枯月平均流量），案例水温";
    out.push_back(d);
    std::set<std::string> seen;
    for (const auto& s : scenarios)
        for (const auto& m : s.measures) {
            if (m.kind != MeasureKind::Conditions || !seen.insert(m.id).second) continue;
            DesignCondition c;
            c.id = m.id;
            c.name = m.name;
            c.name_en = m.name_en;
            std::string en, zh;
            if (m.has_value2) {
                en += "design flows x " + num(m.value2);
                zh += "设计流量×" + num(m.value2);
            }
            if (m.has_value) {
                en += (en.empty() ? "" : ", ") + std::string("water ") + num(m.value) + " degC";
                zh += (zh.empty() ? "" : "，") + std::string("水温") + num(m.value) + "℃";
            }
            c.basis = "case-declared condition (" + en + ")";
            c.basis_zh = "案例声明的条件（" + zh + "）";
            c.measures.push_back(m);
            out.push_back(std::move(c));
        }
    return out;
}

std::vector<DesignCondition> select_conditions(const std::vector<DesignCondition>& all, const std::vector<std::string>& ids,
                                               std::vector<std::string>& unknown) {
    if (ids.empty() || (ids.size() == 1 && ids[0] == "all")) return all;
    std::vector<DesignCondition> out;
    std::set<std::string> picked;
    for (const auto& id : ids) {
        bool found = false;
        for (const auto& d : all)
            if (d.id == id) {
                found = true;
                if (picked.insert(id).second) out.push_back(d);
            }
        if (!found) unknown.push_back(id);
    }
    return out;
}

CaseModel in_condition(const CaseModel& base, const DesignCondition& d) {
    CaseModel m = base;
    for (const auto& x : d.measures) apply_measure(m, x);
    return d.transform ? d.transform(m) : m;
}

std::string condition_label(const DesignCondition& d) {
    std::string s = d.id + ": " + d.name;
    if (d.name_en != d.name) s += " / " + d.name_en;
    return s + " (" + d.basis + ")";
}

}  // namespace qingliu::scenarios
