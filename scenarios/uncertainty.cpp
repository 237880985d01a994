#include "scenarios/uncertainty.hpp"

#include <cmath>

#include "reaches/kinetics.hpp"
#include "scenarios/parameters.hpp"

namespace qingliu::scenarios {

KineticKey kinetic_key(const std::string& k) {
    for (auto c : kConstituents) {
        if (k == kinetics_key(c, "k20_per_d")) return {idx(c), false};
        if (k == kinetics_key(c, "theta")) return {idx(c), true};
    }
    return {};
}

namespace {
const reaches::wq::ParamDef* wq_parameter(const std::string& k) {
    for (const auto& d : reaches::wq::parameter_table())
        if (k == d.key) return &d;
    return nullptr;
}
}  // namespace

bool is_water_quality_key(const std::string& k) { return k == kReaerationScaleKey || wq_parameter(k) != nullptr; }

bool split_coefficient(const std::string& k, std::string& cat, std::string& ck, std::string& par) {
    const std::string pre = "coefficient.";
    if (k.rfind(pre, 0) != 0) return false;
    const std::string rest = k.substr(pre.size());
    const auto a = rest.find('.');
    const auto b = rest.rfind('.');
    if (a == std::string::npos || b == a) return false;
    cat = rest.substr(0, a);
    ck = rest.substr(a + 1, b - a - 1);
    par = rest.substr(b + 1);
    return !cat.empty() && !ck.empty() && !par.empty();
}

loads::Coefficient* find_coefficient_row(CaseModel& m, const std::string& cat, const std::string& ck, const std::string& par) {
    for (auto& r : m.inventory.coefficients.rows())
        if (r.category == cat && r.key == ck && r.parameter == par) return &r;
    return nullptr;
}

std::string coefficient_key(const loads::Coefficient& r) {
    return "coefficient." + r.category + "." + r.key + "." + r.parameter;
}

std::vector<UncertainParameter> default_uncertainty(const CaseModel& m) {
    std::vector<UncertainParameter> out;
    for (auto c : kConstituents) {
        const double k = m.kinetics.k20_per_d[idx(c)];
        UncertainParameter p;
        p.key = kinetics_key(c, "k20_per_d");
        p.low = 0.5 * k;
        p.high = 1.5 * k;
        p.dist = Distribution::Triangular;
        p.file = "(default)";
        out.push_back(p);
    }
    return out;
}

void check_uncertainty(const CaseModel& m, const std::vector<UncertainParameter>& params, Problems& probs) {
    CaseModel copy;  // for coefficient lookup without changing m
    copy.inventory = m.inventory;
    for (const auto& p : params) {
        auto bad = [&](const std::string& field, const std::string& value, const std::string& msg) {
            probs.add(p.file, p.record, field, value, msg);
        };
        if (!(std::isfinite(p.low) && std::isfinite(p.high)) || p.low > p.high) {
            bad("low", std::to_string(p.low), "low and high must be finite with low <= high");
            continue;
        }
        if (!std::isnan(p.mode) && !(p.mode >= p.low && p.mode <= p.high))
            bad("mode", std::to_string(p.mode), "must lie in [low, high]");
        const KineticKey kk = kinetic_key(p.key);
        std::string cat, ck, par;
        if (kk.c >= 0) {
            if (const ParamDef* d = find_parameter(p.key); d && (p.low < d->min || p.high > d->max))
                bad("low", std::to_string(p.low) + " .. " + std::to_string(p.high),
                    "outside the parameter's range [" + std::to_string(d->min) + ", " + std::to_string(d->max) + "] " + d->unit);
        } else if (p.key == kReaerationScaleKey) {
            if (p.low < 0.1 || p.high > 10.0)
                bad("low", std::to_string(p.low) + " .. " + std::to_string(p.high), "outside the range [0.1, 10] of a reaeration multiplier");
        } else if (const reaches::wq::ParamDef* d = wq_parameter(p.key)) {
            if (p.low < d->min || p.high > d->max)
                bad("low", std::to_string(p.low) + " .. " + std::to_string(p.high),
                    "outside the parameter's range [" + std::to_string(d->min) + ", " + std::to_string(d->max) + "] " + d->unit);
        } else if (p.key.rfind("load.", 0) == 0) {
            const std::string type = p.key.substr(5);
            if (!loads::find_source_type(type)) bad("parameter", p.key, "unknown source type '" + type + "'");
            if (p.low < 0.0) bad("low", std::to_string(p.low), "a load multiplier must be >= 0");
        } else if (split_coefficient(p.key, cat, ck, par)) {
            if (!find_coefficient_row(copy, cat, ck, par)) bad("parameter", p.key, "no such row in the coefficient table");
            if (p.low < 0.0) bad("low", std::to_string(p.low), "a coefficient must be >= 0");
        } else {
            bad("parameter", p.key,
                "unknown parameter (expected kinetics.<cod|nh3n|tp>.k20_per_d or .theta, load.<source type>, "
                "coefficient.<category>.<key>.<parameter>, wq.<water-quality parameter> or wq.reaeration.scale)");
        }
    }
}

}  // namespace qingliu::scenarios
