#include "app/water_quality_tables.hpp"

#include "app/case_water_quality.hpp"

#include <algorithm>
#include <cmath>

#include "common/units.hpp"
#include "reaches/wq_classes.hpp"
#include "report/html.hpp"
#include "scenarios/measures.hpp"

namespace qingliu::app {

namespace {

double t_a(double gs) { return gs * kTonnePerYearPerGramPerSecond; }

// The three sources harming the item most at the section: "id mg/L; ..." (DO: the mg/L they take away).
std::string top_sources(const scenarios::CaseModel& m, const scenarios::WqItemApportionment& x) {
    const double sign = x.minimum ? -1.0 : 1.0;  // harming: sign x share > 0
    std::vector<std::pair<double, std::size_t>> top;
    for (std::size_t j = 0; j < m.sources.size() && j < x.by_source_mgL.size(); ++j)
        if (sign * x.by_source_mgL[j] > 0.0) top.emplace_back(std::abs(x.by_source_mgL[j]), j);
    std::sort(top.rbegin(), top.rend());
    std::string s;
    for (std::size_t n = 0; n < top.size() && n < 3; ++n)
        s += (n ? "; " : "") + m.sources[top[n].second].id + " " + report::fixed(top[n].first, 3);
    return s;
}

}  // namespace

report::WqApportionTable apportion_table(const scenarios::CaseModel& m, const scenarios::WqApportionment& a,
                                         const scenarios::DesignCondition& condition) {
    report::WqApportionTable t;
    t.condition = condition.id;
    t.condition_zh = condition_zh(condition, m.temperature_c);
    t.condition_en = condition_en(condition, m.temperature_c);
    t.mos = a.mos_fraction;
    t.linear_exact = a.linear_exact;
    for (std::size_t s = 0; s < m.sections.size() && s < a.sections.size(); ++s)
        for (const auto& x : a.sections[s].items) {
            if (!x.assessed) continue;
            report::WqReductionRow r;
            r.condition = condition.id;
            r.section_id = m.sections[s].id;
            r.section_name = m.sections[s].name;
            r.target_class = m.sections[s].target_class;
            r.item = x.key;
            r.minimum = x.minimum;
            r.value_mgL = x.value_mgL;
            r.limit_mgL = x.limit_mgL;
            r.mos = a.mos_fraction;
            r.target_mgL = x.target_mgL;
            r.meets_target = x.meets_target;
            r.background_mgL = x.background_mgL;
            r.boundary_mgL = x.boundary_mgL;
            for (double v : x.by_source_mgL) r.sources_mgL += v;
            r.oxygen_effects_mgL = x.oxygen_effects_mgL;
            for (std::int32_t j : x.cut_sources) r.cut_sources += (r.cut_sources.empty() ? "" : ";") + m.sources[j].id;
            r.source_load_t_a = t_a(x.source_load_gs);
            r.cut_share_linear = x.cut_share_linear;
            r.cut_share = x.cut_share;
            r.cut_t_a = t_a(x.cut_gs);
            r.allowed_t_a = t_a(x.allowed_gs);
            r.boundary_cut_share = x.boundary_cut_share;
            r.value_after_cut_mgL = x.value_after_cut_mgL;
            r.feasible = x.feasible;
            r.top_sources = top_sources(m, x);
            t.rows.push_back(std::move(r));
        }
    for (const auto& c : a.reaches)
        t.capacity.push_back({condition.id, m.net.topo.id(c.reach), c.item, t_a(c.load_gs), t_a(c.cut_gs), t_a(c.allowed_gs),
                              c.binding_section});
    return t;
}

report::WqPlanTable plan_table(const scenarios::CaseModel& m, const std::vector<scenarios::Candidate>& cands,
                               const std::vector<scenarios::DesignCondition>& conds, const scenarios::WqOptimizeResult& r,
                               double annual_cost_factor, double mos_fraction) {
    report::WqPlanTable t;
    t.status = scenarios::plan_status_text(r.status);
    t.cost_wan = r.cost_wan;
    t.invest_wan = r.invest_wan;
    t.annual_wan = r.annual_wan;
    t.annual_cost_factor = annual_cost_factor;
    t.mos = mos_fraction;
    t.verified_ok = r.verified_ok;
    for (const auto& c : conds) t.conditions.push_back({c.id, scenarios::condition_label(c)});
    for (std::size_t j = 0; j < cands.size(); ++j) {
        const auto& x = cands[j].measure;
        report::WqPlanMeasureRow row;
        row.measure_id = x.id;
        row.name = x.name;
        row.name_en = x.name_en;
        row.kind = scenarios::kind_def(x.kind).key;
        row.group = cands[j].group;
        row.invest_wan = x.invest_wan;
        row.annual_wan = x.annual_wan;
        row.cost_wan = x.invest_wan + annual_cost_factor * x.annual_wan;
        row.chosen = std::find(r.chosen.begin(), r.chosen.end(), j) != r.chosen.end();
        for (const auto& d : r.dropped)
            if (d.id == x.id) {
                row.note = d.reason;
                row.note_zh = d.reason_zh;
            }
        t.measures.push_back(std::move(row));
    }
    for (std::size_t k = 0; k < conds.size() && k < r.condition_sections.size(); ++k)
        for (std::size_t s = 0; s < m.sections.size() && s < r.condition_sections[k].size(); ++s) {
            const auto& x = r.condition_sections[k][s];
            for (const auto& it : x.items) {
                report::WqPlanSectionRow row;
                row.condition = conds[k].id;
                row.section_id = m.sections[s].id;
                row.name = m.sections[s].name;
                row.item = it.key;
                row.minimum = it.minimum;
                row.target_class = m.sections[s].target_class;
                row.limit_mgL = it.limit_mgL;
                row.mos = mos_fraction;
                row.target_mgL = it.target_mgL;
                row.baseline_mgL = it.baseline_mgL;
                row.predicted_mgL = it.predicted_mgL;
                row.plan_mgL = it.verified_mgL;
                row.gap_mgL = it.gap_mgL;
                row.reachable = it.reachable;
                row.baseline_class = x.baseline.overall;
                row.plan_class = x.plan.overall;
                row.baseline_meets = x.baseline.meets;
                row.plan_meets = x.plan.meets;
                row.plan_exceeding_en = reaches::wq::exceeding_text(x.plan, false);
                row.plan_exceeding_zh = reaches::wq::exceeding_text(x.plan, true);
                t.sections.push_back(std::move(row));
            }
        }
    return t;
}

report::WqMonteCarloTable montecarlo_table(const scenarios::CaseModel& m, const std::vector<scenarios::WqScenarioMonteCarlo>& runs) {
    report::WqMonteCarloTable t;
    if (!runs.empty()) {
        t.draws = runs.front().result.draws;
        t.seed = runs.front().result.seed;
    }
    for (const auto& run : runs) {
        const auto& r = run.result;
        for (std::size_t s = 0; s < m.sections.size() && s < r.sections.size(); ++s)
            for (const auto& b : r.sections[s].items) {
                report::WqMonteCarloRow row;
                row.scenario = run.scenario_id;
                row.scenario_name = run.name;
                row.scenario_name_en = run.name_en;
                row.section_id = m.sections[s].id;
                row.name = m.sections[s].name;
                row.item = b.key;
                row.assessed = b.assessed;
                row.p_meets = b.p_meets;
                row.p5_mgL = b.p5;
                row.p50_mgL = b.p50;
                row.p95_mgL = b.p95;
                row.mean_mgL = b.mean;
                row.section_p_meets = r.sections[s].p_meets;
                row.target_class = m.sections[s].target_class;
                t.rows.push_back(std::move(row));
            }
    }
    return t;
}

}  // namespace qingliu::app
