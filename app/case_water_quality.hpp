// The water-quality model's sections a stored run carries for its report (report/water_quality.hpp): when a case
// declares [water_quality], `run` and `compare` evaluate the baseline and their scenarios with the QUAL2K-class
// kinetics, the evaluation `qingliu water-quality` makes (analyses/water_quality.hpp computes, the run store writes
// what it is given), and print the deciding and exceeding items of every section missing its target.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "io/case_reader.hpp"
#include "report/water_quality.hpp"
#include "scenarios/conditions.hpp"

namespace qingliu::app {

/// The baseline and `chosen` evaluated with the kinetics, each scenario in the design condition it is judged in (a
/// `conditions` measure of the scenario, else the case's design flows and temperature); null when the case has no
/// [water_quality].
std::shared_ptr<const report::WaterQualityTable> case_water_quality(const io::LoadedCase& lc,
                                                                    const std::vector<scenarios::Scenario>& chosen);

/// A design condition in one line per language, "name：basis" (the design condition with the case's water temperature),
/// as the water-quality tables name the condition they were judged in.
std::string condition_zh(const scenarios::DesignCondition& c, double temperature_c);
std::string condition_en(const scenarios::DesignCondition& c, double temperature_c);

/// The table of runs already evaluated (the baseline and `chosen`, as evaluate_water_quality_scenarios returns them),
/// whether or not the case declares [water_quality] (`qingliu water-quality` runs its defaults then).
std::shared_ptr<const report::WaterQualityTable> water_quality_table(const io::LoadedCase& lc,
                                                                     const std::vector<scenarios::Scenario>& chosen,
                                                                     const std::vector<scenarios::WaterQualityRun>& runs);

/// Console lines naming the water-quality model and the condition each scenario was judged in.
std::string water_quality_model_text(const report::WaterQualityTable& t);

/// The `compare` grid of a case with [water_quality]: per section a row with its class over every GB 3838 item under
/// each scenario (the worst item's; ✓ meets the target, ✗ and the exceeding items with their multiples, DO its
/// shortfall), then a row per item with its class, value and multiple or shortfall.
std::string water_quality_grid_text(const report::WaterQualityTable& t, const scenarios::CaseModel& m);

/// Console lines: water_quality_model_text, then per scenario each section missing its target with its class,
/// deciding items and exceeding items (multiples; DO: shortfall), in Chinese and English.
std::string water_quality_failing_text(const report::WaterQualityTable& t);

}  // namespace qingliu::app
