// The water-quality solve limited to the reaches downstream of changed inputs (analyses/wq_downstream.hpp) against
// the full solve of the same problem, on a synthetic network with side channels and transfers, random changes of
// loads and flows, with oxygen effects (the solver's full model) and as QUAL2K elements; and the water-quality sweep
// built on it against full solves of random scenarios, outfall closures included.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include "analyses/water_quality_sweep.hpp"
#include "analyses/wq_downstream.hpp"
#include "bench/synthetic.hpp"
#include "common/error.hpp"
#include "reaches/steady.hpp"

using namespace qingliu;
using namespace qingliu::scenarios;
namespace wq = qingliu::reaches::wq;

namespace {

double u01(std::mt19937_64& g) { return static_cast<double>(g() >> 11) * 0x1.0p-53; }

// A synthetic case with side channels and a few transfers between distant reaches; reaches 1 m deep.
CaseModel network_with_transfers(std::size_t reaches, std::uint64_t seed) {
    bench::SyntheticSpec spec;
    spec.reaches = reaches;
    spec.sources = reaches / 4;
    spec.sections = reaches / 25;
    spec.side_channels = reaches / 60;
    spec.seed = seed;
    CaseModel m = bench::make_synthetic(spec);
    const auto flows = reaches::steady_flows(m.net, point_inputs(m));
    std::mt19937_64 g(seed + 7);
    int added = 0;
    for (int tries = 0; added < 6 && tries < 1000; ++tries) {
        const auto from = static_cast<std::int32_t>(g() % m.net.size()), to = static_cast<std::int32_t>(g() % m.net.size());
        if (from == to || flows.flow_out_m3s[from] < 1.0) continue;
        Measure t;
        t.kind = MeasureKind::Transfer;
        t.from = from;
        t.to = to;
        t.value = 0.1 * flows.flow_out_m3s[from];
        CaseModel next = m;
        try {
            apply_measure(next, t);  // throws for a transfer that would close a cycle
        } catch (const ModelError&) {
            continue;
        }
        m = std::move(next);
        ++added;
    }
    REQUIRE(added == 6);
    return m;
}

WaterQualityOptions one_metre() {
    WaterQualityOptions o;  // QUAL2K's oxygen effects on: the full, nonlinear model
    o.default_depth_m = 1.0;
    return o;
}

double rel(double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1e-6); }

}  // namespace

TEST_CASE("the solve limited to the reaches downstream of changed inputs equals the full solve", "[water_quality][sweep]") {
    const CaseModel m = network_with_transfers(1500, 17);
    for (const bool elements : {false, true}) {
        INFO((elements ? "QUAL2K elements, 2 per reach" : "plug flow"));
        WaterQualityProblem p = water_quality_problem(m, one_metre());
        if (elements) p.data.elements.assign(p.net.size(), 2);
        const wq::Result base = solve_water_quality(p);
        const DownstreamSolve limited(p.net);
        std::mt19937_64 g(elements ? 3 : 4);
        double worst = 0.0;
        std::size_t changed_sections = 0, kept_sections = 0, solved = 0;
        for (int trial = 0; trial < 12; ++trial) {
            // 1 to 3 inputs: loads scaled by 0..2, and on every other trial the flow too
            WaterQualityProblem q = p;
            std::vector<std::int32_t> changed;
            const int k = 1 + static_cast<int>(g() % 3);
            for (int c = 0; c < k; ++c) {
                wq::Input& in = q.inputs[g() % q.inputs.size()];
                for (auto& l : in.load_gs) l *= 2.0 * u01(g);
                if (trial % 2 && in.flow_m3s > 0.0) in.flow_m3s *= 0.5 + u01(g);
                changed.push_back(in.reach);
            }
            std::size_t n_solved = 0;
            const std::vector<wq::State> got = limited.solve(p, q.inputs, changed, base, &n_solved);
            solved += n_solved;
            const std::vector<wq::State> full = solve_water_quality(q).obs_conc_mgL;
            const auto down = limited.downstream_of(changed);
            std::vector<char> in_down(p.net.size(), 0);
            for (const auto r : down) in_down[r] = 1;
            for (std::size_t s = 0; s < full.size(); ++s) {
                if (!in_down[q.observations[s].reach]) {
                    // upstream of every change: the base solution, exactly, and so is the full solve's
                    CHECK(got[s] == base.obs_conc_mgL[s]);
                    CHECK(full[s] == base.obs_conc_mgL[s]);
                    ++kept_sections;
                    continue;
                }
                for (int i = 0; i < wq::kNumSpecies; ++i) {
                    worst = std::max(worst, rel(got[s][i], full[s][i]));
                    if (rel(full[s][i], base.obs_conc_mgL[s][i]) > 1e-6) ++changed_sections;
                }
            }
        }
        // the same segments solved from the same inflows, the feeders' loads added in another order: rounding only
        // (observed ~1e-15); 1e-9 relative as the sweep's other tests
        INFO("largest relative difference " << worst << "; reaches solved " << solved << " of " << 12 * p.net.size());
        CHECK(worst < 1e-9);
        CHECK(changed_sections > 0);     // the changes reach sections downstream
        CHECK(kept_sections > 0);        // and leave sections upstream alone
        CHECK(solved < 12 * p.net.size());  // fewer reaches than full solves
        // with dispersion between the elements a change reaches upstream too: no limited solves then
        CHECK(DownstreamSolve::covers(p));
        WaterQualityProblem d = p;
        d.data.dispersion_m2s.assign(d.net.size(), 0.0);
        d.data.dispersion_m2s[0] = 500.0;
        CHECK(DownstreamSolve::covers(d) == !elements);
        d.data.dispersion_m2s.clear();
        d.steady.dispersion = wq::Dispersion::Qual2k;
        CHECK(DownstreamSolve::covers(d) == !elements);
    }
}

TEST_CASE("water-quality sweep on a network with splits and transfers: limited solves equal full solves",
          "[water_quality][sweep]") {
    const CaseModel m = network_with_transfers(1500, 23);
    WaterQualityOptions o = one_metre();
    o.steady.params.cbod_o2_effect = wq::O2Effect::None;  // the exact linear path
    o.steady.params.nitrification_o2_effect = wq::O2Effect::None;
    o.steady.params.denitrification_o2_effect = wq::O2Effect::None;
    const WqSweep sweep(m, o);
    REQUIRE(sweep.exact());
    REQUIRE(sweep.limited());
    std::vector<std::int32_t> outfalls;
    for (std::size_t j = 0; j < m.sources.size(); ++j)
        if (m.sources[j].flow_m3s > 0.0) outfalls.push_back(static_cast<std::int32_t>(j));
    REQUIRE(!outfalls.empty());
    std::mt19937_64 g(31);
    std::vector<Scenario> scen(30);
    for (std::size_t i = 0; i < scen.size(); ++i) {
        scen[i].id = "s" + std::to_string(i);
        for (int c = 0; c < 1 + static_cast<int>(g() % 4); ++c) {
            Measure x;
            x.kind = MeasureKind::SourceReduction;
            x.sources = {static_cast<std::int32_t>(g() % m.sources.size())};
            for (auto& r : x.removal) r = 0.9 * u01(g);
            scen[i].measures.push_back(x);
        }
        if (i % 3 == 2) {  // an outfall closed with its water: solved in full, limited to what lies downstream
            Measure x;
            x.kind = MeasureKind::Outfall;
            x.action = "close";
            x.sources = {outfalls[g() % outfalls.size()]};
            scen[i].measures.push_back(x);
        }
    }
    const auto got = sweep.evaluate(scen);
    double worst = 0.0;
    int full_path = 0;
    for (std::size_t i = 0; i < scen.size(); ++i) {
        const auto full = evaluate_water_quality(apply_scenario(m, scen[i]), o);
        if (!got[i].linear) ++full_path;
        for (std::size_t s = 0; s < full.sections.size(); ++s) {
            CHECK(got[i].sections[s].evaluation.overall == full.sections[s].evaluation.overall);
            for (std::size_t k = 0; k < full.sections[s].evaluation.items.size(); ++k)
                worst = std::max(worst, rel(got[i].sections[s].evaluation.items[k].value_mgL,
                                            full.sections[s].evaluation.items[k].value_mgL));
        }
    }
    // superposition of limited unit-load solves, and limited solves of closures: rounding only; 1e-9 relative
    INFO("largest relative difference " << worst);
    CHECK(worst < 1e-9);
    CHECK(full_path == 10);
    // every solve after the base one covered fewer reaches than the network
    INFO("reaches solved " << sweep.reaches_solved() << " in " << sweep.solves() << " solves");
    CHECK(sweep.solves() > 0);
    CHECK(sweep.reaches_solved() < sweep.solves() * m.net.size());
}
