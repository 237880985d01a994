#include "io/water_quality_csv.hpp"

#include <algorithm>
#include <cstdio>

#include "common/units.hpp"
#include "io/export_tables.hpp"
#include "io/results.hpp"
#include "loads/source.hpp"

namespace qingliu::io {

namespace {
std::string precise(double v) {
    char b[64];
    std::snprintf(b, sizeof b, "%.12g", v);
    return b;
}
}  // namespace

const std::vector<std::string>& water_quality_item_keys() {
    static const std::vector<std::string> k = [] {  // the variable table's GB 3838 items, by item number
        std::vector<std::string> v;
        for (Var x : kGb3838Set) v.emplace_back(variable_def(x).key);
        return v;
    }();
    return k;
}

std::vector<std::string> water_quality_item_keys(const std::vector<report::WaterQualityRow>& rows) {
    if (rows.empty()) return water_quality_item_keys();
    std::vector<std::string> k;
    for (const auto& key : water_quality_item_keys())
        if (std::any_of(rows.begin(), rows.end(), [&](const report::WaterQualityRow& r) {
                return std::any_of(r.evaluation.items.begin(), r.evaluation.items.end(),
                                   [&](const reaches::wq::ItemClass& c) { return c.key == key; });
            }))
            k.push_back(key);
    return k;
}

std::string water_quality_sections_csv(const std::vector<report::WaterQualityRow>& rows, const std::string& scenario) {
    const auto keys = water_quality_item_keys(rows);
    std::string out = "scenario_id,section_id,name,name_en,river,reach_id,position_km,water_body,target_class,flow_m3s";
    for (const char* what : {"_mgL", "_class", "_exceedance"})
        for (const auto& k : keys) out += "," + k + what;
    out += ",class,meets,deciding,exceeding_en,exceeding_zh\n";
    for (const auto& r : rows) {
        if (!scenario.empty() && r.scenario != scenario) continue;
        const reaches::wq::ItemsEvaluation& e = r.evaluation;
        out += csv_quote(r.scenario) + "," + csv_quote(r.section_id) + "," + csv_quote(r.name) + "," + csv_quote(r.name_en) + "," +
               csv_quote(r.river) + "," + csv_quote(r.reach_id) + "," + num(r.position_km) + "," + r.water_body + "," +
               reaches::class_roman(r.target_class) + "," + num(r.flow_m3s);
        // items in column order, found by key (the evaluation lists them in gb3838_items order)
        std::vector<const reaches::wq::ItemClass*> item(keys.size(), nullptr);
        for (std::size_t k = 0; k < keys.size(); ++k)
            for (const auto& c : e.items)
                if (c.key == keys[k]) item[k] = &c;
        for (const auto* c : item) out += "," + (c ? precise(c->value_mgL) : std::string());
        for (const auto* c : item) out += "," + (c && c->cls > 0 ? reaches::class_roman(c->cls) : std::string());
        for (const auto* c : item) out += "," + (c && c->exceeds ? num(c->exceedance) : std::string());
        std::string deciding;
        for (const auto& k : r.deciding) deciding += (deciding.empty() ? "" : ";") + k;
        out += "," + (e.overall > 0 ? reaches::class_roman(e.overall) : std::string()) + "," + (e.meets ? "yes" : "no") + "," +
               deciding + "," + csv_quote(reaches::wq::exceeding_text(e, false)) + "," + csv_quote(reaches::wq::exceeding_text(e, true)) +
               "\n";
    }
    return out;
}

std::string compare_water_quality_header(const std::vector<std::string>& keys) {
    std::string h;
    for (const char* what : {"_mgL", "_class", "_exceedance"})
        for (const auto& k : keys) h += ",wq_" + k + what;
    return h + ",wq_class,wq_meets,wq_class_change,wq_exceeding,wq_exceeding_zh";
}

std::string compare_water_quality_cells(const std::vector<std::string>& keys, const report::WaterQualityRow* r,
                                        const report::WaterQualityRow* base) {
    if (!r) return std::string(3 * keys.size() + 5, ',');
    const reaches::wq::ItemsEvaluation& e = r->evaluation;
    std::vector<const reaches::wq::ItemClass*> item(keys.size(), nullptr);
    for (std::size_t k = 0; k < keys.size(); ++k)
        for (const auto& c : e.items)
            if (c.key == keys[k]) item[k] = &c;
    std::string out;
    for (const auto* c : item) out += "," + (c ? num(c->value_mgL) : std::string());
    for (const auto* c : item) out += "," + (c && c->cls > 0 ? reaches::class_roman(c->cls) : std::string());
    for (const auto* c : item) out += "," + (c && c->exceeds ? num(c->exceedance) : std::string());
    const bool both = base && e.overall > 0 && base->evaluation.overall > 0;
    return out + "," + (e.overall > 0 ? reaches::class_roman(e.overall) : std::string()) + "," + (e.meets ? "yes" : "no") + "," +
           (both ? std::to_string(e.overall - base->evaluation.overall) : std::string()) + "," +
           csv_quote(reaches::wq::exceeding_text(e, false)) + "," + csv_quote(reaches::wq::exceeding_text(e, true));
}

namespace {
std::string item_cols(const std::string& key) {
    return csv_quote(key) + "," + csv_quote(reaches::wq::item_label_en(key)) + "," + csv_quote(reaches::wq::item_label_zh(key));
}
std::string yes_no(bool b) { return b ? "yes" : "no"; }
}  // namespace

std::string water_quality_apportionment_csv(const scenarios::CaseModel& m, const scenarios::WqApportionment& a,
                                            const std::string& condition) {
    std::string out = "condition,section_id,section_name,item,item_en,item_zh,part,source_id,source_name,type,reach_id,"
                      "contribution_mgL,share\n";
    for (std::size_t s = 0; s < m.sections.size() && s < a.sections.size(); ++s) {
        const reaches::Section& sec = m.sections[s];
        for (const auto& x : a.sections[s].items) {
            const std::string head = csv_quote(condition) + "," + csv_quote(sec.id) + "," + csv_quote(sec.name) + "," + item_cols(x.key) + ",";
            auto row = [&](const char* part, const std::string& src, double v) {
                out += head + part + "," + src + "," + precise(v) + "," + num(x.value_mgL != 0.0 ? v / x.value_mgL : 0.0) + "\n";
            };
            row("background", ",,,", x.background_mgL);
            row("boundary_inflow", ",,,", x.boundary_mgL);
            for (std::size_t j = 0; j < m.sources.size(); ++j) {
                if (x.by_source_mgL[j] == 0.0) continue;
                const loads::Source& so = m.sources[j];
                row("source", csv_quote(so.id) + "," + csv_quote(so.name) + "," + csv_quote(so.type) + "," + csv_quote(m.net.topo.id(so.reach)),
                    x.by_source_mgL[j]);
            }
            row("oxygen_effects", ",,,", x.oxygen_effects_mgL);
        }
    }
    return out;
}

std::string water_quality_reduction_csv(const report::WqApportionTable& t) {
    std::string out = "condition,section_id,section_name,target_class,item,item_en,item_zh,minimum,value_mgL,limit_mgL,mos,"
                      "target_mgL,meets_target,background_mgL,boundary_mgL,sources_mgL,oxygen_effects_mgL,cut_sources,"
                      "source_load_t_a,cut_share_linear,cut_share,cut_t_a,allowed_t_a,boundary_cut_share,value_after_cut_mgL,"
                      "feasible\n";
    for (const auto& x : t.rows)
        out += csv_quote(x.condition) + "," + csv_quote(x.section_id) + "," + csv_quote(x.section_name) + "," +
               reaches::class_roman(x.target_class) + "," + item_cols(x.item) + "," + yes_no(x.minimum) + "," + precise(x.value_mgL) +
               "," + num(x.limit_mgL) + "," + num(x.mos) + "," + num(x.target_mgL) + "," + yes_no(x.meets_target) + "," +
               precise(x.background_mgL) + "," + precise(x.boundary_mgL) + "," + precise(x.sources_mgL) + "," +
               precise(x.oxygen_effects_mgL) + "," + csv_quote(x.cut_sources) + "," + num(x.source_load_t_a) + "," +
               num(x.cut_share_linear) + "," + num(x.cut_share) + "," + num(x.cut_t_a) + "," + num(x.allowed_t_a) + "," +
               num(x.boundary_cut_share) + "," + precise(x.value_after_cut_mgL) + "," + yes_no(x.feasible) + "\n";
    return out;
}

std::string water_quality_capacity_csv(const report::WqApportionTable& t) {
    std::string out = "condition,reach_id,item,item_en,item_zh,load_t_a,cut_t_a,allowed_t_a,binding_section\n";
    for (const auto& c : t.capacity)
        out += csv_quote(c.condition) + "," + csv_quote(c.reach_id) + "," + item_cols(c.item) + "," + num(c.load_t_a) + "," +
               num(c.cut_t_a) + "," + num(c.allowed_t_a) + "," + csv_quote(c.binding_section) + "\n";
    return out;
}

std::string water_quality_plan_csv(const report::WqPlanTable& t) {
    std::string out = "measure_id,name,name_en,kind,group,invest_wan,annual_wan,cost_wan,chosen,note\n";  // plan.csv's layout
    for (const auto& x : t.measures)
        out += csv_quote(x.measure_id) + "," + csv_quote(x.name) + "," + csv_quote(x.name_en) + "," + x.kind + "," + csv_quote(x.group) +
               "," + num(x.invest_wan) + "," + num(x.annual_wan) + "," + num(x.cost_wan) + "," + (x.chosen ? "1" : "0") + "," +
               csv_quote(x.note) + "\n";
    return out;
}

std::string water_quality_plan_sections_csv(const report::WqPlanTable& t) {
    std::string out = "condition,section_id,name,item,item_en,item_zh,minimum,target_class,limit_mgL,mos,target_mgL,baseline_mgL,"
                      "predicted_mgL,plan_mgL,gap_mgL,meets_with_margin,reachable,baseline_class,plan_class,plan_exceeding_en,"
                      "plan_exceeding_zh\n";
    for (const auto& x : t.sections)
        out += csv_quote(x.condition) + "," + csv_quote(x.section_id) + "," + csv_quote(x.name) + "," + item_cols(x.item) + "," +
               yes_no(x.minimum) + "," + reaches::class_roman(x.target_class) + "," + num(x.limit_mgL) + "," + num(x.mos) + "," +
               num(x.target_mgL) + "," + precise(x.baseline_mgL) + "," + precise(x.predicted_mgL) + "," + precise(x.plan_mgL) + "," +
               num(x.gap_mgL) + "," + yes_no(x.gap_mgL <= 0.0) + "," + yes_no(x.reachable) + "," +
               reaches::class_roman(x.baseline_class) + "," + reaches::class_roman(x.plan_class) + "," +
               csv_quote(x.plan_exceeding_en) + "," + csv_quote(x.plan_exceeding_zh) + "\n";
    return out;
}

std::string water_quality_montecarlo_csv(const report::WqMonteCarloTable& t) {
    std::string out = "scenario,scenario_name,scenario_name_en,section_id,name,item,item_en,item_zh,assessed,p_meets,p5_mgL,"
                      "p50_mgL,p95_mgL,mean_mgL,section_p_meets,draws,seed\n";
    for (const auto& x : t.rows)
        out += csv_quote(x.scenario) + "," + csv_quote(x.scenario_name) + "," + csv_quote(x.scenario_name_en) + "," +
               csv_quote(x.section_id) + "," + csv_quote(x.name) + "," + item_cols(x.item) + "," + yes_no(x.assessed) + "," +
               (x.assessed ? num(x.p_meets) : std::string()) + "," + num(x.p5_mgL) + "," + num(x.p50_mgL) + "," + num(x.p95_mgL) +
               "," + num(x.mean_mgL) + "," + num(x.section_p_meets) + "," + std::to_string(t.draws) + "," + std::to_string(t.seed) +
               "\n";
    return out;
}

}  // namespace qingliu::io
