// Reach hydraulics: velocity and depth as functions of flow.
//   constant:            u = velocity_ms
//   hydraulic geometry:  u = a Q^b (m/s), H = c Q^d (m)           (Leopold & Maddock 1953)
//   Manning, wide rectangular channel of width B, slope S, roughness n:
//                        H = (n Q / (B S^0.5))^(3/5),  u = Q / (B H)  (Chapra 1997, Lecture 14)
#pragma once
#include <string>

namespace qingliu::hydro {

struct Hydraulics {
    enum class Kind { Constant, Geometry, Manning };
    Kind kind = Kind::Constant;
    double velocity_ms = 0.0;                    // Constant
    double a = 0.0, b = 0.0, c = 0.0, d = 0.0;   // Geometry (c, d optional: 0 = depth unknown)
    double manning_n = 0.0, slope = 0.0, width_m = 0.0;  // Manning

    static Hydraulics constant(double u_ms) { Hydraulics h; h.kind = Kind::Constant; h.velocity_ms = u_ms; return h; }
    static Hydraulics geometry(double a, double b, double c = 0.0, double d = 0.0) {
        Hydraulics h; h.kind = Kind::Geometry; h.a = a; h.b = b; h.c = c; h.d = d; return h;
    }
    static Hydraulics manning(double n, double slope, double width_m) {
        Hydraulics h; h.kind = Kind::Manning; h.manning_n = n; h.slope = slope; h.width_m = width_m; return h;
    }

    /// Mean velocity (m/s) at flow q_m3s (> 0). Constant kind ignores flow.
    double velocity(double q_m3s) const;
    /// Mean depth (m) at flow q_m3s, or 0 when the hydraulics give no depth.
    double depth(double q_m3s) const;
    /// Empty string when the parameters are usable, else what is wrong.
    std::string check() const;
};

}  // namespace qingliu::hydro
