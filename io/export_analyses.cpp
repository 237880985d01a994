// Tables of the analyses (io/export_tables.hpp): compare, apportion, capacity, allocate, optimize, calibrate.
#include <algorithm>
#include <cmath>
#include <map>

#include "common/units.hpp"
#include "io/export_tables.hpp"
#include "report/allocation.hpp"
#include "io/results.hpp"
#include "io/water_quality_csv.hpp"
#include "loads/source.hpp"
#include "reaches/classes.hpp"
#include "analyses/verdict.hpp"

namespace qingliu::io {

namespace {

/// part / total, 0 when the total is not positive.
double share(double part, double total) { return total > 0.0 ? part / total : 0.0; }

/// Concentrations, then their shares of the section's total.
std::string with_shares(const PerConstituent& c, const PerConstituent& total) {
    return nums(c) + "," + join_each([&](int k) { return num(share(c[k], total[k])); });
}

/// Calls f(source index, its concentration at the section) for every source reaching the section.
template <class F>
void each_source_part(const scenarios::CaseModel& m, const scenarios::SectionApportionment& x, F f) {
    for (std::size_t j = 0; j < m.sources.size(); ++j)
        if (any_nonzero(x.by_source_mgL[j])) f(j, x.by_source_mgL[j]);
}

/// num, with NaN (a statistic the series does not allow) left empty.
std::string stat(double v) { return std::isnan(v) ? "" : num(v); }

}  // namespace

std::string compare_csv(const report::ReportData& d) {
    // a case with [water_quality]: every GB 3838 item of the water-quality model after the routed constituents' columns
    const report::WaterQualityTable* wq = d.water_quality.get();
    auto wq_row = [&](const std::string& scenario, const std::string& section) -> const report::WaterQualityRow* {
        for (const auto& r : wq->rows)
            if (r.scenario == scenario && r.section_id == section) return &r;
        return nullptr;
    };
    const std::vector<std::string> wq_keys = wq ? water_quality_item_keys(wq->rows) : std::vector<std::string>{};
    std::string csv = "scenario,scenario_name,section_id,name,river,target_class," + columns("_mgL") + ",class,meets,exceedance," +
                      columns("_mgL", "delta_") + ",class_change,scenario_name_en,name_en,exceeding" +
                      (wq ? compare_water_quality_header(wq_keys) : std::string()) + "\n";
    if (d.scenarios.empty()) return csv;
    const auto& base = d.scenarios.front().sections;
    for (const auto& s : d.scenarios)
        for (std::size_t k = 0; k < s.sections.size() && k < base.size(); ++k) {
            const auto& x = s.sections[k];
            const auto& b = base[k];
            csv += csv_quote(s.id) + "," + csv_quote(s.name) + "," + csv_quote(x.id) + "," + csv_quote(x.name) + "," + csv_quote(x.river) + "," +
                   reaches::class_roman(x.target_class) + "," + nums(x.conc_mgL) + "," + reaches::class_roman(x.overall) + "," +
                   (x.meets ? "yes" : "no") + "," + num(x.exceedance_max) + "," +
                   join_each([&](int c) { return num(x.conc_mgL[c] - b.conc_mgL[c]); }) + "," + std::to_string(x.overall - b.overall) + "," +
                   csv_quote(s.name_en) + "," + csv_quote(x.name_en) + "," + csv_quote(scenarios::exceeding_text(x.exceedance)) +
                   (wq ? compare_water_quality_cells(wq_keys, wq_row(s.id, x.id), wq_row(d.scenarios.front().id, x.id)) : std::string()) + "\n";
        }
    return csv;
}

std::string apportionment_sources_csv(const scenarios::CaseModel& m, const scenarios::Apportionment& a, const ApportionContext& at) {
    std::string src = "scenario,section_id,section_name,source_id,source_name,type,reach_id," + columns("_mgL") + "," + columns("_share") + "\n";
    for (std::size_t s = 0; s < m.sections.size(); ++s) {
        const auto& x = a.sections[s];
        const auto& sec = m.sections[s];
        each_source_part(m, x, [&](std::size_t j, const PerConstituent& c) {
            const auto& so = m.sources[j];
            src += csv_quote(at.scenario) + "," + csv_quote(sec.id) + "," + csv_quote(sec.name) + "," + csv_quote(so.id) + "," +
                   csv_quote(so.name) + "," + so.type + "," + csv_quote(m.net.topo.id(so.reach)) + "," + with_shares(c, x.total_mgL) + "\n";
        });
    }
    return src;
}

std::string apportionment_types_csv(const scenarios::CaseModel& m, const scenarios::Apportionment& a, const ApportionContext& at) {
    std::string typ = "scenario,section_id,section_name,type,type_zh,type_en," + columns("_mgL") + "," + columns("_share") + "\n";
    for (std::size_t s = 0; s < m.sections.size(); ++s) {
        const auto& x = a.sections[s];
        const auto& sec = m.sections[s];
        // the background and the boundary inflow as types of their own; types in key order
        std::map<std::string, PerConstituent> by_type;
        by_type["background"] = x.background_mgL;
        by_type["boundary_inflow"] = x.boundary_mgL;
        each_source_part(m, x, [&](std::size_t j, const PerConstituent& c) {
            for (int k = 0; k < kNumConstituents; ++k) by_type[m.sources[j].type][k] += c[k];
        });
        for (const auto& [type, c] : by_type) {
            const loads::SourceType* st = loads::find_source_type(type);
            typ += csv_quote(at.scenario) + "," + csv_quote(sec.id) + "," + csv_quote(sec.name) + "," + type + "," +
                   csv_quote(st ? st->zh : type) + "," + csv_quote(st ? st->en : type) + "," + with_shares(c, x.total_mgL) + "\n";
        }
    }
    return typ;
}

std::string required_reduction_csv(const scenarios::CaseModel& m, const scenarios::Apportionment& a, const ApportionContext& at) {
    std::string red = "scenario,section_id,section_name,target_class,constituent,concentration_mgL,limit_mgL,background_mgL,"
                      "upstream_load_kg_d,required_cut_share,required_cut_kg_d,feasible,condition,mos,target_mgL,boundary_mgL,"
                      "required_cut_t_a,boundary_cut_share,boundary_cut_t_a\n";
    constexpr double kg_d = kKgPerDayPerGramPerSecond, t_a = kTonnePerYearPerGramPerSecond;
    for (std::size_t s = 0; s < m.sections.size(); ++s) {
        const auto& x = a.sections[s];
        const auto& sec = m.sections[s];
        for (auto cst : kConstituents) {
            const int k = idx(cst);
            red += csv_quote(at.scenario) + "," + csv_quote(sec.id) + "," + csv_quote(sec.name) + "," + reaches::class_roman(sec.target_class) +
                   "," + std::string(key(cst)) + "," + num(x.total_mgL[k]) + "," + num(x.limit_mgL[k]) + "," + num(x.background_mgL[k]) + "," +
                   num(x.upstream_load_gs[k] * kg_d) + "," + num(x.required_cut_share[k]) + "," + num(x.required_cut_gs[k] * kg_d) + "," +
                   (x.feasible[k] ? "yes" : "no") + "," + csv_quote(at.condition) + "," + num(a.mos_fraction) + "," + num(x.target_mgL[k]) +
                   "," + num(x.boundary_mgL[k]) + "," + num(x.required_cut_gs[k] * t_a) + "," + num(x.boundary_cut_share[k]) + "," +
                   num(x.boundary_cut_gs[k] * t_a) + "\n";
        }
    }
    return red;
}

std::string capacity_csv(const scenarios::CaseModel& m, const std::vector<scenarios::ReachCapacity>& caps, const ApportionContext& at,
                         double mos_fraction, scenarios::DischargePoint discharge) {
    constexpr double t_a = kTonnePerYearPerGramPerSecond;
    std::string csv = "scenario,reach_id,river,target_class,control_section,";
    for (auto c : kConstituents) {
        const std::string k(key(c));
        csv += k + "_capacity_t_a," + k + "_current_t_a," + k + "_reduction_t_a," + k + "_limit_mgL," + k + "_inflow_mgL,";
    }
    for (auto c : kConstituents) {
        const std::string k(key(c));
        csv += k + "_allowed_t_a," + k + "_binding_section," + k + "_upstream_cut_t_a,";
    }
    csv += "condition,mos,method\n";
    for (const auto& rc : caps) {
        // a reach without a target (no section controls it) has no capacity, limit, reduction or upstream cut
        const bool target = rc.target_class != 0;
        csv += csv_quote(at.scenario) + "," + csv_quote(m.net.topo.id(rc.reach)) + "," + csv_quote(m.net.river[rc.reach]) + "," +
               (target ? reaches::class_roman(rc.target_class) : "") + "," + csv_quote(rc.control_section) + ",";
        for (int k = 0; k < kNumConstituents; ++k)
            csv += (target ? num(rc.capacity_gs[k] * t_a) : "") + "," + num(rc.current_gs[k] * t_a) + "," +
                   (target ? num(rc.reduction_gs[k] * t_a) : "") + "," + (target ? num(rc.limit_mgL[k]) : "") + "," +
                   num(rc.inflow_conc_mgL[k]) + ",";
        for (int k = 0; k < kNumConstituents; ++k)
            csv += num(rc.allowed_gs[k] * t_a) + "," + csv_quote(rc.binding_section[k]) + "," + (target ? num(rc.upstream_cut_gs[k] * t_a) : "") + ",";
        csv += csv_quote(at.condition) + "," + num(mos_fraction) + "," + csv_quote(scenarios::capacity_method(discharge)) + "\n";
    }
    return csv;
}

namespace {
// ";"-separated lists (the Gini indicators and coefficients of allocation.csv)
std::string join_list(const std::vector<std::string>& v) {
    std::string o;
    for (std::size_t i = 0; i < v.size(); ++i) o += (i ? ";" : "") + v[i];
    return o;
}
std::string join_list(const std::vector<double>& v) {
    std::string o;
    for (std::size_t i = 0; i < v.size(); ++i) o += (i ? ";" : "") + num(v[i]);
    return o;
}
}  // namespace

std::string allocation_csv(const report::AllocationTable& t) {
    std::string csv = "condition,mos,by,section_id,section_name,constituent,method,method_zh,unit,current_t_a,allowed_t_a,cut_t_a,"
                      "cut_share,section_mgL,target_mgL,feasible,gini_indicator,gini_current,gini_allowed\n";
    for (const auto& x : t.rows)
        csv += csv_quote(t.condition) + "," + num(t.mos) + "," + x.by + "," + csv_quote(x.section_id) + "," + csv_quote(x.section_name) + "," +
               x.constituent + "," + x.method + "," + report::allocation_method_zh(x.method) + "," + csv_quote(x.unit) + "," + num(x.current_t_a) +
               "," + num(x.allowed_t_a) + "," + num(x.cut_t_a) + "," + num(x.cut_share) + "," + num(x.section_mgL) + "," +
               num(x.target_mgL) + "," + (x.feasible ? "yes" : "no") + "," + csv_quote(join_list(x.gini_indicators)) + "," +
               csv_quote(join_list(x.gini_current)) + "," + csv_quote(join_list(x.gini_allowed)) + "\n";
    return csv;
}

std::string plan_measures_csv(const std::vector<scenarios::Candidate>& cands, const std::vector<std::size_t>& chosen,
                              const std::vector<scenarios::DroppedMeasure>& dropped, double annual_cost_factor) {
    std::string plan = "measure_id,name,name_en,kind,group,invest_wan,annual_wan,cost_wan,chosen,note\n";
    for (std::size_t j = 0; j < cands.size(); ++j) {
        const auto& x = cands[j].measure;
        const bool on = std::find(chosen.begin(), chosen.end(), j) != chosen.end();
        std::string note;
        for (const auto& d : dropped)
            if (d.id == x.id) note = d.reason;
        plan += csv_quote(x.id) + "," + csv_quote(x.name) + "," + csv_quote(x.name_en) + "," + scenarios::kind_def(x.kind).key + "," +
                csv_quote(cands[j].group) + "," + num(x.invest_wan) + "," + num(x.annual_wan) + "," +
                num(x.invest_wan + annual_cost_factor * x.annual_wan) + "," + (on ? "1" : "0") + "," + csv_quote(note) + "\n";
    }
    return plan;
}

std::string plan_csv(const std::vector<scenarios::Candidate>& cands, const scenarios::OptimizeResult& r, double annual_cost_factor,
                     const std::vector<scenarios::DroppedMeasure>& left_out) {
    std::string plan = plan_measures_csv(cands, r.chosen, r.dropped, annual_cost_factor);
    for (const auto& d : left_out) plan += csv_quote(d.id) + "," + csv_quote(d.name) + ",,conditions,,,,,," + csv_quote(d.reason) + "\n";
    return plan;
}

std::string plan_sections_csv(const scenarios::CaseModel& m, const std::vector<scenarios::DesignCondition>& conds,
                              const scenarios::OptimizeResult& r, double mos_fraction) {
    std::string secs = "condition,section_id,name,constituent,target_class,limit_mgL,mos,target_mgL,baseline_mgL,plan_mgL,predicted_mgL,"
                       "margin_mgL,reachable,best_mgL,gap_mgL\n";
    for (std::size_t k = 0; k < conds.size() && k < r.condition_sections.size(); ++k)
        for (std::size_t s = 0; s < m.sections.size(); ++s)
            for (auto c : kConstituents) {
                const auto& t = r.condition_sections[k][s].c[idx(c)];
                secs += csv_quote(conds[k].id) + "," + csv_quote(m.sections[s].id) + "," + csv_quote(m.sections[s].name) + "," +
                        std::string(key(c)) + "," + std::to_string(m.sections[s].target_class) + "," + num(t.limit_mgL) + "," +
                        num(mos_fraction) + "," + num(t.target_mgL) + "," + num(t.baseline_mgL) + "," + num(t.verified_mgL) + "," +
                        num(t.predicted_mgL) + "," + num(t.margin_mgL) + "," + (t.reachable ? "1" : "0") + "," + num(t.best_mgL) + "," +
                        num(t.gap_mgL) + "\n";
            }
    return secs;
}

std::string plan_chance_csv(const scenarios::CaseModel& m, const scenarios::ChanceResult& c, double p_required, std::uint64_t seed) {
    std::string cc = "section_id,name,target_class,p_required,p_meets,low95,high95,holds,design_draws,check_draws,seed,check_seed\n";
    for (std::size_t s = 0; s < m.sections.size() && s < c.sections.size(); ++s) {
        const auto& x = c.sections[s];
        cc += csv_quote(m.sections[s].id) + "," + csv_quote(m.sections[s].name) + "," + reaches::class_roman(m.sections[s].target_class) + "," +
              num(p_required) + "," + num(x.p_meets) + "," + num(x.low95) + "," + num(x.high95) + "," + (x.holds ? "yes" : "no") + "," +
              std::to_string(c.design_draws) + "," + std::to_string(c.check_draws) + "," + std::to_string(seed) + "," +
              std::to_string(c.check_seed) + "\n";
    }
    return cc;
}

std::string calibration_csv(const scenarios::CalibrationResult& r) {
    std::string pcsv = "parameter,initial,fitted,low,high,at_bound\n";
    for (const auto& p : r.parameters)
        pcsv += csv_quote(p.key) + "," + num(p.initial) + "," + num(p.fitted) + "," + num(p.low) + "," + num(p.high) + "," +
                (p.at_bound ? "1" : "0") + "\n";
    pcsv += "\nconstituent,n,rmse_before_mgL,rmse_mgL,bias_mgL,r2,nse\n";
    for (auto c : kConstituents) {
        const auto& a = r.after[idx(c)];
        if (a.n == 0) continue;
        pcsv += std::string(key(c)) + "," + std::to_string(a.n) + "," + stat(r.before[idx(c)].rmse_mgL) + "," + stat(a.rmse_mgL) + "," +
                stat(a.bias_mgL) + "," + stat(a.r2) + "," + stat(a.nse) + "\n";
    }
    return pcsv;
}

std::string residuals_csv(const scenarios::CaseModel& m, const std::vector<scenarios::ObservedValue>& obs,
                          const scenarios::CalibrationResult& r) {
    std::string rcsv = "section_id,date,constituent,observed_mgL,modelled_mgL,residual_mgL\n";
    for (const auto& x : r.residuals) {
        const auto& ov = obs[x.observation];
        rcsv += csv_quote(m.sections[ov.section].id) + "," + csv_quote(ov.date) + "," + std::string(key(kConstituents[x.constituent])) + "," +
                num(x.observed_mgL) + "," + num(x.modelled_mgL) + "," + num(x.residual_mgL) + "\n";
    }
    return rcsv;
}

}  // namespace qingliu::io
