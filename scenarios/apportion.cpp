#include "scenarios/apportion.hpp"

#include <cmath>

#include "reaches/steady.hpp"

namespace qingliu::scenarios {

namespace {

reaches::SteadyOptions steady_opts(const CaseModel& m) {
    reaches::SteadyOptions o;
    o.k_per_d = m.kinetics.at(m.temperature_c);
    return o;
}

}  // namespace

Apportionment apportion(const CaseModel& m, const std::function<void(double)>& progress) {
    const auto obs = observations(m);
    const auto base_inputs = point_inputs(m);
    const auto opt = steady_opts(m);
    Apportionment a;
    a.sections.resize(m.sections.size());
    const auto total = reaches::solve_steady(m.net, base_inputs, obs, opt);
    // background: the sources' water without their loads
    std::vector<reaches::PointInput> in = base_inputs;
    for (auto& p : in) p.load_gs = {};
    const auto bg = reaches::solve_steady(m.net, in, obs, opt);
    for (std::size_t s = 0; s < m.sections.size(); ++s) {
        a.sections[s].total_mgL = total.obs_conc_mgL[s];
        a.sections[s].background_mgL = bg.obs_conc_mgL[s];
        a.sections[s].by_source_mgL.assign(m.sources.size(), {});
    }
    // each source alone, with no background
    reaches::Network clean = m.net;
    for (auto& c : clean.headwater_conc_mgL) c = {};
    for (auto& c : clean.lateral_conc_mgL) c = {};
    for (std::size_t j = 0; j < m.sources.size(); ++j) {
        const auto& L = m.sources[j].load_gs;
        if (!any_nonzero(L)) continue;
        in[j].load_gs = L;
        const auto r = reaches::solve_steady(clean, in, obs, opt);
        in[j].load_gs = {};
        for (std::size_t s = 0; s < m.sections.size(); ++s) {
            a.sections[s].by_source_mgL[j] = r.obs_conc_mgL[s];
            for (int c = 0; c < kNumConstituents; ++c)
                if (r.obs_conc_mgL[s][c] > 0.0) a.sections[s].upstream_load_gs[c] += L[c];
        }
        if (progress) progress(static_cast<double>(j + 1) / m.sources.size());
    }
    for (std::size_t s = 0; s < m.sections.size(); ++s) {
        auto& x = a.sections[s];
        const auto& sec = m.sections[s];
        for (auto c : kConstituents) {
            const int i = idx(c);
            x.limit_mgL[i] = m.classes.limit(key(c), sec.water_body, sec.target_class);
            const double excess = x.total_mgL[i] - x.limit_mgL[i];
            if (excess <= 0.0) continue;
            if (x.background_mgL[i] >= x.limit_mgL[i]) {
                x.feasible[i] = false;
                x.required_cut_share[i] = 1.0;
            } else {
                x.required_cut_share[i] = excess / (x.total_mgL[i] - x.background_mgL[i]);
            }
            x.required_cut_gs[i] = x.required_cut_share[i] * x.upstream_load_gs[i];
        }
    }
    return a;
}

const char* capacity_method(DischargePoint p) {
    return p == DischargePoint::Midpoint
               ? "one-dimensional steady model (cf. GB/T 25173-2010 6.2), load at reach midpoint, control at reach end, "
                 "inflow at modelled concentration, design flow"
               : "one-dimensional steady model (GB/T 25173-2010 6.2: M = (Cs - Cx)(Q + Qp)), load at reach end, "
                 "inflow at modelled concentration, design flow";
}

std::vector<ReachCapacity> reach_capacity(const CaseModel& m, DischargePoint at) {
    const auto opt = steady_opts(m);
    const auto base = reaches::solve_steady(m.net, point_inputs(m), {}, opt);
    const auto& topo = m.net.topo;
    // target: first section at or below each reach (walking the main downstream links)
    std::vector<std::vector<std::int32_t>> on_reach(m.net.size());
    for (std::size_t s = 0; s < m.sections.size(); ++s) on_reach[m.sections[s].reach].push_back(static_cast<std::int32_t>(s));
    std::vector<ReachCapacity> out;
    for (std::size_t r = 0; r < m.net.size(); ++r) {
        ReachCapacity rc;
        rc.reach = static_cast<std::int32_t>(r);
        std::int32_t sec = kNone;
        for (std::int32_t x = static_cast<std::int32_t>(r); x != kNone && sec == kNone; x = topo.downstream(x)) {
            double best = 1e300;
            for (const std::int32_t s : on_reach[x])
                if (m.sections[s].position_m < best) { best = m.sections[s].position_m; sec = s; }
        }
        for (int c = 0; c < kNumConstituents; ++c)
            for (const auto& s : m.sources)
                if (s.reach == static_cast<std::int32_t>(r)) rc.current_gs[c] += s.load_gs[c];
        if (sec == kNone) {
            out.push_back(rc);
            continue;
        }
        const auto& S = m.sections[sec];
        rc.target_class = S.target_class;
        rc.control_section = S.id;
        // The reach alone: its inflow as modelled, its lateral inflow, its sources' water without their loads.
        reaches::NetworkBuilder b;
        reaches::NetworkBuilder::Reach one;
        one.id = topo.id(r);
        one.length_km = m.net.length_m[r] / kMetresPerKm;
        one.hydraulics = m.net.hydraulics[r];
        one.headwater_flow_m3s = base.flow_in_m3s[r];
        one.lateral_flow_m3s = m.net.lateral_flow_m3s[r];
        one.lateral_conc_mgL = m.net.lateral_conc_mgL[r];
        // load entering at the top = reach load in minus what entered along it (lateral and point inputs)
        PerConstituent along{};
        for (int c = 0; c < kNumConstituents; ++c) along[c] = m.net.lateral_flow_m3s[r] * m.net.lateral_conc_mgL[r][c];
        std::vector<reaches::PointInput> in;
        for (const auto& s : m.sources)
            if (s.reach == static_cast<std::int32_t>(r)) {
                for (int c = 0; c < kNumConstituents; ++c) along[c] += s.load_gs[c];
                in.push_back({0, s.position_m, s.end_m, s.flow_m3s, {}, kNone});
            }
        for (int c = 0; c < kNumConstituents; ++c) {
            const double top = base.load_in_gs[r][c] - along[c];
            rc.inflow_conc_mgL[c] = base.flow_in_m3s[r] > 0.0 ? std::max(0.0, top) / base.flow_in_m3s[r] : 0.0;
        }
        one.headwater_conc_mgL = rc.inflow_conc_mgL;
        b.add(one);
        const reaches::Network net1 = b.finish();
        const double len = m.net.length_m[r];
        const reaches::Observation end{0, len, 0};
        const auto without = reaches::solve_steady(net1, in, {end}, opt);
        in.push_back({0, at == DischargePoint::Midpoint ? 0.5 * len : len, -1.0, 0.0, {1.0, 1.0, 1.0}, kNone});
        const auto with = reaches::solve_steady(net1, in, {end}, opt);
        for (auto c : kConstituents) {
            const int i = idx(c);
            rc.limit_mgL[i] = m.classes.limit(key(c), S.water_body, S.target_class);
            const double per_unit = with.obs_conc_mgL[0][i] - without.obs_conc_mgL[0][i];  // mg/L per g/s
            rc.capacity_gs[i] = per_unit > 0.0 ? std::max(0.0, (rc.limit_mgL[i] - without.obs_conc_mgL[0][i]) / per_unit) : 0.0;
            rc.reduction_gs[i] = std::max(0.0, rc.current_gs[i] - rc.capacity_gs[i]);
        }
        out.push_back(rc);
    }
    return out;
}

}  // namespace qingliu::scenarios
