#include "reaches/oxygen.hpp"

#include <array>
#include <cmath>
#include <string>

#include "common/error.hpp"

namespace qingliu::reaches {

namespace {
constexpr double kG = 9.81;              // m/s2
constexpr double kFeetPerMetre = 3.281;  // as in QUAL2K's Tsivoglou-Neal coefficient
// 15 cfs in m3/s: the flow below which Tsivoglou-Neal uses c = 0.11 1/ft (QUAL2K: 15 / 3.281^3)
constexpr double kTsivoglouSmallFlowM3s = 15.0 / (kFeetPerMetre * kFeetPerMetre * kFeetPerMetre);

struct MethodKey {
    ReaerationMethod method;
    std::string_view key;
};
constexpr std::array<MethodKey, 7> kMethodKeys{{
    {ReaerationMethod::Internal, "internal"},
    {ReaerationMethod::OConnorDobbins, "oconnor-dobbins"},
    {ReaerationMethod::Churchill, "churchill"},
    {ReaerationMethod::OwensGibbs, "owens-gibbs"},
    {ReaerationMethod::TsivoglouNeal, "tsivoglou-neal"},
    {ReaerationMethod::ThackstonDawson, "thackston-dawson"},
    {ReaerationMethod::Specified, "specified"},
}};

void require(bool ok, ReaerationMethod m, const char* what) {
    if (!ok) throw ModelError("reaeration by " + std::string(reaeration_method_key(m)) + " needs " + what);
}
}  // namespace

double arrhenius(double k20, double theta, double temperature_c) {
    if (k20 == 0.0 || theta == 1.0 || temperature_c == 20.0) return k20;
    return k20 * std::pow(theta, temperature_c - 20.0);
}

double do_saturation_mgL(double temperature_c, double elevation_m) {
    const double ta = temperature_c + 273.15;
    const double ln_os = -139.34411 + 1.575701e5 / ta - 6.642308e7 / (ta * ta) + 1.2438e10 / (ta * ta * ta) -
                         8.621949e11 / (ta * ta * ta * ta);
    return std::exp(ln_os) * (1.0 - 0.0001148 * elevation_m);
}

std::string_view reaeration_method_key(ReaerationMethod m) {
    for (const auto& k : kMethodKeys)
        if (k.method == m) return k.key;
    return "?";
}

bool reaeration_method_from_key(std::string_view key, ReaerationMethod& out) {
    for (const auto& k : kMethodKeys)
        if (k.key == key) {
            out = k.method;
            return true;
        }
    return false;
}

ReaerationMethod internal_reaeration_choice(double velocity_ms, double depth_m) {
    if (depth_m < 0.61) return ReaerationMethod::OwensGibbs;
    if (depth_m > 3.45 * std::pow(velocity_ms, 2.5)) return ReaerationMethod::OConnorDobbins;
    return ReaerationMethod::Churchill;
}

double reaeration_ka20_per_d(ReaerationMethod method, const ChannelState& ch, double specified_ka20_per_d) {
    const double u = ch.velocity_ms, h = ch.depth_m;
    if (method == ReaerationMethod::Specified) {
        require(specified_ka20_per_d >= 0.0, method, "a reach ka20 >= 0");
        return specified_ka20_per_d;
    }
    require(u >= 0.0, method, "a velocity >= 0");
    if (method == ReaerationMethod::Internal) {
        require(h > 0.0, method, "a depth (hydraulics that give depth)");
        method = internal_reaeration_choice(u, h);
    }
    switch (method) {
        case ReaerationMethod::OConnorDobbins:
            require(h > 0.0, method, "a depth (hydraulics that give depth)");
            return 3.93 * std::sqrt(u) / std::pow(h, 1.5);
        case ReaerationMethod::Churchill:
            require(h > 0.0, method, "a depth (hydraulics that give depth)");
            return 5.026 * u / std::pow(h, 1.67);
        case ReaerationMethod::OwensGibbs:
            require(h > 0.0, method, "a depth (hydraulics that give depth)");
            return 5.32 * std::pow(u, 0.67) / std::pow(h, 1.85);
        case ReaerationMethod::TsivoglouNeal: {
            require(ch.slope > 0.0, method, "a channel slope > 0");
            const double c_per_ft = ch.flow_m3s < kTsivoglouSmallFlowM3s ? 0.11 : 0.054;
            return 86400.0 * c_per_ft * ch.slope * u * kFeetPerMetre;
        }
        case ReaerationMethod::ThackstonDawson: {
            require(ch.slope > 0.0, method, "a channel slope > 0");
            require(h > 0.0, method, "a depth (hydraulics that give depth)");
            const double rh = ch.hydraulic_radius_m > 0.0 ? ch.hydraulic_radius_m : h;
            const double hd = ch.hydraulic_depth_m > 0.0 ? ch.hydraulic_depth_m : h;
            const double ustar = std::sqrt(kG * rh * ch.slope);
            const double froude = u / std::sqrt(kG * hd);
            return 86400.0 * 2.5e-5 * (1.0 + 9.0 * std::pow(froude, 0.25)) * ustar / h;
        }
        default:
            break;
    }
    throw ModelError("unknown reaeration method");
}

double dam_deficit_ratio(double drop_m, double a, double b, double temperature_c) {
    if (drop_m < 0.0) throw ModelError("dam reaeration: drop height must be >= 0 m");
    return 1.0 + 0.38 * a * b * drop_m * (1.0 - 0.11 * drop_m) * (1.0 + 0.046 * temperature_c);
}

double do_below_dam(double do_above_mgL, double os_mgL, double drop_m, double a, double b, double temperature_c) {
    const double r = dam_deficit_ratio(drop_m, a, b, temperature_c);
    if (!(r > 0.0)) throw ModelError("dam reaeration: deficit ratio must be > 0 (drop too high for Butts-Evans)");
    return os_mgL - (os_mgL - do_above_mgL) / r;
}

}  // namespace qingliu::reaches
