// QUAL2K's dispersion between completely mixed elements (reaches/steady_wq_chain.hpp) on networks built here: a
// first-order species against the tridiagonal closed form across three reaches, the full kinetics against the element
// equations written out in the test, and chains broken where water does not pass only from one reach to the next.
// (tests/reaches/test_qual2kw.cpp holds it against QUAL2Kw itself.)
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "common/error.hpp"
#include "reaches/kinetics_series.hpp"
#include "reaches/steady_wq.hpp"
#include "tests/common/wq_waters.hpp"

using namespace qingliu;
using namespace qingliu::reaches;
using namespace qingliu::reaches::wq;

namespace {

// A (4 km, 4 elements) -> B (3 km, 2 elements, lateral inflow 1 m3/s) -> C (6 km, 3 elements, a source of 2 m3/s at
// 1 km): 10 m3/s of clean river water at A's head, u = 0.4 Q^0.3, H = 0.5 Q^0.4; each reach's own dispersion (m2/s).
// An observation at every element's centre reports its concentration.
struct Chain3 {
    Network net;
    ReachData data;
    std::vector<Input> in;
    std::vector<Observation> obs;
    Options opt;
    hydro::Hydraulics h = hydro::Hydraulics::geometry(0.4, 0.3, 0.5, 0.4);
    double len[3] = {4000.0, 3000.0, 6000.0};
    int n[3] = {4, 2, 3};
};

Chain3 chain3(const Parameters& p, const double (&dispersion)[3]) {
    Chain3 k;
    NetworkBuilder b;
    b.add(test::wq_reach("A", "B", 4.0, k.h, 10.0));
    auto rb = test::wq_reach("B", "C", 3.0, k.h);
    rb.lateral_flow_m3s = 1.0;
    b.add(rb);
    b.add(test::wq_reach("C", "", 6.0, k.h));
    k.net = b.finish();
    const double os = do_saturation_mgL(20.0);
    k.data = ReachData::sized(3);
    for (int r = 0; r < 3; ++r) k.data.headwater_conc_mgL[r] = k.data.lateral_conc_mgL[r] = test::river(os);
    k.data.elements = {4, 2, 3};
    k.data.dispersion_m2s = {dispersion[0], dispersion[1], dispersion[2]};
    k.in = {{2, 1000.0, -1.0, 2.0, test::loads(test::sewage(), 2.0), 0}};
    for (int r = 0; r < 3; ++r)
        for (int j = 0; j < k.n[r]; ++j) k.obs.push_back({r, k.len[r] / k.n[r] * (j + 0.5), static_cast<std::int32_t>(k.obs.size())});
    k.opt.params = p;
    k.opt.temperature_c = 20.0;
    return k;
}

// The elements in order: outflow, volume, loads entering, exchange with the next (QUAL2K's:
// max(E - u dx / 2, 0) A / ((dx + dx_next) / 2), 0 after the last), each written out here
struct Elem {
    std::int32_t r;
    double q, u, v, dx, ep = 0.0;
    State w{};
};
std::vector<Elem> elements_of(const Chain3& k) {
    std::vector<Elem> e;
    double q = 10.0;
    for (int r = 0; r < 3; ++r) {
        const double dx = k.len[r] / k.n[r];
        for (int j = 0; j < k.n[r]; ++j) {
            Elem x{r, q, 0.0, 0.0, dx};
            if (r == 1) {  // the lateral inflow, shared by length
                x.q += 1.0 / k.n[r];
                for (int s = 0; s < kNumSpecies; ++s) x.w[s] += 1.0 / k.n[r] * k.data.lateral_conc_mgL[r][s];
            }
            if (r == 2 && j == 0) {  // the source at 1 km lies in C's first element (0-2 km)
                x.q += 2.0;
                x.w = test::loads(test::sewage(), 2.0);
            }
            q = x.q;
            x.u = 0.4 * std::pow(q, 0.3);
            x.v = q / x.u * dx;
            e.push_back(x);
        }
    }
    for (std::size_t i = 0; i + 1 < e.size(); ++i) {
        const double disp = k.data.dispersion_m2s[e[i].r];
        e[i].ep = std::max(disp - 0.5 * e[i].u * e[i].dx, 0.0) * (e[i].q / e[i].u) / (0.5 * (e[i].dx + e[i + 1].dx));
    }
    return e;
}

// QUAL2K's exchange with the headwater: a made-up element above the first, A's first element at the headwater flow (10
// m3/s, all of A's first element's), of its length
double headwater_ep(const std::vector<Elem>& e, double disp0) {
    return std::max(disp0 - 0.5 * e[0].u * e[0].dx, 0.0) * (e[0].q / e[0].u) / e[0].dx;
}

}  // namespace

TEST_CASE("dispersion between elements: a first-order species against the tridiagonal closed form over three reaches",
          "[steady_wq][dispersion][analytical]") {
    // Every process off but COD's decay (0.5 1/d at 20 degC, no oxygen use) and organic P kept conservative: at steady
    // state COD obeys, element by element,
    //   -(Q_{i-1} + Ep_{i-1}) c_{i-1} + (Q_i + Ep_{i-1} + Ep_i + k V_i) c_i - Ep_i c_{i+1} = W_i
    // (Q_{-1} c_{-1} the headwater load, Ep_{-1} the exchange with the headwater, QUAL2K's made-up element above the
    // first with its hydraulics at the headwater flow, c_{-1} there the headwater's), solved here by the Thomas
    // algorithm. Dispersions 2000, 3000 and 1000 m2/s give exchanges of up to 21 m3/s against 10-13 m3/s of flow,
    // across both reach boundaries. 1e-12 relative.
    Parameters p = Parameters::defaults();
    for (double Parameters::*f : {&Parameters::cbod_k20_per_d, &Parameters::cbod_settling_m_d, &Parameters::codmn_k20_per_d,
                                  &Parameters::orgn_hydrolysis_k20_per_d, &Parameters::orgn_settling_m_d,
                                  &Parameters::nitrification_k20_per_d, &Parameters::denitrification_k20_per_d,
                                  &Parameters::orgp_hydrolysis_k20_per_d, &Parameters::orgp_settling_m_d,
                                  &Parameters::ip_settling_m_d})
        p.*f = 0.0;
    p.cod_k20_per_d = 0.5;
    const double disp[3] = {2000.0, 3000.0, 1000.0};
    const Chain3 k = chain3(p, disp);
    const Result res = solve_steady_wq(k.net, k.data, k.in, k.obs, k.opt);
    const std::vector<Elem> e = elements_of(k);
    REQUIRE(e.size() == k.obs.size());
    const std::size_t n = e.size();
    const double kd = 0.5 / 86400.0;
    const double ep_top = headwater_ep(e, disp[0]);
    // ep_bottom: the last element's exchange with a downstream boundary of COD c_bottom (0: none)
    const auto closed_form = [&](double ep_bottom, double c_bottom) {
        std::vector<double> lo(n), di(n), up(n), rhs(n);
        for (std::size_t i = 0; i < n; ++i) {
            const double ep_up = i > 0 ? e[i - 1].ep : ep_top;
            lo[i] = i > 0 ? -(e[i - 1].q + ep_up) : 0.0;
            di[i] = e[i].q + ep_up + e[i].ep + kd * e[i].v + (i + 1 == n ? ep_bottom : 0.0);
            up[i] = -e[i].ep;
            rhs[i] = e[i].w[COD] + (i == 0 ? (10.0 + ep_top) * k.data.headwater_conc_mgL[0][COD] : 0.0) +
                     (i + 1 == n ? ep_bottom * c_bottom : 0.0);
        }
        for (std::size_t i = 1; i < n; ++i) {  // Thomas
            const double m = lo[i] / di[i - 1];
            di[i] -= m * up[i - 1];
            rhs[i] -= m * rhs[i - 1];
        }
        std::vector<double> c(n);
        for (std::size_t i = n; i-- > 0;) c[i] = (rhs[i] - (i + 1 < n ? up[i] * c[i + 1] : 0.0)) / di[i];
        return c;
    };
    const std::vector<double> c = closed_form(0.0, 0.0);
    double exchanged = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        INFO("element " << i);
        CHECK(res.obs_conc_mgL[i][COD] == Approx(c[i]).epsilon(1e-12));
        exchanged = std::max(exchanged, e[i].ep);
    }
    CHECK(exchanged > 15.0);  // the exchange is not a rounding of the flows
    CHECK(ep_top > 5.0);      // nor the headwater's
    // organic P is conservative here: all that enters leaves at the outlet, and every reach's budget closes
    CHECK(res.outlet_load_gs[OrgP] == Approx(res.total_input_gs[OrgP]).epsilon(1e-13));
    CHECK(res.max_reach_imbalance < 1e-12);
    // and without the exchange the elements above the source do not see it
    ReachData plain = k.data;
    plain.dispersion_m2s.clear();
    const Result r0 = solve_steady_wq(k.net, plain, k.in, k.obs, k.opt);
    CHECK(res.obs_conc_mgL[5][COD] > r0.obs_conc_mgL[5][COD] * 1.05);  // B's last element, above C's source

    // QUAL2K's downstream boundary below C (the outlet): its last element exchanges ep_bottom (c_b - c) with water of
    // COD 80 mg/L, ep_bottom = max(E - u dx / 2, 0) A / dx (QUAL2K's made-up element below the last has its length):
    // the same closed form with that term, 1e-12; organic P (0.1 mg/L below) still leaves as it came in, the
    // boundary's exchange counted as C's input
    ReachData below = k.data;
    below.downstream_boundary = {0, 0, 1};
    below.downstream_conc_mgL.assign(3, State{});
    below.downstream_conc_mgL[2][COD] = 80.0;
    below.downstream_conc_mgL[2][OrgP] = 0.1;
    const Elem& last = e.back();
    const double ep_bottom = std::max(disp[2] - 0.5 * last.u * last.dx, 0.0) * (last.q / last.u) / last.dx;
    const Result rb = solve_steady_wq(k.net, below, k.in, k.obs, k.opt);
    const std::vector<double> cb = closed_form(ep_bottom, 80.0);
    for (std::size_t i = 0; i < n; ++i) {
        INFO("element " << i << " with the downstream boundary");
        CHECK(rb.obs_conc_mgL[i][COD] == Approx(cb[i]).epsilon(1e-12));
    }
    CHECK(ep_bottom > 0.5);
    CHECK(cb[n - 1] > c[n - 1] + 1.0);  // the boundary matters
    CHECK(rb.outlet_load_gs[OrgP] == Approx(rb.total_input_gs[OrgP]).epsilon(1e-13));
    CHECK(rb.max_reach_imbalance < 1e-12);
}

TEST_CASE("dispersion between elements with the full kinetics satisfies QUAL2K's element equations",
          "[steady_wq][dispersion][analytical]") {
    // The default kinetics with QUAL2K's oxygen gates, SOD 2 g/m2/d: the residual of every element's equation,
    //   (Q_{i-1} + Ep_{i-1}) c_{i-1} - (Q_i + Ep_{i-1} + Ep_i) c_i + Ep_i c_{i+1} + W_i + V_i S(c_i) / 86400
    // (the first's Q_{-1} + Ep_{-1} with the headwater's concentration, Ep_{-1} the headwater's exchange),
    // with S from each element's own process table (reach_environment, KineticsAt), below 1e-12 of its throughflow
    // times its species' largest value; N and P balances and every reach's budget closed.
    Parameters p = Parameters::defaults();
    p.sod_g_m2_d = 2.0;
    const double disp[3] = {2000.0, 3000.0, 1000.0};
    const Chain3 k = chain3(p, disp);
    const Result res = solve_steady_wq(k.net, k.data, k.in, k.obs, k.opt);
    const std::vector<Elem> e = elements_of(k);
    const KineticsAt kin(p, 20.0);
    State scale{};
    for (const State& c : res.obs_conc_mgL)
        for (int s = 0; s < kNumSpecies; ++s) scale[s] = std::max(scale[s], std::abs(c[s]));
    double worst = 0.0;
    const double ep_top = headwater_ep(e, disp[0]);
    for (std::size_t i = 0; i < e.size(); ++i) {
        double u = 0.0;
        const Environment env = reach_environment(k.net, k.data, k.opt, e[i].r, e[i].q, u);
        CHECK(u == Approx(e[i].u).epsilon(1e-14));
        const State s = derivative_at(p, kin.table(env), res.obs_conc_mgL[i]);
        const double ep_up = i > 0 ? e[i - 1].ep : ep_top, through = e[i].q + ep_up + e[i].ep;
        for (int sp = 0; sp < kNumSpecies; ++sp) {
            const double in = i == 0 ? (10.0 + ep_top) * k.data.headwater_conc_mgL[0][sp]
                                     : (e[i - 1].q + ep_up) * res.obs_conc_mgL[i - 1][sp];
            const double down = i + 1 < e.size() ? e[i].ep * res.obs_conc_mgL[i + 1][sp] : 0.0;
            const double r = in - through * res.obs_conc_mgL[i][sp] + down + e[i].w[sp] + e[i].v / 86400.0 * s[sp];
            worst = std::max(worst, std::abs(r) / (through * scale[sp]));
        }
    }
    CHECK(worst < 1e-12);
    WARN("largest residual of the element equations: " << worst);
    CHECK(res.max_reach_imbalance < 1e-12);
    // N: inputs = outlet + settled organic N + denitrified (a first check of the budget's processes)
    const double n_in = res.total_input_gs[OrgN] + res.total_input_gs[NH3N] + res.total_input_gs[NO3N];
    const double n_out = res.outlet_load_gs[OrgN] + res.outlet_load_gs[NH3N] + res.outlet_load_gs[NO3N];
    CHECK(n_in - n_out == Approx(res.total_processed_gs[OrgNSettling] + res.total_processed_gs[Denitrification]).epsilon(1e-10));
    CHECK(res.obs_conc_mgL[4][DO] < 0.99 * do_saturation_mgL(20.0));  // the sewage's oxygen demand shows
}

TEST_CASE("dispersion chains end at junctions, splits and weirs; QUAL2K's dispersion needs a slope", "[steady_wq][dispersion]") {
    // The junction-and-split case in two elements a reach, each with a dispersion of 3000 m2/s: every reach its own
    // chain (C takes A and B, D takes C and E, C splits and has a weir), the budgets closed; C's elements exchange.
    test::JunctionSplitCase k = test::junction_split_case(hydro::Hydraulics::geometry(0.3, 0.4, 0.4, 0.45));
    k.data.elements.assign(5, 2);
    Options opt;
    opt.temperature_c = 19.0;
    const Result without = solve_steady_wq(k.net, k.data, k.in, k.obs, opt);
    k.data.dispersion_m2s.assign(5, 3000.0);
    const Result with = solve_steady_wq(k.net, k.data, k.in, k.obs, opt);
    CHECK(with.max_reach_imbalance < 1e-12);
    const double n_in = with.total_input_gs[OrgN] + with.total_input_gs[NH3N] + with.total_input_gs[NO3N];
    const double n_out = with.outlet_load_gs[OrgN] + with.outlet_load_gs[NH3N] + with.outlet_load_gs[NO3N];
    CHECK(n_in - n_out == Approx(with.total_processed_gs[OrgNSettling] + with.total_processed_gs[Denitrification]).epsilon(1e-10));
    CHECK(std::abs(with.obs_conc_mgL[0][NH3N] - without.obs_conc_mgL[0][NH3N]) > 1e-6);
    // without a slope QUAL2K's formula has no shear velocity: the reach is named
    k.data.dispersion_m2s.clear();
    opt.dispersion = Dispersion::Qual2k;
    REQUIRE_THROWS_WITH(solve_steady_wq(k.net, k.data, k.in, k.obs, opt), Catch::Contains("reach A") && Catch::Contains("slope"));
}

TEST_CASE("a dispersive chain without water somewhere is marched as without dispersion", "[steady_wq][dispersion]") {
    // X has no flow (a dry headwater, no load) and feeds Y, which gains 1 m3/s along it: no exchange is defined where
    // there is no water, so the chain is solved as elements without exchange, the same numbers as with none
    NetworkBuilder b;
    b.add(test::wq_reach("X", "Y", 2.0, hydro::Hydraulics::geometry(0.4, 0.3, 0.5, 0.4), 0.0));
    auto y = test::wq_reach("Y", "", 5.0, hydro::Hydraulics::geometry(0.4, 0.3, 0.5, 0.4));
    y.lateral_flow_m3s = 1.0;
    b.add(y);
    const Network net = b.finish();
    ReachData d = ReachData::sized(2);
    d.lateral_conc_mgL[1] = test::river(do_saturation_mgL(20.0));
    d.elements = {2, 3};
    const std::vector<Observation> obs = {{1, 4000.0, 0}};
    Options opt;
    const Result plain = solve_steady_wq(net, d, {}, obs, opt);
    d.dispersion_m2s = {5000.0, 5000.0};
    const Result with = solve_steady_wq(net, d, {}, obs, opt);
    for (int s = 0; s < kNumSpecies; ++s) CHECK(with.obs_conc_mgL[0][s] == plain.obs_conc_mgL[0][s]);
    CHECK(with.max_reach_imbalance < 1e-12);
}
