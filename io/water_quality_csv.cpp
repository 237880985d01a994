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

std::string water_quality_sections_csv(const scenarios::CaseModel& m, const std::vector<scenarios::WaterQualityRun>& runs) {
    return water_quality_sections_csv(report::water_quality_rows(m, runs));
}

namespace {
std::string item_cols(const std::string& key) {
    return csv_quote(key) + "," + csv_quote(reaches::wq::item_label_en(key)) + "," + csv_quote(reaches::wq::item_label_zh(key));
}
std::string t_a(double gs) { return num(gs * kTonnePerYearPerGramPerSecond); }
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

std::string water_quality_reduction_csv(const scenarios::CaseModel& m, const scenarios::WqApportionment& a,
                                        const std::string& condition) {
    std::string out = "condition,section_id,section_name,target_class,item,item_en,item_zh,minimum,value_mgL,limit_mgL,mos,"
                      "target_mgL,meets_target,background_mgL,boundary_mgL,sources_mgL,oxygen_effects_mgL,cut_sources,"
                      "source_load_t_a,cut_share_linear,cut_share,cut_t_a,allowed_t_a,boundary_cut_share,value_after_cut_mgL,"
                      "feasible\n";
    for (std::size_t s = 0; s < m.sections.size() && s < a.sections.size(); ++s) {
        const reaches::Section& sec = m.sections[s];
        for (const auto& x : a.sections[s].items) {
            if (!x.assessed) continue;
            double src = 0.0;
            for (double v : x.by_source_mgL) src += v;
            std::string ids;
            for (std::int32_t j : x.cut_sources) ids += (ids.empty() ? "" : ";") + m.sources[j].id;
            out += csv_quote(condition) + "," + csv_quote(sec.id) + "," + csv_quote(sec.name) + "," +
                   reaches::class_roman(sec.target_class) + "," + item_cols(x.key) + "," + (x.minimum ? "yes" : "no") + "," +
                   precise(x.value_mgL) + "," + num(x.limit_mgL) + "," + num(a.mos_fraction) + "," + num(x.target_mgL) + "," +
                   (x.meets_target ? "yes" : "no") + "," + precise(x.background_mgL) + "," + precise(x.boundary_mgL) + "," +
                   precise(src) + "," + precise(x.oxygen_effects_mgL) + "," + csv_quote(ids) + "," + t_a(x.source_load_gs) + "," +
                   num(x.cut_share_linear) + "," + num(x.cut_share) + "," + t_a(x.cut_gs) + "," + t_a(x.allowed_gs) + "," +
                   num(x.boundary_cut_share) + "," + precise(x.value_after_cut_mgL) + "," + (x.feasible ? "yes" : "no") + "\n";
        }
    }
    return out;
}

std::string water_quality_capacity_csv(const scenarios::CaseModel& m, const scenarios::WqApportionment& a,
                                       const std::string& condition) {
    std::string out = "condition,reach_id,item,item_en,item_zh,load_t_a,cut_t_a,allowed_t_a,binding_section\n";
    for (const auto& c : a.reaches)
        out += csv_quote(condition) + "," + csv_quote(m.net.topo.id(c.reach)) + "," + item_cols(c.item) + "," + t_a(c.load_gs) + "," +
               t_a(c.cut_gs) + "," + t_a(c.allowed_gs) + "," + csv_quote(c.binding_section) + "\n";
    return out;
}

std::string water_quality_plan_csv(const std::vector<scenarios::Candidate>& cands, const scenarios::WqOptimizeResult& r,
                                   double annual_cost_factor) {
    return plan_measures_csv(cands, r.chosen, r.dropped, annual_cost_factor);  // the layout of plan.csv
}

std::string water_quality_plan_sections_csv(const scenarios::CaseModel& m, const std::vector<scenarios::DesignCondition>& conds,
                                            const scenarios::WqOptimizeResult& r, double mos_fraction) {
    std::string out = "condition,section_id,name,item,item_en,item_zh,minimum,target_class,limit_mgL,mos,target_mgL,baseline_mgL,"
                      "predicted_mgL,plan_mgL,gap_mgL,meets_with_margin,reachable,baseline_class,plan_class,plan_exceeding_en,"
                      "plan_exceeding_zh\n";
    for (std::size_t k = 0; k < conds.size() && k < r.condition_sections.size(); ++k)
        for (std::size_t s = 0; s < m.sections.size(); ++s) {
            const auto& x = r.condition_sections[k][s];
            const reaches::Section& sec = m.sections[s];
            for (const auto& it : x.items)
                out += csv_quote(conds[k].id) + "," + csv_quote(sec.id) + "," + csv_quote(sec.name) + "," + item_cols(it.key) + "," +
                       (it.minimum ? "yes" : "no") + "," + reaches::class_roman(sec.target_class) + "," + num(it.limit_mgL) + "," +
                       num(mos_fraction) + "," + num(it.target_mgL) + "," + precise(it.baseline_mgL) + "," +
                       precise(it.predicted_mgL) + "," + precise(it.verified_mgL) + "," + num(it.gap_mgL) + "," +
                       (it.gap_mgL <= 0.0 ? "yes" : "no") + "," + (it.reachable ? "yes" : "no") + "," +
                       reaches::class_roman(x.baseline.overall) + "," + reaches::class_roman(x.plan.overall) + "," +
                       csv_quote(reaches::wq::exceeding_text(x.plan, false)) + "," + csv_quote(reaches::wq::exceeding_text(x.plan, true)) +
                       "\n";
        }
    return out;
}

std::string water_quality_montecarlo_csv(const scenarios::CaseModel& m, const std::vector<scenarios::WqScenarioMonteCarlo>& runs) {
    std::string out = "scenario,scenario_name,scenario_name_en,section_id,name,item,item_en,item_zh,assessed,p_meets,p5_mgL,"
                      "p50_mgL,p95_mgL,mean_mgL,section_p_meets,draws,seed\n";
    for (const auto& run : runs) {
        const auto& r = run.result;
        const std::string scenario = csv_quote(run.scenario_id) + "," + csv_quote(run.name) + "," + csv_quote(run.name_en) + ",";
        for (std::size_t s = 0; s < m.sections.size() && s < r.sections.size(); ++s)
            for (const auto& b : r.sections[s].items)
                out += scenario + csv_quote(m.sections[s].id) + "," + csv_quote(m.sections[s].name) + "," + item_cols(b.key) +
                       "," + (b.assessed ? "yes" : "no") + "," + (b.assessed ? num(b.p_meets) : std::string()) + "," +
                       num(b.p5) + "," + num(b.p50) + "," + num(b.p95) + "," + num(b.mean) + "," +
                       num(r.sections[s].p_meets) + "," + std::to_string(r.draws) + "," + std::to_string(r.seed) + "\n";
    }
    return out;
}

}  // namespace qingliu::io
