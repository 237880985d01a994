#include "hydro/hydraulics.hpp"

#include <cmath>

namespace qingliu::hydro {

double Hydraulics::velocity(double q) const {
    switch (kind) {
        case Kind::Constant: return velocity_ms;
        case Kind::Geometry: return a * std::pow(q, b);
        case Kind::Manning: {
            const double h = depth(q);
            return h > 0.0 ? q / (width_m * h) : 0.0;
        }
    }
    return 0.0;
}

double Hydraulics::depth(double q) const {
    switch (kind) {
        case Kind::Constant: return 0.0;
        case Kind::Geometry: return c > 0.0 ? c * std::pow(q, d) : 0.0;
        case Kind::Manning: return std::pow(manning_n * q / (width_m * std::sqrt(slope)), 0.6);
    }
    return 0.0;
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
    }
    return "unknown hydraulics";
}

}  // namespace qingliu::hydro
