// The steady two-dimensional plume below an outfall (排污口混合区), depth-averaged, in a straight channel of width B,
// depth h and velocity u, with transverse mixing E_y and first-order decay k. Longitudinal dispersion is neglected
// against advection (the usual far-field assumption for a continuous discharge; HJ 2.3-2018, 二维稳态混合模式):
//
//     u ∂C/∂x = E_y ∂²C/∂y² − k C,   0 ≤ y ≤ B,   ∂C/∂y = 0 at both banks,
//
// x downstream of the outfall, y across from the bank y = 0. The outfall at (0, a) releases the excess load
// m = W − Q_p·C_h (g/s) over the background C_h (HJ 2.3-2018 uses m = C_p·Q_p with C_h added; with m as here the
// mixed concentration far downstream is the complete-mixing value (C_h·Q_h + C_p·Q_p)/(Q_h + Q_p) exactly).
// Solution (method of images, both banks reflecting; Fischer et al. 1979, "Mixing in Inland and Coastal Waters",
// §5.1.4, eq. 5.11; the bank-discharge form with the far-bank image is HJ 2.3-2018 and 水资源与水工程学报 2022(6)
// p.104 eq. 2):
//
//     C(x,y) = C_h e^{−kx/u} + m e^{−kx/u} / (h √(4π E_y u x)) · Σ_{n=−∞..∞} [ e^{−u(y−a−2nB)²/(4E_y x)}
//                                                                           + e^{−u(y+a−2nB)²/(4E_y x)} ]
//
// and, by Poisson summation, the same field as a cosine series that converges fast far downstream:
//
//     C(x,y) = C_h e^{−kx/u} + (m/Q) e^{−kx/u} [1 + 2 Σ_{n≥1} cos(nπa/B) cos(nπy/B) e^{−n²π² x'}],
//     x' = E_y x /(u B²),  Q = u·h·B.
//
// Both sums are evaluated to double precision (images while x' < 0.1, cosines beyond). Across every transect the
// flux ∫ u h C dy = (Q C_h + m) e^{−kx/u}: the load less its decay, whatever the number of reflections.
//
// Transverse mixing coefficient (HJ 2.3-2018 附录, Fischer et al. 1979 eq. 5.7):
//     E_y = α·h·u*,  u* = √(g·h·S)  (shear velocity, slope S of the energy line).
// Distance to complete mixing, HJ 2.3-2018 (混合过程段长度; as transcribed by https://rseia.pages.dev/, the standard's
// own text was not reached):
//     L_m = {0.11 + 0.7·[0.5 − a/B − 1.1·(0.5 − a/B)²]^{1/2}} · u·B²/E_y
// which gives 0.11·uB²/E_y for a mid-channel and 0.44·uB²/E_y for a bank discharge (Fischer et al. 1979, §5.1.4:
// 0.1 and 0.4 for "within 5 % of the mean"). The field's own distance, the first x where every point of the
// cross-section is within a tolerance (5 %) of the section mean (HJ 2.3-2018's definition of 均匀混合), is computed
// beside it.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qingliu::mixing {

inline constexpr double kGravity_ms2 = 9.81;
/// Manning's n assumed when a reach gives no slope: Chow (1959) Open-Channel Hydraulics, Table 5-6, natural minor
/// streams, "clean, straight, full stage, no rifts or deep pools", normal value 0.030.
inline constexpr double kDefaultManningN = 0.030;
/// Lacey's regime wetted perimeter P = 4.75 √Q (m, m³/s), taken as the width when a reach gives neither width nor
/// depth (Lacey 1930, metric form as used in canal design, e.g. https://bikenshrestha.com.np/2022/04/__trashed).
inline constexpr double kLaceyPerimeterCoef = 4.75;
/// Share of the cross-section mean within which the section counts as completely mixed (HJ 2.3-2018: 5 %).
inline constexpr double kCompleteMixingTolerance = 0.05;

/// Reach types and their α in E_y = α·h·u*.
struct ChannelType {
    const char* key;
    const char* zh;
    const char* en;
    double alpha;
    const char* source;
};
/// natural (default), straight, expanding, contracting.
const std::vector<ChannelType>& channel_types();
/// Accepts the key or the Chinese label; nullptr if unknown.
const ChannelType* find_channel_type(std::string_view s);
const ChannelType& default_channel_type();

/// Where each channel number came from, for the output.
enum class Origin { Given, Hydraulics, Continuity, Default };
const char* origin_key(Origin o);  ///< "given", "hydraulics", "continuity", "default"

/// What is known about the channel at the outfall; 0 = unknown.
struct ChannelInput {
    double flow_m3s = 0.0;      ///< river flow below the outfall, Q = Q_h + Q_p
    double velocity_ms = 0.0;   ///< u from the reach hydraulics (required)
    double width_m = 0.0;
    double depth_m = 0.0;
    bool depth_from_hydraulics = false;  ///< depth_m comes from the reach hydraulics, not the mixing table
    bool width_from_hydraulics = false;
    bool slope_from_hydraulics = false;
    double slope = 0.0;
    double alpha = 0.0;         ///< 0: from the type
    const ChannelType* type = nullptr;  ///< nullptr: default_channel_type()
};

/// The channel as used: Q = u·B·h holds exactly (u is the one-dimensional model's velocity).
struct Channel {
    double flow_m3s = 0.0, velocity_ms = 0.0, width_m = 0.0, depth_m = 0.0, slope = 0.0;
    double shear_velocity_ms = 0.0, alpha = 0.0, ey_m2s = 0.0;
    Origin width_origin = Origin::Given, depth_origin = Origin::Given, slope_origin = Origin::Given;
    bool alpha_given = false;
    const ChannelType* type = nullptr;
    std::vector<std::string> notes;  ///< defaults used, inconsistencies (English; the report translates the keys)
};

/// Resolves width, depth, slope and E_y:
///   width: given > reach hydraulics (Manning) > Q/(u·h) when the depth is known > Lacey's P = 4.75 √Q (default);
///   depth: Q/(u·B) (continuity with the one-dimensional velocity; a given depth fixes B when no width is known);
///   slope: given > reach hydraulics > Manning's equation S = (n·u/h^{2/3})² with n = 0.030 (default);
///   α: given > reach type (natural 0.6 by default).
/// Throws ModelError when the flow or velocity is not positive.
Channel resolve_channel(const ChannelInput& in);

/// HJ 2.3-2018 混合过程段长度 L_m (m); a = distance of the outfall from the nearer bank, clamped to [0, B/2].
double mixing_length_hj(double velocity_ms, double width_m, double a_m, double ey_m2s);

/// One constituent's steady field below one outfall.
class Plume {
public:
    struct Params {
        double width_m = 0.0, depth_m = 0.0, velocity_ms = 0.0, ey_m2s = 0.0;
        double k_per_s = 0.0;           ///< first-order rate at the water temperature
        double source_y_m = 0.0;        ///< a: outfall's distance from the bank y = 0
        double excess_load_gs = 0.0;    ///< m = W − Q_p·C_h
        double background_mgL = 0.0;    ///< C_h, the river's concentration just above the outfall
    };
    explicit Plume(const Params& p);  ///< throws ModelError for non-positive B, h, u, E_y or a outside [0, B]
    const Params& params() const { return p_; }

    double flow_m3s() const { return p_.velocity_ms * p_.depth_m * p_.width_m; }
    double decay(double x_m) const;                ///< e^{−kx/u}
    double background(double x_m) const;           ///< C_h e^{−kx/u}
    double excess(double x_m, double y_m) const;   ///< plume above the background (mg/L); x > 0
    double conc(double x_m, double y_m) const { return background(x_m) + excess(x_m, y_m); }
    /// Fully mixed concentration (C_h + m/Q) e^{−kx/u}: the one-dimensional model's value without lateral inflow.
    double mixed(double x_m) const;
    /// Largest concentration across the section at x, and where (m from the bank y = 0).
    double peak(double x_m, double* y_at = nullptr) const;
    /// max_y |excess − mean excess| / mean excess at x.
    double nonuniformity(double x_m) const;
    /// First x where the nonuniformity is at most `tolerance` (complete mixing); searched up to x_max_m, returns
    /// +inf if not reached there. Requires m ≠ 0.
    double complete_mixing_distance(double tolerance, double x_max_m) const;

private:
    Params p_;
    double xprime(double x_m) const { return p_.ey_m2s * x_m / (p_.velocity_ms * p_.width_m * p_.width_m); }
    /// Dimensionless shape S(x', y/B): excess = m e^{−kx/u}/Q · S; its mean across the section is 1.
    double shape(double xp, double yb) const;
};

/// The zone where C(x,y) exceeds `limit_mgL` (the target class's limit), for 0 < x ≤ x_end_m.
struct Zone {
    bool exists = false;               ///< some point exceeds the limit
    bool background_exceeds = false;   ///< C_h > limit already at the outfall
    bool open_at_end = false;          ///< still exceeds at x_end_m (the zone continues beyond the domain)
    double length_m = 0.0;             ///< farthest x that exceeds
    double max_width_m = 0.0;          ///< largest transverse extent
    double x_of_max_width_m = 0.0;
    double area_m2 = 0.0;              ///< ∫ width dx
    struct Edge {
        double x_m, y_lo_m, y_hi_m;    ///< the exceeding interval across the section at x
    };
    std::vector<Edge> edge;            ///< outline from the outfall to the zone's end (empty if none)
};

/// The exceeding region of one plume. An effluent at or below the background (m ≤ 0) makes no zone (exists = false;
/// background_exceeds still says whether the river already exceeds the limit). The cross-section profile is unimodal and its peak never grows downstream
/// (maximum principle of the diffusion equation, decay only lowers it), so the zone is one region whose length is
/// where the peak falls to the limit, and each transect crosses it in one interval around the peak.
/// edge_points: number of outline points.
Zone exceedance_zone(const Plume& p, double limit_mgL, double x_end_m, int edge_points = 80);

}  // namespace qingliu::mixing
