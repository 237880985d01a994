// The water-quality kinetics' rates of a case: the [kinetics] rows of the parameter table (kinetics.cbod.k20_per_d,
// ..., COD shared) and the form of each oxygen effect (kinetics.<process>.o2_effect).
#include <string>
#include <unordered_map>
#include <utility>

#include <toml++/toml.h>

#include "io/case_parts.hpp"
#include "reaches/kinetics.hpp"
#include "scenarios/parameters.hpp"

namespace qingliu::io {

void read_water_quality_kinetics(const toml::table& root, const std::unordered_map<std::string, double>& params,
                                 const std::string& file, Problems& probs, reaches::wq::Parameters& p) {
    for (const auto& d : reaches::wq::parameter_table())
        if (const auto it = params.find(scenarios::water_quality_kinetics_key(d.key)); it != params.end()) p.*(d.field) = it->second;
    using reaches::wq::O2Effect;
    for (auto [process, to] : {std::pair<const char*, O2Effect*>{"cbod", &p.cbod_o2_effect},
                               {"nitrification", &p.nitrification_o2_effect},
                               {"denitrification", &p.denitrification_o2_effect}}) {
        const std::string key = "kinetics." + std::string(process) + ".o2_effect";
        const auto n = root.at_path(key);
        if (!n) continue;
        const auto v = n.value<std::string>();
        if (v && *v == "exponential") *to = O2Effect::Exponential;
        else if (v && *v == "half-saturation") *to = O2Effect::HalfSaturation;
        else if (v && *v == "second-order") *to = O2Effect::SecondOrder;
        else if (v && *v == "none") *to = O2Effect::None;
        else
            probs.add(file, "line " + std::to_string(n.node()->source().begin.line), key, v.value_or(""),
                      "expected \"exponential\", \"half-saturation\", \"second-order\" or \"none\"");
    }
}

}  // namespace qingliu::io
