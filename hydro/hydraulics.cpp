#include "hydro/hydraulics.hpp"

#include <algorithm>
#include <cmath>

namespace qingliu::hydro {

namespace {

// A trapezoid's flow depth at flow q: Newton's method on g(H) = 5/3 ln A - 2/3 ln P - ln(n Q / S^0.5), which
// increases with H (the conveyance does), in ln H from the wide channel's depth, to rounding.
double trapezoid_depth(const Hydraulics& h, double q) {
    if (!(q > 0.0)) return 0.0;
    const double m = h.side_slope_1 + h.side_slope_2;
    const double p1 = std::sqrt(1.0 + h.side_slope_1 * h.side_slope_1) + std::sqrt(1.0 + h.side_slope_2 * h.side_slope_2);
    const double target = std::log(h.manning_n * q / std::sqrt(h.slope));
    double x = 0.6 * target - 0.6 * std::log(h.width_m);  // ln H of the wide channel
    for (int it = 0; it < 100; ++it) {
        const double H = std::exp(x);
        const double A = (h.width_m + 0.5 * m * H) * H, P = h.width_m + p1 * H, T = h.width_m + m * H;
        const double g = 5.0 / 3.0 * std::log(A) - 2.0 / 3.0 * std::log(P) - target;
        const double dg = 5.0 / 3.0 * T * H / A - 2.0 / 3.0 * p1 * H / P;  // dg / d ln H, > 0
        const double step = std::clamp(g / dg, -2.0, 2.0);
        x -= step;
        if (std::abs(step) < 1e-10) break;  // quadratic convergence: the next step would be below 1e-19
    }
    return std::exp(x);
}

}  // namespace

Section Hydraulics::section(double q) const {
    Section s;
    switch (kind) {
        case Kind::Trapezoid: {
            const double H = trapezoid_depth(*this, q), m = side_slope_1 + side_slope_2;
            s.depth_m = H;
            s.area_m2 = (width_m + 0.5 * m * H) * H;
            s.top_width_m = width_m + m * H;
            s.wetted_perimeter_m = width_m + H * (std::sqrt(1.0 + side_slope_1 * side_slope_1) +
                                                  std::sqrt(1.0 + side_slope_2 * side_slope_2));
            return s;
        }
        default: {
            const double u = velocity(q), H = depth(q);
            s.area_m2 = u > 0.0 ? q / u : 0.0;
            if (H > 0.0) {
                s.depth_m = H;
                s.top_width_m = s.area_m2 / H;
                s.wetted_perimeter_m = s.top_width_m;
            }
            return s;
        }
    }
}

double Hydraulics::velocity(double q) const {
    switch (kind) {
        case Kind::Constant: return velocity_ms;
        case Kind::Geometry: return a * std::pow(q, b);
        case Kind::Manning: {
            const double h = depth(q);
            return h > 0.0 ? q / (width_m * h) : 0.0;
        }
        case Kind::Trapezoid: {
            const double A = section(q).area_m2;
            return A > 0.0 ? q / A : 0.0;
        }
    }
    return 0.0;
}

double Hydraulics::depth(double q) const {
    switch (kind) {
        case Kind::Constant: return 0.0;
        case Kind::Geometry: return c > 0.0 ? c * std::pow(q, d) : 0.0;
        case Kind::Manning: return std::pow(manning_n * q / (width_m * std::sqrt(slope)), 0.6);
        case Kind::Trapezoid: return trapezoid_depth(*this, q);
    }
    return 0.0;
}

double fischer_dispersion_m2s(const Hydraulics& h, double q, double slope) {
    constexpr double kG = 9.81;  // m/s2
    const double u = h.velocity(q), depth = h.depth(q), ustar = std::sqrt(kG * depth * slope);
    if (!(depth > 0.0) || !(ustar > 0.0) || !(u > 0.0)) return 0.0;
    const double width = h.manning_kind() ? h.width_m : q / u / depth;  // the section's: area / depth
    return 0.011 * u * u * width * width / (depth * ustar);
}

std::string Hydraulics::check() const {
    switch (kind) {
        case Kind::Constant:
            if (!(velocity_ms > 0.0) || !std::isfinite(velocity_ms)) return "velocity must be > 0 m/s";
            return {};
        case Kind::Geometry:
            if (!(a > 0.0) || !std::isfinite(a)) return "hydraulic-geometry coefficient hg_a must be > 0";
            if (!(b >= 0.0 && b < 1.0)) return "hydraulic-geometry exponent hg_b must be in [0, 1)";
            if (c < 0.0 || d < 0.0 || d >= 1.0) return "depth coefficients hg_c >= 0 and hg_d in [0, 1) expected";
            return {};
        case Kind::Manning:
            if (!(manning_n > 0.0 && slope > 0.0 && width_m > 0.0)) return "Manning needs manning_n, slope and width_m > 0";
            return {};
        case Kind::Trapezoid:
            if (!(manning_n > 0.0 && slope > 0.0 && width_m > 0.0))
                return "a trapezoidal channel needs manning_n, slope and bottom_width_m > 0";
            if (!(side_slope_1 >= 0.0 && side_slope_2 >= 0.0 && std::isfinite(side_slope_1) && std::isfinite(side_slope_2)))
                return "side slopes side_slope_1 and side_slope_2 must be >= 0 (horizontal : vertical)";
            return {};
    }
    return "unknown hydraulics";
}

}  // namespace qingliu::hydro
