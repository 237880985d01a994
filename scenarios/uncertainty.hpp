// Uncertain parameters of a case (Monte Carlo ranges) as plain data, with their keys parsed and checked against the
// case. Read by io/observations_reader.hpp, drawn by optimize/montecarlo.hpp; here so that a reader needs none of the
// solver libraries.
//
// Keys:
//   kinetics.<cod|nh3n|tp>.k20_per_d, kinetics.<cod|nh3n|tp>.theta    the rate and its temperature coefficient
//   load.<source type>                                                 multiplier on the loads of that type
//   coefficient.<category>.<key>.<parameter>                           one inventory coefficient row
//   wq.<parameter>                 a water-quality kinetic parameter of reaches::wq::parameter_table() (k20 of CBOD
//                                  oxidation, nitrification, hydrolysis, denitrification, settling velocities, SOD,
//                                  thetas ...), inside the table's range; mode NaN: the case's value
//   wq.reaeration.scale            multiplier on every reach's reaeration rate ka20 (as the case's method or value gives
//                                  it at the design flow), in [0.1, 10]; mode NaN: 1
// The wq.* keys act in the water-quality Monte Carlo (optimize/water_quality_montecarlo.hpp) only.
#pragma once
#include <limits>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "scenarios/case.hpp"

namespace qingliu::scenarios {

enum class Distribution { Uniform, Triangular };

/// One uncertain parameter (keys above).
struct UncertainParameter {
    std::string key;
    double low = 0.0, high = 0.0;
    double mode = std::numeric_limits<double>::quiet_NaN();  ///< triangular mode; NaN: the case's value (1 for load.*)
    Distribution dist = Distribution::Uniform;
    std::string file, record;  ///< where it was given (for messages)
};

/// Ranges used when a case gives none (project default, not a published figure): every k20 triangular on
/// [0.5, 1.5] x its case value with mode at the case value; theta fixed. Inventory coefficients are drawn from their
/// own low/high when MonteCarloOptions::draw_coefficients is set.
std::vector<UncertainParameter> default_uncertainty(const CaseModel& m);

/// Checks keys and ranges against the case (kinetic ranges must lie inside the parameter table's ranges; the mode,
/// where given, inside [low, high]); every problem is added with the parameter's file and record.
void check_uncertainty(const CaseModel& m, const std::vector<UncertainParameter>& params, Problems& problems);

/// A kinetics.* key parsed: constituent index (-1 when the key is not a kinetic one) and whether it names theta.
struct KineticKey {
    int c = -1;
    bool theta = false;
};
KineticKey kinetic_key(const std::string& key);

/// wq.<parameter> of reaches::wq::parameter_table() or wq.reaeration.scale.
bool is_water_quality_key(const std::string& key);
inline constexpr const char* kReaerationScaleKey = "wq.reaeration.scale";

/// coefficient.<category>.<key>.<parameter> split (category and parameter have no dots; the key may); false when
/// `key` is not of that form.
bool split_coefficient(const std::string& key, std::string& category, std::string& row_key, std::string& parameter);

/// The inventory coefficient row of the case named by its parts, or nullptr.
loads::Coefficient* find_coefficient_row(CaseModel& m, const std::string& category, const std::string& row_key,
                                         const std::string& parameter);

/// coefficient.<category>.<key>.<parameter> of a row.
std::string coefficient_key(const loads::Coefficient& row);

}  // namespace qingliu::scenarios
