// Reach hydraulics: velocity and depth as functions of flow.
//   constant:            u = velocity_ms
//   hydraulic geometry:  u = a Q^b (m/s), H = c Q^d (m)           (Leopold & Maddock 1953)
//                        or, with QUAL2K's "Width" rating curve B = cw Q^dw, H = Q / (u B) = Q^(1-b-dw) / (a cw):
//                        the same power law, c = 1 / (a cw), d = 1 - b - dw
//   Manning, wide rectangular channel of width B, slope S, roughness n:
//                        H = (n Q / (B S^0.5))^(3/5),  u = Q / (B H)  (Chapra 1997, Lecture 14)
//   Manning, trapezoidal channel as QUAL2K's reaches (bottom width B0, side slopes s1 and s2 horizontal to vertical,
//   s1 = s2 = 0 a rectangle with its walls in the wetted perimeter):
//                        Q = S^0.5 / n A^(5/3) / P^(2/3),  A = (B0 + (s1 + s2) H / 2) H,
//                        P = B0 + H (1 + s1^2)^0.5 + H (1 + s2^2)^0.5,  u = Q / A
//                        (Chapra, Pelletier & Tao, QUAL2K documentation, "Manning equation"; the depth H solved to
//                        rounding by Newton's method where QUAL2K iterates to 0.001 %)
#pragma once
#include <string>

namespace qingliu::hydro {

/// A cross-section at a flow: flow depth (the deepest point), area, top width and wetted perimeter.
struct Section {
    double depth_m = 0.0, area_m2 = 0.0, top_width_m = 0.0, wetted_perimeter_m = 0.0;
};

struct Hydraulics {
    enum class Kind { Constant, Geometry, Manning, Trapezoid };
    Kind kind = Kind::Constant;
    double velocity_ms = 0.0;                    // Constant
    double a = 0.0, b = 0.0, c = 0.0, d = 0.0;   // Geometry (c, d optional: 0 = depth unknown)
    double manning_n = 0.0, slope = 0.0, width_m = 0.0;  // Manning; Trapezoid: width_m is the bottom width
    double side_slope_1 = 0.0, side_slope_2 = 0.0;       // Trapezoid (horizontal : vertical)

    static Hydraulics constant(double u_ms) { Hydraulics h; h.kind = Kind::Constant; h.velocity_ms = u_ms; return h; }
    static Hydraulics geometry(double a, double b, double c = 0.0, double d = 0.0) {
        Hydraulics h; h.kind = Kind::Geometry; h.a = a; h.b = b; h.c = c; h.d = d; return h;
    }
    /// u = a Q^b with the width B = cw Q^dw (QUAL2K's "Width" rating curves): H = Q / (u B)
    static Hydraulics geometry_width(double a, double b, double cw, double dw) {
        return geometry(a, b, 1.0 / (a * cw), 1.0 - b - dw);
    }
    static Hydraulics manning(double n, double slope, double width_m) {
        Hydraulics h; h.kind = Kind::Manning; h.manning_n = n; h.slope = slope; h.width_m = width_m; return h;
    }
    static Hydraulics trapezoid(double n, double slope, double bottom_width_m, double side_slope_1, double side_slope_2) {
        Hydraulics h = manning(n, slope, bottom_width_m);
        h.kind = Kind::Trapezoid;
        h.side_slope_1 = side_slope_1;
        h.side_slope_2 = side_slope_2;
        return h;
    }

    /// Manning's channel, wide or trapezoidal: its own slope and width (a trapezoid's bottom width).
    bool manning_kind() const { return kind == Kind::Manning || kind == Kind::Trapezoid; }
    /// The hydraulics give a depth at every flow (hydraulic geometry with hg_c, or Manning's).
    bool gives_depth() const { return manning_kind() || (kind == Kind::Geometry && c > 0.0); }

    /// Mean velocity (m/s) at flow q_m3s (> 0). Constant kind ignores flow.
    double velocity(double q_m3s) const;
    /// Depth (m) at flow q_m3s, or 0 when the hydraulics give no depth: the mean depth, except a trapezoid's flow
    /// depth H (QUAL2K's "depth", which its reaeration formulas take).
    double depth(double q_m3s) const;
    /// The cross-section at flow q_m3s (> 0). Where the hydraulics give no depth, only the area Q / u is known (the
    /// rest 0); a rectangle of the mean depth otherwise (hydraulic geometry, the wide channel: perimeter = width).
    Section section(double q_m3s) const;
    /// Water volume over bottom area (m) in the section s = section(q), the depth that settling and sediment oxygen
    /// demand act over: a trapezoid's A / B0 (QUAL2K's bottom area is B0 times the length), else the mean depth.
    double bottom_depth(const Section& s) const { return kind == Kind::Trapezoid ? s.area_m2 / width_m : s.depth_m; }
    /// Empty string when the parameters are usable, else what is wrong.
    std::string check() const;
};

/// Longitudinal dispersion (m2/s) at flow q_m3s by Fischer's E = 0.011 U^2 B^2 / (H u*), u* = (g H S)^0.5, g = 9.81
/// m/s2, as QUAL2K computes it: B a Manning channel's own width (a trapezoid's bottom width, as QUAL2K's b), else the
/// section's top width; H the depth. 0 where the hydraulics give no depth or the slope is not > 0.
double fischer_dispersion_m2s(const Hydraulics& h, double q_m3s, double slope);

}  // namespace qingliu::hydro
