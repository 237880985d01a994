#include "analyses/water_quality_sweep.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "analyses/sweep.hpp"
#include "analyses/water_quality_apportion.hpp"
#include "reaches/wq_classes.hpp"

namespace qingliu::scenarios {

namespace wq = reaches::wq;

namespace {

bool same_hydraulics(const hydro::Hydraulics& a, const hydro::Hydraulics& b) {
    return a.kind == b.kind && a.velocity_ms == b.velocity_ms && a.a == b.a && a.b == b.b && a.c == b.c && a.d == b.d &&
           a.manning_n == b.manning_n && a.slope == b.slope && a.width_m == b.width_m && a.side_slope_1 == b.side_slope_1 &&
           a.side_slope_2 == b.side_slope_2;
}

// Everything of the network the water-quality problem reads except the sources: flows, inflow quality, hydraulics,
// lengths, splits and transfers.
bool same_network(const CaseModel& a, const CaseModel& b) {
    const reaches::Network &x = a.net, &y = b.net;
    if (x.size() != y.size() || x.length_m != y.length_m || x.headwater_flow_m3s != y.headwater_flow_m3s ||
        x.lateral_flow_m3s != y.lateral_flow_m3s || x.headwater_conc_mgL != y.headwater_conc_mgL ||
        x.lateral_conc_mgL != y.lateral_conc_mgL || a.headwater_given != b.headwater_given ||
        a.lateral_given != b.lateral_given || a.releases.size() != b.releases.size() || a.temperature_c != b.temperature_c ||
        a.sections.size() != b.sections.size())
        return false;
    for (std::size_t r = 0; r < x.size(); ++r)
        if (x.topo.downstream(r) != y.topo.downstream(r) || x.topo.split_to(r) != y.topo.split_to(r) ||
            x.topo.split_fraction(r) != y.topo.split_fraction(r) || !same_hydraulics(x.hydraulics[r], y.hydraulics[r]))
            return false;
    const auto &tx = x.topo.transfers(), &ty = y.topo.transfers();
    if (tx.size() != ty.size()) return false;
    for (std::size_t k = 0; k < tx.size(); ++k)
        if (tx[k].from != ty[k].from || tx[k].to != ty[k].to || tx[k].flow_m3s != ty[k].flow_m3s) return false;
    return true;
}

}  // namespace

WqSweep::WqSweep(const CaseModel& base, const WaterQualityOptions& opt, Options o) : base_(base), opt_(opt), o_(o) {
    p0_ = water_quality_problem(base, opt);
    const WaterQualityProblem& p = p0_;
    k1_ = p.steady.params.bod_bottle_k_per_d;
    exact_ = !wq::depends_on_oxygen(p.steady.params);
    inputs0_ = p.inputs;
    res0_ = solve_water_quality(p);
    if (DownstreamSolve::covers(p)) down_ = std::make_unique<DownstreamSolve>(p0_.net);
    if (!exact_ && o_.oxygen == OxygenMode::Full) return;  // every changed scenario is solved in full
    // places: sources at the same reach, position and extent respond alike
    std::map<std::tuple<std::int32_t, double, double>, std::int32_t> places;
    place_of_.resize(inputs0_.size());
    for (std::size_t j = 0; j < inputs0_.size(); ++j) {
        const auto key = std::make_tuple(inputs0_[j].reach, inputs0_[j].position_m, inputs0_[j].end_m);
        auto [it, added] = places.emplace(key, static_cast<std::int32_t>(rep_.size()));
        if (added) rep_.push_back(j);
        place_of_[j] = it->second;
    }
    n_places_ = rep_.size();
    resp_ = std::make_unique<PlaceResponse[]>(n_places_);
    // exact: the model without oxygen effects (the same model); Checked: the full model, whose tangent at the base
    // is taken by a forward difference of 1e-3 of the place's load (at least 1e-6 g/s)
    lin_ = exact_ ? linear_water_quality_problem(p) : p;
    lin_res_ = solve_water_quality(lin_);
    place_load_.assign(n_places_, wq::State{});
    for (std::size_t j = 0; j < inputs0_.size(); ++j)
        for (int k = 0; k < wq::kNumSpecies; ++k) place_load_[place_of_[j]][k] += std::abs(inputs0_[j].load_gs[k]);
}

const WqSweep::PlaceResponse& WqSweep::response(std::size_t place) const {
    PlaceResponse& r = resp_[place];
    std::call_once(r.once, [&] {
        const std::vector<wq::State>& b = lin_res_.obs_conc_mgL;
        const std::size_t ns = b.size();
        r.t.assign(wq::kNumSpecies * ns, wq::State{});
        std::atomic<bool> dry{false};
        // one g/s more of species k at the place, minus the linear base: the exact response of the affine model
        // isolated: a thread waiting here must not pick up another scenario that waits for this same place
        tbb::this_task_arena::isolate([&] { tbb::parallel_for(0, wq::kNumSpecies, [&](int k) {
            std::vector<wq::Input> in = lin_.inputs;
            const double h = exact_ ? 1.0 : 1e-3 * std::max(place_load_[place][k], 1e-3);
            in[rep_[place]].load_gs[k] += h;
            try {
                const std::vector<wq::State> y = solve_from(lin_, in, {in[rep_[place]].reach}, lin_res_);
                for (std::size_t s = 0; s < ns; ++s)
                    for (int i = 0; i < wq::kNumSpecies; ++i) r.t[static_cast<std::size_t>(k) * ns + s][i] = (y[s][i] - b[s][i]) / h;
            } catch (const ModelError&) {
                dry = true;  // no water to carry a load there
            }
        }); });
        r.dry = dry;
        ++built_;
    });
    return r;
}

std::vector<wq::State> WqSweep::solve_from(const WaterQualityProblem& p, const std::vector<wq::Input>& inputs,
                                           const std::vector<std::int32_t>& changed, const wq::Result& base) const {
    ++solves_;
    if (!down_) {
        reaches_solved_ += p.net.size();
        WaterQualityProblem q = p;
        q.inputs = inputs;
        return solve_water_quality(q).obs_conc_mgL;
    }
    std::size_t solved = 0;
    std::vector<wq::State> y = down_->solve(p, inputs, changed, base, &solved);
    reaches_solved_ += solved;
    return y;
}

std::vector<std::int32_t> WqSweep::changed_reaches(const std::vector<wq::Input>& in) const {
    std::vector<std::int32_t> changed;
    for (std::size_t j = 0; j < in.size(); ++j) {
        const wq::Input &a = in[j], &b = inputs0_[j];
        if (a.reach == b.reach && a.position_m == b.position_m && a.end_m == b.end_m && a.flow_m3s == b.flow_m3s &&
            a.load_gs == b.load_gs)
            continue;
        changed.push_back(a.reach);
        changed.push_back(b.reach);
    }
    return changed;
}

WqSweep::Outcome WqSweep::full(const CaseModel& m) const {
    // on the base's network, inflows and reach data, with the same number of sources: only the reaches downstream
    // of the sources whose input changed are solved
    if (down_ && same_network(m, base_)) {
        const WaterQualityProblem q = water_quality_problem(m, opt_);
        if (q.inputs.size() == inputs0_.size() && q.data.headwater_conc_mgL == p0_.data.headwater_conc_mgL &&
            q.data.lateral_conc_mgL == p0_.data.lateral_conc_mgL)
            return classify(m, solve_from(q, q.inputs, changed_reaches(q.inputs), res0_));
    }
    ++solves_;
    reaches_solved_ += m.net.size();
    Outcome out;
    out.sections = evaluate_water_quality(m, opt_).sections;
    return out;
}

WqSweep::Outcome WqSweep::classify(const CaseModel& m, const std::vector<wq::State>& y) const {
    Outcome out;
    out.sections.resize(y.size());
    for (std::size_t s = 0; s < y.size(); ++s) {
        const reaches::Section& sec = m.sections[s];
        out.sections[s].conc_mgL = y[s];
        out.sections[s].evaluation = wq::evaluate_items(m.classes, chosen_items(y[s], k1_, opt_.items), sec.water_body, sec.target_class);
    }
    return out;
}

WqSweep::Outcome WqSweep::from_inputs(const CaseModel& m, const std::vector<wq::Input>& in, bool& fallback) const {
    fallback = true;
    Outcome out;
    if (!exact_ && o_.oxygen == OxygenMode::Full) return out;
    const std::size_t ns = res0_.obs_conc_mgL.size();
    std::vector<wq::State> y = res0_.obs_conc_mgL;
    for (std::size_t j = 0; j < in.size(); ++j) {
        const std::size_t place = static_cast<std::size_t>(place_of_[j]);
        for (int k = 0; k < wq::kNumSpecies; ++k) {
            const double dl = in[j].load_gs[k] - inputs0_[j].load_gs[k];
            if (dl == 0.0) continue;
            const PlaceResponse& r = response(place);
            if (r.dry) return out;
            const wq::State* t = &r.t[static_cast<std::size_t>(k) * ns];
            for (std::size_t s = 0; s < ns; ++s)
                for (int i = 0; i < wq::kNumSpecies; ++i) y[s][i] += t[s][i] * dl;
        }
    }
    out = classify(m, y);
    for (std::size_t s = 0; s < ns; ++s) {
        const reaches::Section& sec = m.sections[s];
        if (!exact_)  // Checked: an assessed item near one of its class limits: the full model decides
            for (const auto& it : out.sections[s].evaluation.items) {
                if (it.cls == 0) continue;
                for (int c = 1; c <= 5; ++c) {
                    const double lim = m.classes.limit(it.key, sec.water_body, c);
                    if (std::isfinite(lim) && lim > 0.0 && std::abs(it.value_mgL - lim) <= o_.band * lim) return out;
                }
            }
    }
    out.linear = true;
    fallback = false;
    return out;
}

bool WqSweep::covers(const CaseModel& m) const { return same_network(m, base_); }

std::size_t WqSweep::count_places(const CaseModel& m) {
    std::map<std::tuple<std::int32_t, double, double>, int> places;
    for (const auto& s : m.sources) places.emplace(std::make_tuple(s.reach, s.position_m, s.end_m), 0);
    return places.size();
}

WqSweep::Outcome WqSweep::evaluate_case(const CaseModel& m) const {
    if (!same_network(m, base_)) return full(m);
    const auto in = water_quality_inputs(m.sources, opt_.composition, k1_);
    if (!Sweep::same_water(in, inputs0_)) return full(m);
    bool fallback = true;
    Outcome out = from_inputs(m, in, fallback);
    return fallback ? full(m) : out;
}

WqSweep::Outcome WqSweep::evaluate(const Scenario& s) const {
    if (!Sweep::source_level_only(s)) return full(apply_scenario(base_, s));
    const CaseModel shell = Sweep::apply_to_sources(base_, s);
    const auto in = water_quality_inputs(shell.sources, opt_.composition, k1_);
    bool fallback = true;
    Outcome out;
    if (shell.temperature_c == base_.temperature_c && Sweep::same_water(in, inputs0_)) out = from_inputs(base_, in, fallback);
    if (!fallback) return out;
    // water moved (an outfall closed or connected): the measures touched the sources only, so the problem is the
    // base's with these inputs, solved downstream of the changed ones
    if (down_ && shell.temperature_c == base_.temperature_c && in.size() == inputs0_.size())
        return classify(base_, solve_from(p0_, in, changed_reaches(in), res0_));
    return full(apply_scenario(base_, s));
}

std::vector<WqSweep::Outcome> WqSweep::evaluate(const std::vector<Scenario>& scenarios) const {
    std::vector<Outcome> out(scenarios.size());
    tbb::parallel_for(std::size_t(0), scenarios.size(), [&](std::size_t i) { out[i] = evaluate(scenarios[i]); });
    return out;
}

}  // namespace qingliu::scenarios
