#include "scenarios/measures.hpp"

namespace qingliu::scenarios {

void compile_inventory_measure(const MeasureSpec& spec, const CaseModel&, Measure&, Problems& problems,
                               std::set<std::string>& used_keys) {
    for (const auto& [k, v] : spec.params) used_keys.insert(k);
    problems.add(spec.file, spec.record + " (measure " + spec.id + ")", "kind", spec.kind,
                 "this kind acts on the source inventory, which this build does not read yet");
}

void apply_inventory_measure(CaseModel&, const Measure&) {}

std::optional<PerConstituent> plant_standard_limits(const CaseModel&, const std::string&) { return std::nullopt; }

}  // namespace qingliu::scenarios
