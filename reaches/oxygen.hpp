// Dissolved oxygen: saturation, stream reaeration and reaeration over weirs and dams, as QUAL2K computes them
// (Chapra, Pelletier & Tao, QUAL2K documentation; the QUAL2Kw v5.1 source as restated in
// shared reference qual2k-formulas.md). Units: velocity m/s, depth m, flow m3/s, slope m/m, rates 1/d, mg/L.
#pragma once
#include <string_view>

namespace qingliu::reaches {

/// Rate at temperature T: k_T = k20 * theta^(T - 20)  (Chapra 1997, eq. 2.44).
double arrhenius(double k20, double theta, double temperature_c);

/// Oxygen saturation (mg/L) of fresh water at temperature T (degC) and elevation (m):
///   ln os = -139.34411 + 1.575701e5/Ta - 6.642308e7/Ta^2 + 1.2438e10/Ta^3 - 8.621949e11/Ta^4,  Ta = T + 273.15
///   os   *= 1 - 0.0001148 elev
/// (Benson & Krause 1984 as tabulated by APHA Standard Methods 4500-O; the elevation factor of QUAL2K.)
double do_saturation_mgL(double temperature_c, double elevation_m = 0.0);

/// Stream reaeration formulas of QUAL2K.
enum class ReaerationMethod {
    Internal,         ///< QUAL2K's choice by depth and velocity (Covar 1976): see internal_reaeration_choice
    OConnorDobbins,   ///< ka = 3.93 U^0.5 / H^1.5                  (O'Connor & Dobbins 1958)
    Churchill,        ///< ka = 5.026 U / H^1.67                     (Churchill, Elmore & Buckingham 1962)
    OwensGibbs,       ///< ka = 5.32 U^0.67 / H^1.85                 (Owens, Edwards & Gibbs 1964)
    TsivoglouNeal,    ///< ka = 86400 c S U 3.281, c = 0.11 1/ft below 15 cfs, else 0.054 (Tsivoglou & Neal 1976)
    ThackstonDawson,  ///< ka = 2.16 (1 + 9 F^0.25) u* / H, u* = sqrt(g Rh S), F = U / sqrt(g Hd)  (Thackston & Dawson 2001)
    Specified,        ///< the reach's own ka20
};
std::string_view reaeration_method_key(ReaerationMethod m);  ///< "internal", "oconnor-dobbins", ...
bool reaeration_method_from_key(std::string_view key, ReaerationMethod& out);

/// What the reaeration formulas need about a reach at its flow.
struct ChannelState {
    double velocity_ms = 0.0;
    double depth_m = 0.0;             ///< mean depth H
    double flow_m3s = 0.0;            ///< Tsivoglou-Neal's coefficient depends on it
    double slope = 0.0;               ///< energy slope (Tsivoglou-Neal, Thackston-Dawson)
    double hydraulic_radius_m = 0.0;  ///< Rh = A / P; 0: the depth (wide channel)
    double hydraulic_depth_m = 0.0;   ///< Hd = A / top width; 0: the depth
};

/// QUAL2K's automatic choice: H < 0.61 m -> Owens-Gibbs; else H > 3.45 U^2.5 -> O'Connor-Dobbins; else Churchill.
ReaerationMethod internal_reaeration_choice(double velocity_ms, double depth_m);

/// Reaeration rate at 20 degC (1/d) by the method; `specified_ka20_per_d` is used by Specified. Throws ModelError
/// (naming the method and the missing quantity) when the method needs a depth, slope or velocity it does not have.
double reaeration_ka20_per_d(ReaerationMethod method, const ChannelState& channel, double specified_ka20_per_d = 0.0);

/// Reaeration over a weir or dam at a reach end (Butts & Evans 1983, as used by QUAL2K and SWAT):
/// the deficit ratio r = D_above / D_below = 1 + 0.38 a b H (1 - 0.11 H)(1 + 0.046 T), with H the drop (m),
/// a the water-quality factor (1.80 clean, 1.60 slightly polluted, 1.00 moderately, 0.65 grossly polluted) and
/// b the structure coefficient (e.g. 0.70-0.90 flat broad-crested weir, 1.05 sharp-crested with straight slope face,
/// 0.80 sharp-crested with vertical face, 0.05 sluice gate with submerged discharge).
double dam_deficit_ratio(double drop_m, double water_quality_factor, double structure_coefficient, double temperature_c);
/// DO below the structure: os - (os - DO_above) / r.
double do_below_dam(double do_above_mgL, double saturation_mgL, double drop_m, double water_quality_factor,
                    double structure_coefficient, double temperature_c);

}  // namespace qingliu::reaches
