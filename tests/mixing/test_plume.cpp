// Analytical tests of the two-dimensional outfall plume (mixing/plume.hpp): each asserts against a closed form, a
// mass balance or an independent numerical solution, with its tolerance stated.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <vector>

#include "mixing/plume.hpp"

using namespace qingliu::mixing;

namespace {
constexpr double kPi = std::numbers::pi;

Plume::Params params(double a_fraction, double k_per_d = 0.0, double background = 0.0) {
    Plume::Params p;
    p.width_m = 60.0;
    p.depth_m = 1.5;
    p.velocity_ms = 0.4;
    p.ey_m2s = 0.05;
    p.k_per_s = k_per_d / 86400.0;
    p.source_y_m = a_fraction * p.width_m;
    p.excess_load_gs = 200.0;
    p.background_mgL = background;
    return p;
}

/// ∫_0^B f(y) dy by composite Simpson with n (even) intervals.
template <class F>
double simpson(F f, double B, int n) {
    double s = f(0.0) + f(B);
    for (int i = 1; i < n; ++i) s += (i % 2 ? 4.0 : 2.0) * f(B * i / n);
    return s * B / (3.0 * n);
}

/// Independent numerical solution of u ∂C/∂x = E ∂²C/∂y² − kC on [0, B] with zero flux at both banks: finite volumes
/// across (n cells), Crank–Nicolson along x (two backward-Euler half steps first, Rannacher's start against the
/// box's oscillations), decay applied exactly per step (it commutes with the transverse operator). The outfall is
/// a box one cell wide carrying the load m: C = m/(u·h·Δy) in the cell holding a.
struct Numerical {
    int n;
    double B, h, u, E, k, dy;
    std::vector<double> c;
    double x = 0.0;
    Numerical(const Plume::Params& p, int cells) : n(cells), B(p.width_m), h(p.depth_m), u(p.velocity_ms), E(p.ey_m2s), k(p.k_per_s) {
        dy = B / n;
        c.assign(n, 0.0);
        const int j = std::min(n - 1, static_cast<int>(p.source_y_m / dy));
        c[j] = p.excess_load_gs / (u * h * dy);
    }
    // (I − θ r L) c_new = (I + (1 − θ) r L) c_old, r = E dx /(u dy²), L the Neumann second difference
    void step(double dx, double theta) {
        const double r = E * dx / (u * dy * dy);
        std::vector<double> rhs(n), a(n), b(n), cc(n);
        for (int j = 0; j < n; ++j) {
            const double left = j > 0 ? c[j - 1] - c[j] : 0.0, right = j < n - 1 ? c[j + 1] - c[j] : 0.0;
            rhs[j] = c[j] + (1.0 - theta) * r * (left + right);
            const double deg = (j > 0 ? 1.0 : 0.0) + (j < n - 1 ? 1.0 : 0.0);
            a[j] = j > 0 ? -theta * r : 0.0;
            cc[j] = j < n - 1 ? -theta * r : 0.0;
            b[j] = 1.0 + theta * r * deg;
        }
        for (int j = 1; j < n; ++j) {  // Thomas algorithm
            const double w = a[j] / b[j - 1];
            b[j] -= w * cc[j - 1];
            rhs[j] -= w * rhs[j - 1];
        }
        c[n - 1] = rhs[n - 1] / b[n - 1];
        for (int j = n - 2; j >= 0; --j) c[j] = (rhs[j] - cc[j] * c[j + 1]) / b[j];
        const double d = std::exp(-k * dx / u);
        for (auto& v : c) v *= d;
        x += dx;
    }
    void march_to(double x_end, double dx) {
        if (x == 0.0) {
            for (int i = 0; i < 4; ++i) step(dx / 4.0, 1.0);
        }
        while (x < x_end - 1e-12) step(std::min(dx, x_end - x), 0.5);
    }
};
}  // namespace

TEST_CASE("closed form agrees with a fine-grid numerical solution of the 2-D advection-diffusion equation",
          "[mixing][analytical]") {
    // cell counts that put the outfall at a cell centre (or on the bank, where the box and its image are centred)
    for (const auto& [a, cells] : {std::pair{0.0, 600}, std::pair{0.5, 601}, std::pair{0.3, 605}}) {
        const auto P = params(a, 0.5);
        const Plume plume(P);
        // steps with r = E dx/(u dy²) = 4
        Numerical num(P, cells);
        const double dy = P.width_m / cells, dx = 4.0 * P.velocity_ms * dy * dy / P.ey_m2s;
        const double L = P.velocity_ms * P.width_m * P.width_m / P.ey_m2s;  // x' = 1
        for (double xp : {0.01, 0.05, 0.2, 0.6}) {
            num.march_to(xp * L, dx);
            double peak = 0.0, err = 0.0;
            for (int j = 0; j < cells; ++j) {
                const double y = (j + 0.5) * dy;
                const double exact = plume.excess(num.x, y);
                peak = std::max(peak, exact);
                err = std::max(err, std::abs(num.c[j] - exact));
            }
            INFO("a/B = " << a << ", x' = " << xp << ", max error " << err << ", peak " << peak);
            // box source one cell wide (its second moment adds Δy²/12 to 2σ², a relative error below Δy²/(24σ²) =
            // 2e-4 at x' = 0.01), second-order scheme: measured ≤ 1.7e-5 of the peak; tolerance 1e-4 of the peak
            CHECK(err <= 1e-4 * peak);
        }
    }
}

TEST_CASE("mass flux across any transect equals the load less decay", "[mixing][analytical]") {
    for (double a : {0.0, 0.5, 0.2, 1.0}) {
        const auto P = params(a, 0.8, 3.0);
        const Plume plume(P);
        const double Q = plume.flow_m3s();
        for (double x : {0.5, 5.0, 60.0, 700.0, 5000.0, 40000.0}) {
            const double flux = simpson([&](double y) { return P.velocity_ms * P.depth_m * plume.conc(x, y); }, P.width_m, 40000);
            const double expected = (Q * P.background_mgL + P.excess_load_gs) * std::exp(-P.k_per_s * x / P.velocity_ms);
            INFO("a/B = " << a << ", x = " << x);
            CHECK(std::abs(flux - expected) <= 1e-6 * expected);  // 1e-6 relative (Simpson with 40000 intervals)
        }
    }
}

TEST_CASE("bank reflection keeps the mass in the river", "[mixing][analytical]") {
    // without decay the flux is the load at every distance, also where a single Gaussian would have left the channel
    const auto P = params(0.0);
    const Plume plume(P);
    const double xref = P.velocity_ms * P.width_m * P.width_m / P.ey_m2s;
    for (double xp : {0.001, 0.05, 0.5, 5.0}) {
        const double x = xp * xref;
        const double flux = simpson([&](double y) { return P.velocity_ms * P.depth_m * plume.excess(x, y); }, P.width_m, 40000);
        CHECK(std::abs(flux - P.excess_load_gs) <= 1e-9 * P.excess_load_gs);  // quadrature of a smooth field
        // the bank-discharge Gaussian alone (one near-bank image, no far-bank reflection) loses mass beyond y = B
        const double single = simpson(
            [&](double y) {
                return P.velocity_ms * P.depth_m * P.excess_load_gs / (P.depth_m * std::sqrt(kPi * P.ey_m2s * P.velocity_ms * x)) *
                       std::exp(-P.velocity_ms * y * y / (4.0 * P.ey_m2s * x));
            },
            P.width_m, 40000);
        if (xp >= 0.5) CHECK(single < 0.9 * P.excess_load_gs);  // erf(1/√(4x')) ≤ 0.69 at x' = 0.5
    }
}

TEST_CASE("a mid-channel discharge is symmetric", "[mixing][analytical]") {
    const auto P = params(0.5, 0.3, 1.0);
    const Plume plume(P);
    for (double x : {1.0, 30.0, 400.0, 3000.0})
        for (double d : {0.5, 3.0, 10.0, 29.0})
            CHECK(plume.conc(x, 30.0 + d) == Approx(plume.conc(x, 30.0 - d)).epsilon(1e-12));  // rounding only
    const Zone z = exceedance_zone(plume, 2.0, 20000.0);
    REQUIRE(z.exists);
    for (const auto& e : z.edge) CHECK(std::abs(e.y_lo_m + e.y_hi_m - P.width_m) <= 1e-6 * P.width_m);  // bisection 1e-10 B
}

TEST_CASE("far downstream the plume is the completely mixed one-dimensional concentration", "[mixing][analytical]") {
    for (double a : {0.0, 0.5, 0.25}) {
        const auto P = params(a, 0.4, 2.0);
        const Plume plume(P);
        const double x_mix = plume.complete_mixing_distance(0.05, 1e6);
        for (double x : {x_mix, 2.0 * x_mix, 5.0 * x_mix}) {
            const double mean = simpson([&](double y) { return plume.conc(x, y); }, P.width_m, 4000) / P.width_m;
            CHECK(mean == Approx(plume.mixed(x)).epsilon(1e-10));  // smooth field: Simpson to rounding
            // beyond the complete-mixing distance every point is within 5 % of the mean excess
            for (int j = 0; j <= 100; ++j) {
                const double y = P.width_m * j / 100;
                CHECK(std::abs(plume.excess(x, y) - (plume.mixed(x) - plume.background(x))) <=
                      0.05 * (1 + 1e-9) * (plume.mixed(x) - plume.background(x)));
            }
        }
    }
}

TEST_CASE("distance to complete mixing: HJ 2.3-2018 formula and the field's own", "[mixing][analytical]") {
    const double u = 0.4, B = 60.0, E = 0.05, ref = u * B * B / E;
    // L_m = {0.11 + 0.7[0.5 − a/B − 1.1(0.5 − a/B)²]^½} uB²/E_y: bank 0.11 + 0.7·√0.225, mid-channel 0.11
    CHECK(mixing_length_hj(u, B, 0.0, E) == Approx((0.11 + 0.7 * std::sqrt(0.225)) * ref).epsilon(1e-14));
    CHECK(mixing_length_hj(u, B, 30.0, E) == Approx(0.11 * ref).epsilon(1e-14));
    CHECK(mixing_length_hj(u, B, 60.0, E) == Approx(mixing_length_hj(u, B, 0.0, E)).epsilon(1e-14));  // far bank: same
    // field: leading cosine term 2e^{−π²x'} (bank) and 2e^{−4π²x'} (mid-channel) reach 5 %; the next terms are
    // below 1e-6 there, so the distances are ln(40)/π² and ln(40)/(4π²) to 1e-5
    const Plume bank(params(0.0)), mid(params(0.5));
    CHECK(bank.complete_mixing_distance(0.05, 1e6) == Approx(std::log(40.0) / (kPi * kPi) * ref).epsilon(1e-5));
    CHECK(mid.complete_mixing_distance(0.05, 1e6) == Approx(std::log(40.0) / (4.0 * kPi * kPi) * ref).epsilon(1e-5));
}

TEST_CASE("mixing zone of a bank and a mid-channel discharge against the closed forms", "[mixing][analytical]") {
    // no decay, no background, a channel so wide that the far bank does not matter: the bank-discharge field is
    // C = m/(h√(πE u x)) e^{−u y²/(4E x)}, so C > C_s for x < L = m²/(π E u h² C_s²), across to
    // y(x) = √((2E x/u) ln(L/x)), widest √(2E L/(e u)) at x = L/e, area √(2E/u) L^{3/2} Γ(3/2)/(3/2)^{3/2}
    // (武周虎 2009, 水利学报 40(8)). Mid-channel: L/4 and twice the half-width.
    Plume::Params P;
    P.width_m = 2000.0;
    P.depth_m = 2.0;
    P.velocity_ms = 0.5;
    P.ey_m2s = 0.08;
    P.excess_load_gs = 50.0;
    const double cs = 1.0;
    const double gamma_term = std::tgamma(1.5) / std::pow(1.5, 1.5);
    for (bool bank : {true, false}) {
        P.source_y_m = bank ? 0.0 : 1000.0;
        const Plume plume(P);
        const double L = P.excess_load_gs * P.excess_load_gs / (kPi * P.ey_m2s * P.velocity_ms * P.depth_m * P.depth_m * cs * cs) /
                         (bank ? 1.0 : 4.0);
        const double w = std::sqrt(2.0 * P.ey_m2s * L / (std::exp(1.0) * P.velocity_ms)) * (bank ? 1.0 : 2.0);
        const double area = std::sqrt(2.0 * P.ey_m2s / P.velocity_ms) * std::pow(L, 1.5) * gamma_term * (bank ? 1.0 : 2.0);
        const Zone z = exceedance_zone(plume, cs, 1e5);
        REQUIRE(z.exists);
        CHECK_FALSE(z.open_at_end);
        CHECK(z.length_m == Approx(L).epsilon(1e-9));              // bisection to 1e-12
        CHECK(z.max_width_m == Approx(w).epsilon(1e-6));           // golden-section refinement
        CHECK(z.x_of_max_width_m == Approx(L / std::exp(1.0)).epsilon(1e-3));  // flat maximum: x known to √(tol)
        CHECK(z.area_m2 == Approx(area).epsilon(1e-4));            // Simpson, 400 intervals after the cosine substitution
    }
}

TEST_CASE("mixing zone with reflection and decay against counting cells of a fine grid", "[mixing][analytical]") {
    // outfall 12 m from the near bank (its plume reflects there), decay 2/d, background 0.5 mg/L
    auto P = params(0.2, 2.0, 0.5);
    P.excess_load_gs = 40.0;
    const Plume plume(P);
    const double limit = 1.5;
    const Zone z = exceedance_zone(plume, limit, 20000.0);
    REQUIRE(z.exists);
    REQUIRE_FALSE(z.open_at_end);
    // independent: the exceeding cells of a 1500 x 600 grid over [0, 1.05 L] x [0, B]
    const int nx = 1500, ny = 600;
    const double X = 1.05 * z.length_m, dx = X / nx, dy = P.width_m / ny;
    double area = 0.0, length = 0.0, width = 0.0;
    for (int i = 0; i < nx; ++i) {
        const double x = (i + 0.5) * dx;
        int count = 0;
        for (int j = 0; j < ny; ++j)
            if (plume.conc(x, (j + 0.5) * dy) > limit) ++count;
        area += count * dx * dy;
        width = std::max(width, count * dy);
        if (count > 0) length = x;
    }
    CHECK(std::abs(length - z.length_m) <= dx);        // one cell along
    CHECK(std::abs(width - z.max_width_m) <= 2 * dy);  // one cell at each edge
    CHECK(area == Approx(z.area_m2).epsilon(1e-3));    // cell counting: edge cells; 4e-5 measured
    // the outline encloses the same area
    double outline = 0.0;
    for (std::size_t i = 1; i < z.edge.size(); ++i)
        outline += 0.5 * ((z.edge[i].y_hi_m - z.edge[i].y_lo_m) + (z.edge[i - 1].y_hi_m - z.edge[i - 1].y_lo_m)) *
                   (z.edge[i].x_m - z.edge[i - 1].x_m);
    CHECK(outline == Approx(z.area_m2).epsilon(2e-3));  // trapezoids over 80 outline points; 3e-4 measured
}

TEST_CASE("channel: E_y = alpha h u*, u* = sqrt(g h S), defaults named", "[mixing]") {
    ChannelInput in;
    in.flow_m3s = 30.0;
    in.velocity_ms = 0.5;
    in.width_m = 40.0;
    in.slope = 4e-4;
    const Channel c = resolve_channel(in);
    CHECK(c.depth_m == Approx(30.0 / (0.5 * 40.0)).epsilon(1e-14));  // continuity
    CHECK(c.shear_velocity_ms == Approx(std::sqrt(9.81 * 1.5 * 4e-4)).epsilon(1e-14));
    CHECK(c.ey_m2s == Approx(0.6 * 1.5 * std::sqrt(9.81 * 1.5 * 4e-4)).epsilon(1e-14));  // natural channel α = 0.6
    CHECK(c.notes.empty());
    ChannelInput none;
    none.flow_m3s = 16.0;
    none.velocity_ms = 0.5;
    const Channel d = resolve_channel(none);
    CHECK(d.width_origin == Origin::Default);
    CHECK(d.width_m == Approx(4.75 * 4.0).epsilon(1e-14));  // Lacey P = 4.75 √Q
    CHECK(d.slope_origin == Origin::Default);
    // Manning with n = 0.030 reproduces the velocity at the default slope
    CHECK(std::pow(d.depth_m, 2.0 / 3.0) * std::sqrt(d.slope) / 0.030 == Approx(0.5).epsilon(1e-12));
    CHECK(d.notes.size() == 2);
    ChannelInput bad;
    bad.flow_m3s = 0.0;
    bad.velocity_ms = 1.0;
    CHECK_THROWS(resolve_channel(bad));
    CHECK(find_channel_type("河道收缩段")->alpha == 0.3);
    CHECK(find_channel_type("straight")->alpha == 0.15);
    CHECK(find_channel_type("nonsense") == nullptr);
}
