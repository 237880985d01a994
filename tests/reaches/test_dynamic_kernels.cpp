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
        steady_cells(n, r.data(), k, w.data(), inv.data(), mss.data());
        const bool use[kLanes] = {true, t % 3 != 0, t % 5 != 0, false};
        std::vector<double> x0 = x;
        end_interval(n, r.data(), k, inv.data(), h, mss.data(), mh.data(), use, x.data());
        // the scalar recurrences, one constituent at a time; tolerance none (the same IEEE operations in the same
        // order, no fused multiply-add in either build)
        for (int c = 0; c < 3; ++c) {
            double above = 0.0, above_y = 0.0, integral = 0.0, all = 0.0;
            for (int i = 0; i < n; ++i) {
                const double iv = 1.0 / (r[i] + k[c]);
                const double m = (above + w[i * kLanes + c]) * iv;
                CHECK(inv[i * kLanes + c] == iv);
                CHECK(mss[i * kLanes + c] == m);
                above = r[i] * m;
                const double y = (above_y - (mh[i * kLanes + c] - x0[i * kLanes + c])) * iv;
                integral = m * h + y;
                above_y = r[i] * y;
                all += integral;
            }
            for (int i = 0; i < n; ++i) CHECK(x[i * kLanes + c] == (use[c] ? mh[i * kLanes + c] : x0[i * kLanes + c]));
            CHECK(x[n * kLanes + c] == (use[c] ? r[n - 1] * integral : 0.0));
            CHECK(x[(n + 1) * kLanes + c] == (use[c] ? k[c] * all : 0.0));
        }
    }
}
