// Every key of the case file (case.toml) as one declarative table: key, unit, default, range, description, source.
// The readers validate against it and `qingliu params` prints it, so docs and checks cannot drift apart. The rows of
// the state variables' kinetics and backgrounds are generated from the state-variable table (common/constituent.hpp).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "common/constituent.hpp"

namespace qingliu::scenarios {

/// What a key holds. Number keys of [conditions], [kinetics], [background] and [options] are read into the case's
/// parameters; the [dynamic] keys are read by the dynamic settings reader (io/series_reader.hpp) against these rows.
enum class ParamKind { Number, Integer, Text, Table, Numbers12 };

struct ParamDef {
    std::string key;       ///< dotted key in the case file, e.g. "kinetics.cod.k20_per_d"
    std::string unit;
    double default_value;
    double min, max;       ///< inclusive range (of each value for Numbers12; unused for Text and Table)
    std::string en;        ///< description
    std::string zh;
    std::string source;    ///< where the default comes from
    ParamKind kind = ParamKind::Number;
};

const std::vector<ParamDef>& case_parameters();
const ParamDef* find_parameter(const std::string& key);
/// The rows whose key starts with section + "." ("dynamic" -> dynamic.flows, dynamic.year ...).
std::vector<const ParamDef*> section_parameters(std::string_view section);

/// "kinetics.<key>.<what>" (what: k20_per_d, theta).
std::string kinetics_key(Constituent c, std::string_view what);
/// "kinetics.<process>.<what>" of a water-quality kinetics row "wq.<process>.<what>" (reaches/kinetics.hpp).
std::string water_quality_kinetics_key(std::string_view wq_key);
/// "background.<which>.<key>_mgL" (which: headwater, lateral).
std::string background_key(std::string_view which, Constituent c);

}  // namespace qingliu::scenarios
