#include "analyses/sweep.hpp"

#include <tbb/parallel_for.h>

namespace qingliu::scenarios {

Sweep::Sweep(const CaseModel& base)
    : base_(base), response_(reaches::steady_response(base.net, point_inputs(base), observations(base), steady_options(base))) {}

bool Sweep::source_level_only(const Scenario& s) {
    for (const auto& x : s.measures)
        switch (x.kind) {
            case MeasureKind::SourceReduction:
            case MeasureKind::Wetland:
            case MeasureKind::PlantStandard:
            case MeasureKind::Outfall: break;
            default: return false;
        }
    return true;
}

CaseModel Sweep::apply_to_sources(const CaseModel& base, const Scenario& s) {
    CaseModel shell;
    shell.temperature_c = base.temperature_c;
    shell.kinetics = base.kinetics;
    shell.sources = base.sources;
    if (!base.inventory.empty()) {
        shell.table_sources = base.table_sources;
        shell.inventory = base.inventory;
    }
    for (const auto& x : s.measures) apply_measure(shell, x);
    return shell;
}

Sweep::Outcome Sweep::evaluate(const Scenario& s) const {
    Outcome out;
    if (source_level_only(s)) {
        const CaseModel shell = apply_to_sources(base_, s);
        bool linear = Sweep::same_water(shell.sources, base_.sources) && shell.temperature_c == base_.temperature_c;
        std::vector<PerConstituent> loads(shell.sources.size());
        for (std::size_t j = 0; linear && j < loads.size(); ++j) {
            loads[j] = shell.sources[j].load_gs;
            const bool carries = any_nonzero(loads[j]);
            if (carries && response_.dry_input[j]) linear = false;  // the full solve names the dry reach
        }
        if (linear) {
            const auto conc = response_.concentrations(loads);
            out.sections.resize(base_.sections.size());
            for (std::size_t k = 0; k < base_.sections.size(); ++k) {
                auto& r = out.sections[k];
                const auto& sec = base_.sections[k];
                r.conc_mgL = conc[k];
                r.flow_m3s = response_.obs_flow_m3s[k];
                r.cls = reaches::evaluate_section(base_.classes, r.conc_mgL, sec.water_body, sec.target_class);
            }
            out.linear = true;
            return out;
        }
    }
    out.sections = scenarios::evaluate(apply_scenario(base_, s)).sections;
    return out;
}

std::vector<Sweep::Outcome> Sweep::evaluate(const std::vector<Scenario>& scenarios) const {
    std::vector<Outcome> out(scenarios.size());
    tbb::parallel_for(std::size_t(0), scenarios.size(), [&](std::size_t i) { out[i] = evaluate(scenarios[i]); });
    return out;
}

}  // namespace qingliu::scenarios
