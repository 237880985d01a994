#include "mixing/plume.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>

#include "common/error.hpp"

namespace qingliu::mixing {

namespace {
constexpr double kPi = std::numbers::pi;

std::string fmt(double v) {
    char b[64];
    std::snprintf(b, sizeof b, "%.4g", v);
    return b;
}
}  // namespace

const std::vector<ChannelType>& channel_types() {
    // α in E_y = α·h·u*. Natural channels: Fischer et al. (1979) eq. 5.7, ε_t = 0.6 (±50 %) d u*, and Chinese EIA
    // practice "M_y/(h u*) 一般在 0.4~0.8 … 河道可取为0.6, 河道扩散可取为0.9, 河道收缩可取为0.3"
    // (http://kepingji.com/news/201310/14083759875-4.html); straight rectangular channels: Fischer et al. (1979) eq. 5.6.
    static const std::vector<ChannelType> t = {
        {"natural", "天然河道", "natural channel", 0.6,
         "Fischer et al. 1979 eq. 5.7 (0.6 ± 50 %); EIA practice 河道 0.6 (kepingji.com/news/201310/14083759875-4.html)"},
        {"straight", "顺直渠道", "straight rectangular channel", 0.15, "Fischer et al. 1979 eq. 5.6 (0.15)"},
        {"expanding", "河道扩散段", "expanding reach", 0.9, "EIA practice 河道扩散 0.9 (kepingji.com/news/201310/14083759875-4.html)"},
        {"contracting", "河道收缩段", "contracting reach", 0.3, "EIA practice 河道收缩 0.3 (kepingji.com/news/201310/14083759875-4.html)"},
    };
    return t;
}

const ChannelType* find_channel_type(std::string_view s) {
    for (const auto& t : channel_types())
        if (s == t.key || s == t.zh) return &t;
    return nullptr;
}

const ChannelType& default_channel_type() { return channel_types().front(); }

const char* origin_key(Origin o) {
    switch (o) {
        case Origin::Given: return "given";
        case Origin::Hydraulics: return "hydraulics";
        case Origin::Continuity: return "continuity";
        case Origin::Default: return "default";
    }
    return "?";
}

Channel resolve_channel(const ChannelInput& in) {
    if (!(in.flow_m3s > 0.0) || !std::isfinite(in.flow_m3s))
        throw ModelError("mixing: the river flow at the outfall is " + fmt(in.flow_m3s) + " m3/s (must be > 0)");
    if (!(in.velocity_ms > 0.0) || !std::isfinite(in.velocity_ms))
        throw ModelError("mixing: the velocity at the outfall is " + fmt(in.velocity_ms) + " m/s (must be > 0)");
    Channel c;
    c.flow_m3s = in.flow_m3s;
    c.velocity_ms = in.velocity_ms;
    const double area = in.flow_m3s / in.velocity_ms;  // Q = u·A
    if (in.width_m > 0.0) {
        c.width_m = in.width_m;
        c.width_origin = in.width_from_hydraulics ? Origin::Hydraulics : Origin::Given;
        c.depth_m = area / c.width_m;
        c.depth_origin = Origin::Continuity;
        if (in.depth_m > 0.0 && std::abs(in.depth_m - c.depth_m) > 0.1 * c.depth_m)
            c.notes.push_back("depth " + fmt(in.depth_m) + " m differs from Q/(u·B) = " + fmt(c.depth_m) +
                              " m by more than 10 %; Q/(u·B) is used so that the plume carries the modelled flow");
    } else if (in.depth_m > 0.0) {
        c.depth_m = in.depth_m;
        c.depth_origin = in.depth_from_hydraulics ? Origin::Hydraulics : Origin::Given;
        c.width_m = area / c.depth_m;
        c.width_origin = Origin::Continuity;
    } else {
        c.width_m = kLaceyPerimeterCoef * std::sqrt(in.flow_m3s);
        c.width_origin = Origin::Default;
        c.depth_m = area / c.width_m;
        c.depth_origin = Origin::Continuity;
        c.notes.push_back("no width or depth given: width from Lacey's regime perimeter 4.75·Q^0.5 = " + fmt(c.width_m) +
                          " m (give width_m in the mixing table)");
    }
    if (in.slope > 0.0) {
        c.slope = in.slope;
        c.slope_origin = in.slope_from_hydraulics ? Origin::Hydraulics : Origin::Given;
    } else {
        // Manning: u = h^{2/3} S^{1/2} / n  =>  S = (n u / h^{2/3})²  (wide channel, hydraulic radius = depth)
        c.slope = std::pow(kDefaultManningN * in.velocity_ms / std::pow(c.depth_m, 2.0 / 3.0), 2.0);
        c.slope_origin = Origin::Default;
        c.notes.push_back("no slope given: S = (n·u/h^(2/3))^2 with Manning n = 0.030 (Chow 1959) = " + fmt(c.slope) +
                          " (give slope in the mixing table)");
    }
    c.type = in.type ? in.type : &default_channel_type();
    c.alpha_given = in.alpha > 0.0;
    c.alpha = c.alpha_given ? in.alpha : c.type->alpha;
    c.shear_velocity_ms = std::sqrt(kGravity_ms2 * c.depth_m * c.slope);
    c.ey_m2s = c.alpha * c.depth_m * c.shear_velocity_ms;
    if (!(c.ey_m2s > 0.0) || !std::isfinite(c.ey_m2s))
        throw ModelError("mixing: transverse mixing coefficient E_y = " + fmt(c.ey_m2s) + " m2/s (must be > 0)");
    return c;
}

double mixing_length_hj(double u, double B, double a, double ey) {
    const double r = std::clamp(std::min(a, B - a) / B, 0.0, 0.5);  // a/B from the nearer bank
    const double s = 0.5 - r;
    const double inner = std::max(0.0, 0.5 - r - 1.1 * s * s);
    return (0.11 + 0.7 * std::sqrt(inner)) * u * B * B / ey;
}

Plume::Plume(const Params& p) : p_(p) {
    if (!(p.width_m > 0.0 && p.depth_m > 0.0 && p.velocity_ms > 0.0 && p.ey_m2s > 0.0) || !std::isfinite(p.ey_m2s))
        throw ModelError("mixing: width, depth, velocity and E_y must be > 0");
    if (!(p.source_y_m >= 0.0 && p.source_y_m <= p.width_m))
        throw ModelError("mixing: the outfall lies " + fmt(p.source_y_m) + " m from the bank, outside the channel width " +
                         fmt(p.width_m) + " m");
    if (!(p.k_per_s >= 0.0)) throw ModelError("mixing: decay rate must be >= 0");
}

double Plume::decay(double x) const { return std::exp(-p_.k_per_s * x / p_.velocity_ms); }
double Plume::background(double x) const { return p_.background_mgL * decay(x); }
double Plume::mixed(double x) const { return (p_.background_mgL + p_.excess_load_gs / flow_m3s()) * decay(x); }

double Plume::shape(double xp, double yb) const {
    const double ab = p_.source_y_m / p_.width_m;
    if (xp < 0.1) {
        // images: (1/√(4πx')) Σ_n [e^{−(y'−a'−2n)²/4x'} + e^{−(y'+a'−2n)²/4x'}]; terms beyond |n| = N are below
        // e^{−(2N−2)²/4x'} ≤ e^{−50} relative
        const int N = 2 + static_cast<int>(std::ceil(std::sqrt(50.0 * 4.0 * xp) / 2.0));
        double s = 0.0;
        for (int n = -N; n <= N; ++n) {
            const double d1 = yb - ab - 2.0 * n, d2 = yb + ab - 2.0 * n;
            s += std::exp(-d1 * d1 / (4.0 * xp)) + std::exp(-d2 * d2 / (4.0 * xp));
        }
        return s / std::sqrt(4.0 * kPi * xp);
    }
    // cosine series; terms beyond n are below e^{−n²π²x'} ≤ e^{−40}
    const int N = 1 + static_cast<int>(std::ceil(std::sqrt(40.0 / (kPi * kPi * xp))));
    double s = 1.0;
    for (int n = 1; n <= N; ++n) s += 2.0 * std::cos(n * kPi * ab) * std::cos(n * kPi * yb) * std::exp(-n * n * kPi * kPi * xp);
    return s;
}

double Plume::excess(double x, double y) const {
    if (!(x > 0.0)) return x == 0.0 && std::abs(y - p_.source_y_m) == 0.0 ? std::numeric_limits<double>::infinity() : 0.0;
    const double yb = std::clamp(y / p_.width_m, 0.0, 1.0);
    return p_.excess_load_gs / flow_m3s() * decay(x) * shape(xprime(x), yb);
}

double Plume::peak(double x, double* y_at) const {
    // sample the section, then refine around the best sample by golden-section search (the profile is unimodal)
    constexpr int n = 64;
    const double B = p_.width_m;
    // include the outfall's own transverse position: the narrow plume near the outfall lies around it
    double best_y = p_.source_y_m, best = excess(x, best_y);
    for (int i = 0; i <= n; ++i) {
        const double y = B * i / n;
        const double v = excess(x, y);
        if (v > best) { best = v; best_y = y; }
    }
    double lo = std::max(0.0, best_y - B / n), hi = std::min(B, best_y + B / n);
    // the narrow near field: search around the outfall's position within a few plume widths
    const double sigma = std::sqrt(2.0 * p_.ey_m2s * x / p_.velocity_ms);
    if (sigma < B / n && std::abs(best_y - p_.source_y_m) <= B / n) {
        lo = std::max(0.0, p_.source_y_m - 3.0 * sigma);
        hi = std::min(B, p_.source_y_m + 3.0 * sigma);
    }
    const double g = (std::sqrt(5.0) - 1.0) / 2.0;
    double c = hi - g * (hi - lo), d = lo + g * (hi - lo);
    double fc = excess(x, c), fd = excess(x, d);
    for (int it = 0; it < 60 && hi - lo > 1e-9 * B; ++it) {
        if (fc > fd) { hi = d; d = c; fd = fc; c = hi - g * (hi - lo); fc = excess(x, c); }
        else { lo = c; c = d; fc = fd; d = lo + g * (hi - lo); fd = excess(x, d); }
    }
    for (double y : {lo, hi, 0.5 * (lo + hi)}) {
        const double v = excess(x, y);
        if (v > best) { best = v; best_y = y; }
    }
    if (y_at) *y_at = best_y;
    return background(x) + best;
}

double Plume::nonuniformity(double x) const {
    // excess / its section mean = shape, whose mean is 1
    const double xp = xprime(x);
    constexpr int n = 200;
    double dev = 0.0;
    for (int i = 0; i <= n; ++i) dev = std::max(dev, std::abs(shape(xp, static_cast<double>(i) / n) - 1.0));
    dev = std::max(dev, std::abs(shape(xp, p_.source_y_m / p_.width_m) - 1.0));
    return dev;
}

double Plume::complete_mixing_distance(double tol, double x_max) const {
    if (nonuniformity(x_max) > tol) return std::numeric_limits<double>::infinity();
    // the deviation from the mean never grows downstream (maximum principle for excess − mean): bisection
    double lo = 0.0, hi = x_max;
    for (int it = 0; it < 200 && hi - lo > 1e-10 * x_max; ++it) {
        const double mid = 0.5 * (lo + hi);
        (nonuniformity(mid) > tol ? lo : hi) = mid;
    }
    return hi;
}

Zone exceedance_zone(const Plume& p, double limit, double x_end, int edge_points) {
    Zone z;
    const auto& P = p.params();
    const double B = P.width_m;
    z.background_exceeds = P.background_mgL > limit;
    if (!(x_end > 0.0) || !(P.excess_load_gs > 0.0)) return z;  // an effluent at or below the background adds no zone
    // length: where the (non-increasing) peak falls to the limit
    auto over = [&](double x) { return p.peak(x) > limit; };
    const double x_min = 1e-9 * std::max(x_end, B);
    if (!over(x_min)) return z;  // nothing exceeds, even right at the outfall
    z.exists = true;
    if (over(x_end)) {
        z.open_at_end = true;
        z.length_m = x_end;
    } else {
        double lo = x_min, hi = x_end;  // over(lo), !over(hi); bisection in log x, then linear
        for (int it = 0; it < 200 && hi / lo > 1.0 + 1e-12; ++it) {
            const double mid = hi / lo > 4.0 ? std::sqrt(lo * hi) : 0.5 * (lo + hi);
            (over(mid) ? lo : hi) = mid;
        }
        z.length_m = lo;
    }
    // the exceeding interval at x: from the peak outwards to the crossing on each side (one interval: unimodal)
    auto interval = [&](double x, double& y_lo, double& y_hi) {
        double yp = 0.0;
        if (p.peak(x, &yp) <= limit) {
            y_lo = y_hi = yp;
            return 0.0;
        }
        auto crossing = [&](double inside, double outside) {
            if (p.conc(x, outside) > limit) return outside;
            for (int it = 0; it < 80 && std::abs(outside - inside) > 1e-10 * B; ++it) {
                const double mid = 0.5 * (inside + outside);
                (p.conc(x, mid) > limit ? inside : outside) = mid;
            }
            return 0.5 * (inside + outside);
        };
        y_lo = crossing(yp, 0.0);
        y_hi = crossing(yp, B);
        return y_hi - y_lo;
    };
    // area = ∫_0^L w dx with x = L(1 − cos πs)/2 (w behaves like a square root at both ends; the substitution
    // makes the integrand smooth), composite Simpson on s
    const double L = z.length_m;
    constexpr int n = 400;  // even
    double area = 0.0, yl = 0.0, yh = 0.0;
    for (int i = 0; i <= n; ++i) {
        const double s = static_cast<double>(i) / n;
        const double x = 0.5 * L * (1.0 - std::cos(kPi * s));
        const double w = (i == 0 || (i == n && !z.open_at_end)) ? 0.0 : interval(x, yl, yh);
        if (w > z.max_width_m) { z.max_width_m = w; z.x_of_max_width_m = x; }
        const double weight = (i == 0 || i == n) ? 1.0 : (i % 2 ? 4.0 : 2.0);
        area += weight * w * 0.5 * L * kPi * std::sin(kPi * s);
    }
    z.area_m2 = area / (3.0 * n);
    // refine the widest transect by golden-section search around the best sample
    {
        const double step = 0.5 * L * kPi / n * 2.0;
        double lo = std::max(0.0, z.x_of_max_width_m - step), hi = std::min(L, z.x_of_max_width_m + step);
        const double g = (std::sqrt(5.0) - 1.0) / 2.0;
        double c = hi - g * (hi - lo), d = lo + g * (hi - lo);
        double fc = interval(c, yl, yh), fd = interval(d, yl, yh);
        for (int it = 0; it < 50 && hi - lo > 1e-9 * L; ++it) {
            if (fc > fd) { hi = d; d = c; fd = fc; c = hi - g * (hi - lo); fc = interval(c, yl, yh); }
            else { lo = c; c = d; fc = fd; d = lo + g * (hi - lo); fd = interval(d, yl, yh); }
        }
        for (const auto& [x, w] : {std::pair{c, fc}, std::pair{d, fd}})
            if (w > z.max_width_m) { z.max_width_m = w; z.x_of_max_width_m = x; }
    }
    // outline: points clustered at both ends (same cosine spacing)
    const int m = std::max(edge_points, 4);
    for (int i = 0; i <= m; ++i) {
        const double s = static_cast<double>(i) / m;
        const double x = 0.5 * L * (1.0 - std::cos(kPi * s));
        if (i == 0) {
            const double y0 = P.source_y_m;
            z.edge.push_back({0.0, z.background_exceeds ? 0.0 : y0, z.background_exceeds ? B : y0});
            continue;
        }
        if (i == m && !z.open_at_end) {
            double yp = 0.0;
            p.peak(L, &yp);
            z.edge.push_back({L, yp, yp});
            continue;
        }
        interval(x, yl, yh);
        z.edge.push_back({x, yl, yh});
    }
    return z;
}

}  // namespace qingliu::mixing
