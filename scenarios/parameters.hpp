// The case file's scalar parameters as one declarative table: key, unit, default, range, description, source.
// The reader validates against it and `qingliu params` prints it, so docs and checks cannot drift apart.
#pragma once
#include <string>
#include <vector>

namespace qingliu::scenarios {

struct ParamDef {
    const char* key;       ///< dotted key in the case file, e.g. "kinetics.cod.k20_per_d"
    const char* unit;
    double default_value;
    double min, max;       ///< inclusive range
    const char* en;        ///< description
    const char* zh;
    const char* source;    ///< where the default comes from
};

const std::vector<ParamDef>& case_parameters();
const ParamDef* find_parameter(const std::string& key);

}  // namespace qingliu::scenarios
