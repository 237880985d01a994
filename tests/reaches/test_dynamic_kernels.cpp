// The vector kernels of the dynamic solver (reaches/dynamic_cells.hpp) against the scalar formulas they replace: the
// closed-form test of relaxed intervals, the steady cells and the interval integrals.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "reaches/dynamic_cells.hpp"

using namespace qingliu;
using namespace qingliu::reaches::cells;

TEST_CASE("the relaxed test on three lanes gives residual_share's answers", "[dynamic][kernels]") {
    std::mt19937_64 rng(3);
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    int relaxed = 0, not_relaxed = 0;
    for (int t = 0; t < 20000; ++t) {
        const int n = 1 + t % 12;
        double a[kLanes], e[kLanes];
        for (int c = 0; c < 3; ++c) {
            a[c] = 60.0 * u01(rng);
            e[c] = std::exp(-a[c]);
        }
        a[3] = e[3] = 0.0;
        // tolerances at, just above and just below one lane's share, and at the default 1e-12
        const double share = residual_share(n, a[t % 3], e[t % 3]);
        for (const double tol : {share, share * (1 + 1e-15), share * (1 - 1e-15), 1e-12}) {
            bool got[3];
            relaxed_lanes(n, a, e, tol, got);
            for (int c = 0; c < 3; ++c) {
                // tolerance none: the same products and sums in the same order, so the same answer even at the threshold
                const bool want = residual_share(n, a[c], e[c]) <= tol;
                CHECK(got[c] == want);
                (want ? relaxed : not_relaxed)++;
            }
        }
    }
    CHECK(relaxed > 1000);
    CHECK(not_relaxed > 1000);
}

TEST_CASE("the relaxed test's bounds give the sum's answers without it", "[dynamic][kernels]") {
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    for (const double tol : {1e-12, 1e-8, 1e-3, 0.5}) {
        const RelaxedBounds b = relaxed_bounds(12, tol);
        REQUIRE(b.hi.size() == 13);
        for (int n = 1; n <= 12; ++n) {
            // the band left to the sum is narrow: within 1e-5 of a* (the margin is 1e-6 of the share)
            REQUIRE(b.lo[n] >= 0.0);
            CHECK(b.hi[n] - b.lo[n] <= 1e-5 * b.hi[n]);
            int fast = 0;
            for (int t = 0; t < 4000; ++t) {
                // a spread over [0, 3 a_hi] and packed around both bounds; e^{-a} as the solver forms it, from two parts
                double a = t % 4 == 0 ? 3.0 * b.hi[n] * u01(rng)
                           : t % 4 == 1 ? b.lo[n] * (1.0 + 2e-6 * (u01(rng) - 0.5))
                           : t % 4 == 2 ? b.hi[n] * (1.0 + 2e-6 * (u01(rng) - 0.5))
                                        : (t % 8 == 3 ? b.lo[n] : b.hi[n]);
                const double part = a * u01(rng);
                a = part + (a - part);
                const double e = std::exp(-part) * std::exp(-(a - part));
                const int known = b.known(n, a);
                if (known < 0) continue;
                ++fast;
                // tolerance none: where the bounds answer, the sum in double must give the same answer
                CHECK((residual_share(n, a, e) <= tol) == (known == 1));
            }
            CHECK(fast > 2000);
        }
    }
    // no bounds where they cannot be trusted: the relaxed test then always forms its sum
    CHECK(relaxed_bounds(10, 0.0).hi.empty());
    CHECK(relaxed_bounds(10, 1.0).hi.empty());
    CHECK(relaxed_bounds(10, 1e-12).known(11, 1e3) == -1);
    CHECK(relaxed_bounds(10, 1e-12).known(5, -1.0) == -1);
}

TEST_CASE("steady cells and interval integrals in lanes equal the scalar recurrences bit for bit", "[dynamic][kernels]") {
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    for (int t = 0; t < 500; ++t) {
        const int n = 1 + t % 15;
        std::vector<double> r(n), w(n * kLanes, 0.0), inv(n * kLanes), mss(n * kLanes), mh(n * kLanes),
            x((n + 2) * kLanes, 0.0);
        const double k[kLanes] = {0.3 * u01(rng), 0.2 * u01(rng), 0.05 * u01(rng), 0.0};
        for (int i = 0; i < n; ++i) {
            r[i] = 1.0 + 30.0 * u01(rng);
            for (int c = 0; c < 3; ++c) {
                w[i * kLanes + c] = 1e3 * u01(rng);
                x[i * kLanes + c] = 1e2 * u01(rng);
                mh[i * kLanes + c] = 1e2 * u01(rng);
            }
        }
        const double h = 1.0;
        std::vector<double> gs(n * kLanes);
        steady_cells(n, r.data(), k, w.data(), inv.data(), mss.data(), gs.data());
        const bool use[kLanes] = {true, t % 3 != 0, t % 5 != 0, false};
        std::vector<double> x0 = x;
        // with the g_i of steady_cells and with them formed inside: the same bits
        std::vector<double> x_formed = x;
        end_interval(n, r.data(), k, inv.data(), gs.data(), h, mss.data(), mh.data(), use, x.data());
        end_interval(n, r.data(), k, inv.data(), nullptr, h, mss.data(), mh.data(), use, x_formed.data());
        CHECK(x_formed == x);
        // the scalar recurrences, one constituent at a time; tolerance none (the same IEEE operations in the same
        // order, no fused multiply-add in either build)
        for (int c = 0; c < 3; ++c) {
            double above = 0.0, above_y = 0.0, integral = 0.0, all = 0.0;
            double worst_t = 0.0;  // the mass flows r_i M_i carried on the chain against r_i times the cell's mass
            for (int i = 0; i < n; ++i) {
                const double iv = 1.0 / (r[i] + k[c]), g = r[i] * iv, wi = w[i * kLanes + c];
                const double m = (above + wi) * iv;
                CHECK(inv[i * kLanes + c] == iv);
                CHECK(mss[i * kLanes + c] == m);
                CHECK(gs[i * kLanes + c] == g);
                above = g * above + g * wi;
                worst_t = std::max(worst_t, std::abs(above - r[i] * m) / (r[i] * m));
                const double dm = mh[i * kLanes + c] - x0[i * kLanes + c];
                const double y = (above_y - dm) * iv;
                integral = m * h + y;
                above_y = g * above_y - g * dm;
                all += integral;
            }
            // g (T + W) formed as g T + g W: two roundings more than r_i M_i, which compound along at most 15 cells
            CHECK(worst_t < 1e-14);
            for (int i = 0; i < n; ++i) CHECK(x[i * kLanes + c] == (use[c] ? mh[i * kLanes + c] : x0[i * kLanes + c]));
            CHECK(x[n * kLanes + c] == (use[c] ? r[n - 1] * integral : 0.0));
            CHECK(x[(n + 1) * kLanes + c] == (use[c] ? k[c] * all : 0.0));
        }
    }
}

TEST_CASE("exp and ln on lanes and the cells' velocities agree with the library to a few units in the last place",
          "[dynamic][kernels]") {
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    // ln over 1e-12 .. 1e12 (flows), including powers of two and their neighbours (the reduction's edges); exp over
    // -700 .. 700 (the range the kernel takes)
    double worst_ln = 0.0, worst_exp = 0.0;
    for (int t = 0; t < 20000; ++t) {
        Quad q[kGroups], x[kGroups], lq[kGroups], ex[kGroups];
        for (int g = 0; g < kGroups; ++g)
            for (int l = 0; l < 4; ++l) {
                const int k = t * 12 + g * 4 + l;
                q[g][l] = k % 5 == 0 ? std::ldexp(1.0, k % 80 - 40) * (k % 2 ? 1.0 + 2e-16 : 1.0 - 1e-16)
                                     : std::pow(10.0, -12.0 + 24.0 * u01(rng));
                x[g][l] = -700.0 + 1400.0 * u01(rng);
            }
        ln_quads(q, lq);
        exp_quads(x, ex);
        for (int g = 0; g < kGroups; ++g)
            for (int l = 0; l < 4; ++l) {
                const double want_ln = std::log(q[g][l]);
                // absolute error against |ln q| + 1: ln q near 0 (q near 1) has no relative precision to keep
                worst_ln = std::max(worst_ln, std::abs(lq[g][l] - want_ln) / (std::abs(want_ln) + 1.0));
                const double want_exp = std::exp(x[g][l]);
                worst_exp = std::max(worst_exp, std::abs(ex[g][l] - want_exp) / want_exp);
            }
    }
    // tolerance 4 units in the last place (2^-52 = 2.2e-16 each): the library is correct to within half of one, the
    // kernels' reductions and polynomials add a few roundings
    CHECK(worst_ln < 4 * 2.2205e-16);
    CHECK(worst_exp < 4 * 2.2205e-16);
    WARN("ln on lanes: " << worst_ln << ", exp on lanes: " << worst_exp << " (relative)");

    // The velocities of a reach's cells against the same formula with the library's exp and log (PowerVelocity's
    // scalar form, which the solver used before): hydraulic geometry and Manning, 1 to 15 cells, one flow out of range
    // (not a normal number) among them, which takes the library's path
    double worst_u = 0.0;
    for (int t = 0; t < 3000; ++t) {
        const hydro::Hydraulics h = t % 2 ? hydro::Hydraulics::geometry(0.05 + u01(rng), 0.9 * u01(rng))
                                          : hydro::Hydraulics::manning(0.02 + 0.05 * u01(rng), 1e-4 + 0.01 * u01(rng), 5.0 + 200 * u01(rng));
        const PowerVelocity v(h);
        const int n = 1 + t % 15;
        std::vector<double> q(24, 1.0), u(24, 0.0);
        for (int i = 0; i < n; ++i) q[i] = std::pow(10.0, -3.0 + 7.0 * u01(rng));
        if (t % 100 == 7) q[n - 1] = 1e-310;
        v.lanes(n, q.data(), u.data());
        for (int i = 0; i < n; ++i) worst_u = std::max(worst_u, std::abs(u[i] / v(q[i]) - 1.0));
    }
    // u = e^{ln c + e ln Q}: ln Q off by a few ulp of |ln Q| <= 16 here, times e < 1, moves the argument by up to
    // ~4 x 2.2e-16 x 16 = 1.4e-14, which is the relative error of u; exp adds a few ulp
    CHECK(worst_u < 2e-14);
    WARN("velocities on lanes against the library's exp and log: " << worst_u << " (relative)");

    // a trapezoid has no power law: its cells take the hydraulics' own velocity, the same bits
    const hydro::Hydraulics trap = hydro::Hydraulics::trapezoid(0.03, 0.001, 8.0, 1.5, 0.5);
    const PowerVelocity vt(trap);
    std::vector<double> q(8, 1.0), u(8, 0.0);
    for (int i = 0; i < 5; ++i) q[i] = std::pow(10.0, -2.0 + i);
    vt.lanes(5, q.data(), u.data());
    for (int i = 0; i < 5; ++i) {
        CHECK(u[i] == trap.velocity(q[i]));
        CHECK(vt(q[i]) == trap.velocity(q[i]));
    }
}

TEST_CASE("the exact series gives the same bits two cells to a register as one, with or without absolute values in its norm",
          "[dynamic][kernels]") {
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    std::vector<double> work;
    int compared = 0, split = 0, one_signed_compared = 0;
    for (int t = 0; t < 3000; ++t) {
        const int n = 1 + t % 13;  // odd and even counts (the wide kernel pads odd ones to a pair)
        // rates from nearly equal to spread, L h from below 1 to above kMaxSeriesRate (split into parts)
        const double base = t % 7 == 0 ? 700.0 * (1.0 + u01(rng)) : 40.0 * u01(rng) + 0.5;
        const double spread = t % 3 == 0 ? 1e-3 : 0.5;
        std::vector<double> r(n), mss(n * kLanes, 0.0), m0(n * kLanes, 0.0);
        // d = M0 - M_ss of one sign in every cell for each constituent in every third series (the 512-bit kernel then
        // sums the norm without absolute values): all above, all below, or mixed by constituent
        const bool one_signed = t % 3 == 1;
        for (int i = 0; i < n; ++i) {
            r[i] = base * (1.0 + spread * u01(rng));
            for (int c = 0; c < 3; ++c) {
                mss[i * kLanes + c] = 1e3 * u01(rng);
                // one constituent at its steady state in some cases (how a caller leaves a lane out)
                if (t % 5 == 0 && c == 1)
                    m0[i * kLanes + c] = mss[i * kLanes + c];
                else if (one_signed)
                    m0[i * kLanes + c] = mss[i * kLanes + c] * (((t / 3 + c) % 2 == 0) ? 1.0 + u01(rng) : u01(rng));
                else
                    m0[i * kLanes + c] = 1e3 * u01(rng);
            }
        }
        const double k[kLanes] = {0.3 * u01(rng), 0.1 * u01(rng), 0.02 * u01(rng), 0.0};
        const double ekh[kLanes] = {std::exp(-k[0]), std::exp(-k[1]), std::exp(-k[2]), 1.0};
        split += base > kMaxSeriesRate;
        std::vector<double> m2 = m0, m5 = m0, mg = m0;
        const double r_max = *std::max_element(r.begin(), r.end());
        exact_transient(n, r.data(), r_max, k, ekh, 1.0, mss.data(), m2.data(), work, 1e-13, SeriesKernel::Avx2);
        exact_transient(n, r.data(), r_max, k, ekh, 1.0, mss.data(), m5.data(), work, 1e-13, SeriesKernel::Avx512);
        exact_transient(n, r.data(), r_max, k, ekh, 1.0, mss.data(), mg.data(), work, 1e-13, SeriesKernel::Generic);
        for (int i = 0; i < n * kLanes; ++i) {
            // tolerance none where the processor has both: the same terms lane by lane (up to 12 cells the wide kernel
            // sums the stopping norm in another order, which could move the stop by a term at the tolerance's edge; on
            // these 3,000 series it never does)
            if (has_avx512()) CHECK(m5[i] == m2[i]);
            one_signed_compared += one_signed;
            // the generic build rounds each product (no fused multiply-add): within 1e-12 of the masses
            const double scale = std::abs(mss[i]) + std::abs(m0[i]) + 1e-300;
            CHECK(std::abs(mg[i] - m2[i]) <= 1e-12 * scale);
            ++compared;
        }
    }
    CHECK(compared > 50000);
    CHECK(one_signed_compared > 15000);
    CHECK(split > 300);
}
