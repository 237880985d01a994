// The exchange between reaches in pieces shorter than the forcing's intervals (DynamicOptions::exchange_step_d,
// reaches/dynamic_pieces.cpp): against the closed form of cells in series, and against the same run with the forcing
// itself split into the pieces.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <mutex>
#include <random>

#include "reaches/dynamic.hpp"
#include "tests/common/case_builders.hpp"

using namespace qingliu;
using namespace qingliu::reaches;

namespace {

double rel(double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1e-300); }

// Three reaches of one cell in series, 5.4 km at 0.5 m/s (r = Q / V = 8 per day: water stays 3 hours in each), no
// background; a source of W g/s of COD enters R1 from t = 0, the cells empty then; COD decays at k per day.
struct Chain {
    Network net;
    std::vector<PointInput> in{{0, 0.0, -1.0, 0.0, {50.0, 0.0, 0.0}, 0}};
    std::vector<Observation> obs{{2, 5400.0, 0}};
    DynamicForcing f;
    DynamicOptions opt;
    static constexpr double q = 2.0, r = 8.0, k = 0.3;
    Chain() {
        NetworkBuilder b;
        for (int i = 0; i < 3; ++i)
            b.add(test::reach("R" + std::to_string(i + 1), "r", i < 2 ? "R" + std::to_string(i + 2) : "", 5.4,
                              hydro::Hydraulics::constant(0.5), i == 0 ? q : 0.0, {0.0, 0.0, 0.0}));
        net = b.finish();
        f.steps = 3;
        f.k_per_d = {{k, 0.0, 0.0}};
        opt.cells = {1, 1, 1};
        opt.start = DynamicStart::Empty;
    }
    // R3's COD at time t (days), closed form: with lam = r + k, M1' = W - lam M1, M2' = r M1 - lam M2,
    // M3' = r M2 - lam M3 from empty cells give M3 = W r^2 / lam^3 (1 - e^{-lam t}(1 + lam t + (lam t)^2 / 2)), and
    // C3 = M3 / V with V = Q / r (per day).
    double c3(double t) const {
        const double lam = r + k, x = lam * t, w = 50.0 * 86400.0;  // g/d
        const double m3 = w * r * r / (lam * lam * lam) * (1.0 - std::exp(-x) * (1.0 + x + x * x / 2.0));
        return m3 / (q * 86400.0 / r) ;  // g/m3
    }
};

}  // namespace

TEST_CASE("pieces of the exchange between reaches converge to the closed form of cells in series", "[dynamic][analytical]") {
    Chain ch;
    double err_prev = 0.0;
    for (const double step : {0.0, 1.0 / 8.0, 1.0 / 64.0}) {
        ch.opt.exchange_step_d = step;
        CHECK(exchange_pieces(ch.f, ch.opt) == (step == 0.0 ? 1u : static_cast<std::size_t>(std::lround(1.0 / step))));
        const DynamicResult res = solve_dynamic(ch.net, ch.in, ch.obs, ch.f, ch.opt);
        REQUIRE(res.steps == 3);
        double err = 0.0;
        for (std::size_t d = 0; d < 3; ++d) err = std::max(err, rel(res.conc(d, 0, 0), ch.c3(d + 1.0)));
        char msg[120];
        std::snprintf(msg, sizeof msg, "exchange step %.6g: largest relative error of R3's end-of-day sample %.7f", step, err);
        INFO(msg);
        if (step == 0.0) {
            // one piece a day: R2 and R3 take the day's mean inflow from the day's start, so the first day's sample
            // (the transient of 9 hours of travel) is well off, by the share of the day the water took to come
            CHECK(err > 0.05);
        } else {
            // what is left is the lag of the pieces alone (the series is exact), and it falls faster than the piece:
            // measured 0.218 (one piece), 1.45e-3 (1/8 d), 2.1e-5 (1/64 d): the sample lags by the transient still
            // alive a piece before the day's end, which dies as e^{-lam t}. Asserted with a factor of 2 to spare.
            CHECK(err < (step == 0.125 ? 3e-3 : err_prev / 30.0));
        }
        err_prev = err;
        CHECK(res.max_reach_imbalance < 1e-12);  // the mass between reaches exact in every piece
        CHECK(res.network_imbalance < 1e-12);
    }
}

TEST_CASE("pieces give what the forcing split into pieces gives, put back on its intervals", "[dynamic][balance]") {
    // A small tree with a tributary, daily flows, loads and rates; the run with exchange_step_d = 1/4 against the
    // run of the forcing written out in quarter days: reach ends the flow-weighted mean of the four quarters, sections
    // the last quarter's sample, budgets the same.
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    NetworkBuilder b;
    b.add(test::reach("A", "r", "C", 12, hydro::Hydraulics::constant(0.4), 3.0, {8, 0.2, 0.05}));
    b.add(test::reach("B", "r", "C", 6, hydro::Hydraulics::geometry(0.3, 0.2, 0.3, 0.4), 1.0, {6, 0.1, 0.04}));
    b.add(test::reach("C", "r", "", 20, hydro::Hydraulics::constant(0.6), 0.0, {0, 0, 0}));
    const Network net = b.finish();
    const std::vector<PointInput> in{{0, 2000.0, -1.0, 0.1, {30.0, 3.0, 0.3}, 0}, {2, 5000.0, 15000.0, 0.0, {10.0, 1.0, 0.1}, 1}};
    const std::vector<Observation> obs{{2, 19000.0, 0}, {1, 3000.0, 1}};
    DynamicForcing f;
    f.steps = 20;
    std::vector<double> pat;
    for (std::size_t d = 0; d < f.steps; ++d) {
        f.flow.scale.push_back(0.5 + 1.5 * u01(rng));
        f.k_per_d.push_back({0.2 + 0.2 * u01(rng), 0.1 + 0.1 * u01(rng), 0.05});
        pat.push_back(2.0 * u01(rng));
    }
    f.load_patterns = {pat};
    f.input_pattern = {0, kNone};
    constexpr std::size_t kq = 4;
    DynamicForcing fine = f;
    fine.steps = f.steps * kq;
    fine.step_days = 0.25;
    fine.flow.scale.clear();
    fine.k_per_d.clear();
    fine.load_patterns = {{}};
    for (std::size_t d = 0; d < f.steps; ++d)
        for (std::size_t j = 0; j < kq; ++j) {
            fine.flow.scale.push_back(f.flow.scale[d]);
            fine.k_per_d.push_back(f.k_per_d[d]);
            fine.load_patterns[0].push_back(pat[d]);
        }
    DynamicOptions opt;
    opt.max_cells = 4;
    const DynamicResult ref = solve_dynamic(net, in, obs, fine, opt);
    opt.exchange_step_d = 0.25;
    std::mutex mu;
    std::vector<std::vector<float>> streamed(net.size());
    opt.reach_series = [&](std::int32_t r, const float* q, const float* c) {
        std::lock_guard<std::mutex> lock(mu);
        streamed[r].assign(q, q + f.steps);
        streamed[r].insert(streamed[r].end(), c, c + f.steps * kNumConstituents);
    };
    const DynamicResult res = solve_dynamic(net, in, obs, f, opt);
    REQUIRE(res.steps == f.steps);
    REQUIRE(res.step_days == 1.0);
    const std::size_t n = net.size();
    for (std::size_t d = 0; d < f.steps; ++d) {
        for (std::size_t r = 0; r < n; ++r) {
            double q = 0.0, m[kNumConstituents] = {};
            for (std::size_t j = 0; j < kq; ++j) {
                const std::size_t s = d * kq + j;
                q += ref.reach_flow_m3s[s * n + r];
                for (int c = 0; c < kNumConstituents; ++c) m[c] += ref.reach_flow_m3s[s * n + r] * ref.reach_conc_mgL[(s * n + r) * 3 + c];
            }
            // float storage of both runs' series: 2e-7 relative
            CHECK(rel(res.reach_flow_m3s[d * n + r], q / kq) < 2e-7);
            for (int c = 0; c < kNumConstituents; ++c) {
                CHECK(rel(res.reach_conc_mgL[(d * n + r) * 3 + c], m[c] / q) < 2e-7);
                CHECK(streamed[r][(1 + c) * f.steps + d] == res.reach_conc_mgL[(d * n + r) * 3 + c]);  // the same numbers
            }
            CHECK(streamed[r][d] == res.reach_flow_m3s[d * n + r]);
        }
        for (std::size_t o = 0; o < obs.size(); ++o) {
            const std::size_t last = d * kq + kq - 1;
            CHECK(res.obs_flow_m3s[d * obs.size() + o] == ref.obs_flow_m3s[last * obs.size() + o]);
            for (int c = 0; c < kNumConstituents; ++c) CHECK(res.conc(d, o, c) == ref.conc(last, o, c));  // the same solve
        }
    }
    for (int c = 0; c < kNumConstituents; ++c) {
        CHECK(res.input_g[c] == ref.input_g[c]);
        CHECK(res.outlet_g[c] == ref.outlet_g[c]);
        CHECK(res.decayed_g[c] == ref.decayed_g[c]);
    }
    CHECK(res.network_imbalance < 1e-12);
}

TEST_CASE("a forcing series too short is named as without pieces", "[dynamic][errors]") {
    Chain ch;
    ch.f.flow.scale = {1.0, 1.0};  // 2 of 3 intervals
    std::string whole, pieces;
    for (const double step : {0.0, 0.125}) {
        ch.opt.exchange_step_d = step;
        try {
            solve_dynamic(ch.net, ch.in, ch.obs, ch.f, ch.opt);
        } catch (const std::exception& e) {
            (step == 0.0 ? whole : pieces) = e.what();
        }
    }
    CHECK_FALSE(whole.empty());
    CHECK(pieces == whole);  // checked on the forcing as given, before it is split
}
