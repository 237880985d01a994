#include "analyses/apportion.hpp"

#include <algorithm>
#include <cmath>

#include "reaches/steady.hpp"

namespace qingliu::scenarios {

Apportionment apportion(const CaseModel& m, const std::function<void(double)>& progress, const ReductionOptions& ropt) {
    const auto obs = observations(m);
    const auto base_inputs = point_inputs(m);
    const auto opt = steady_options(m);
    Apportionment a;
    a.mos_fraction = ropt.mos_fraction;
    a.sections.resize(m.sections.size());
    const auto total = reaches::solve_steady(m.net, base_inputs, obs, opt);
    // the sources' water without their loads
    std::vector<reaches::PointInput> in = base_inputs;
    for (auto& p : in) p.load_gs = {};
    // natural background: headwaters capped at the natural concentration, lateral inflow as given
    reaches::Network natural = m.net;
    std::vector<PerConstituent> excess(m.net.size(), PerConstituent{});
    if (m.natural_headwater_mgL)
        for (std::size_t r = 0; r < m.net.size(); ++r) {
            bool any = false;
            for (int c = 0; c < kNumConstituents; ++c) {
                const double hw = m.net.headwater_conc_mgL[r][c], nat = (*m.natural_headwater_mgL)[c];
                if (hw > nat && m.net.headwater_flow_m3s[r] > 0.0) {
                    excess[r][c] = hw - nat;
                    natural.headwater_conc_mgL[r][c] = nat;
                    any = true;
                }
            }
            if (any) {
                a.boundary_reaches.push_back(static_cast<std::int32_t>(r));
                PerConstituent L{};
                for (int c = 0; c < kNumConstituents; ++c) L[c] = m.net.headwater_flow_m3s[r] * excess[r][c];
                a.boundary_excess_gs.push_back(L);
            }
        }
    const auto bg = reaches::solve_steady(natural, in, obs, opt);
    for (std::size_t s = 0; s < m.sections.size(); ++s) {
        a.sections[s].total_mgL = total.obs_conc_mgL[s];
        a.sections[s].background_mgL = bg.obs_conc_mgL[s];
        a.sections[s].by_source_mgL.assign(m.sources.size(), {});
        a.sections[s].boundary_by_reach_mgL.assign(a.boundary_reaches.size(), {});
    }
    // a network without any background: each boundary inflow alone, then each source alone
    reaches::Network clean = m.net;
    for (auto& c : clean.headwater_conc_mgL) c = {};
    for (auto& c : clean.lateral_conc_mgL) c = {};
    for (std::size_t b = 0; b < a.boundary_reaches.size(); ++b) {
        const std::int32_t r = a.boundary_reaches[b];
        clean.headwater_conc_mgL[r] = excess[r];
        const auto res = reaches::solve_steady(clean, in, obs, opt);
        clean.headwater_conc_mgL[r] = {};
        for (std::size_t s = 0; s < m.sections.size(); ++s)
            for (int c = 0; c < kNumConstituents; ++c) {
                const double v = res.obs_conc_mgL[s][c];
                a.sections[s].boundary_by_reach_mgL[b][c] = v;
                a.sections[s].boundary_mgL[c] += v;
                if (v > 0.0) a.sections[s].boundary_load_gs[c] += a.boundary_excess_gs[b][c];
            }
    }
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
            x.target_mgL[i] = x.limit_mgL[i] * (1.0 - ropt.mos_fraction);
            const double excess_c = x.total_mgL[i] - x.target_mgL[i];
            if (excess_c <= 0.0) continue;
            const double outside = x.background_mgL[i] + x.boundary_mgL[i];
            if (outside < x.target_mgL[i]) {
                x.required_cut_share[i] = excess_c / (x.total_mgL[i] - outside);
            } else {
                x.required_cut_share[i] = x.upstream_load_gs[i] > 0.0 ? 1.0 : 0.0;
                if (x.background_mgL[i] >= x.target_mgL[i]) {
                    x.feasible[i] = false;
                    x.boundary_cut_share[i] = x.boundary_mgL[i] > 0.0 ? 1.0 : 0.0;
                } else {
                    x.boundary_cut_share[i] = (outside - x.target_mgL[i]) / x.boundary_mgL[i];
                }
                x.boundary_cut_gs[i] = x.boundary_cut_share[i] * x.boundary_load_gs[i];
            }
            x.required_cut_gs[i] = x.required_cut_share[i] * x.upstream_load_gs[i];
        }
    }
    return a;
}

std::vector<PerConstituent> source_cut_shares(const CaseModel& m, const Apportionment& a) {
    std::vector<PerConstituent> out(m.sources.size(), PerConstituent{});
    for (std::size_t s = 0; s < a.sections.size(); ++s)
        for (std::size_t j = 0; j < m.sources.size(); ++j)
            for (int c = 0; c < kNumConstituents; ++c)
                if (a.sections[s].by_source_mgL[j][c] > 0.0) out[j][c] = std::max(out[j][c], a.sections[s].required_cut_share[c]);
    return out;
}

const char* capacity_method(DischargePoint p) {
    return p == DischargePoint::Midpoint
               ? "one-dimensional steady model (cf. GB/T 25173-2010 6.2), load at reach midpoint, control at reach end, "
                 "inflow at modelled concentration, design flow"
               : "one-dimensional steady model (GB/T 25173-2010 6.2: M = (Cs - Cx)(Q + Qp)), load at reach end, "
                 "inflow at modelled concentration, design flow";
}

namespace {
std::vector<ReachCapacity> reach_capacity_impl(const CaseModel& m, DischargePoint at, const Apportionment* a);
}

std::vector<ReachCapacity> reach_capacity(const CaseModel& m, DischargePoint at) { return reach_capacity_impl(m, at, nullptr); }

std::vector<ReachCapacity> reach_capacity(const CaseModel& m, const Apportionment& a, DischargePoint at) {
    return reach_capacity_impl(m, at, &a);
}

namespace {
std::vector<ReachCapacity> reach_capacity_impl(const CaseModel& m, DischargePoint at, const Apportionment* a) {
    const auto opt = steady_options(m);
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
        if (a) {
            // the one reduction answer, per reach: each source cut by the largest share of the sections it reaches
            rc.cut_for_section_gs.assign(m.sections.size(), PerConstituent{});
            const auto shares = source_cut_shares(m, *a);
            std::array<double, kNumConstituents> best{};
            for (std::size_t j = 0; j < m.sources.size(); ++j) {
                if (m.sources[j].reach != static_cast<std::int32_t>(r)) continue;
                for (int c = 0; c < kNumConstituents; ++c) {
                    rc.reduction_gs[c] += shares[j][c] * m.sources[j].load_gs[c];
                    for (std::size_t s = 0; s < m.sections.size(); ++s)
                        if (a->sections[s].by_source_mgL[j][c] > 0.0)
                            rc.cut_for_section_gs[s][c] += a->sections[s].required_cut_share[c] * m.sources[j].load_gs[c];
                }
            }
            for (std::size_t s = 0; s < m.sections.size(); ++s)
                for (int c = 0; c < kNumConstituents; ++c)
                    if (rc.cut_for_section_gs[s][c] > best[c]) {
                        best[c] = rc.cut_for_section_gs[s][c];
                        rc.binding_section[c] = m.sections[s].id;
                    }
            for (int c = 0; c < kNumConstituents; ++c) rc.allowed_gs[c] = rc.current_gs[c] - rc.reduction_gs[c];
        }
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
        in.back().position_m = 0.0;  // the same unit load entering at the top: what upstream water does at the end
        const auto top = reaches::solve_steady(net1, in, {end}, opt);
        const double mos = a ? a->mos_fraction : 0.0;
        for (auto c : kConstituents) {
            const int i = idx(c);
            rc.limit_mgL[i] = m.classes.limit(key(c), S.water_body, S.target_class) * (1.0 - mos);
            const double per_unit = with.obs_conc_mgL[0][i] - without.obs_conc_mgL[0][i];  // mg/L per g/s
            rc.capacity_gs[i] = per_unit > 0.0 ? std::max(0.0, (rc.limit_mgL[i] - without.obs_conc_mgL[0][i]) / per_unit) : 0.0;
            if (!a) rc.reduction_gs[i] = std::max(0.0, rc.current_gs[i] - rc.capacity_gs[i]);
            const double per_unit_top = top.obs_conc_mgL[0][i] - without.obs_conc_mgL[0][i];
            if (without.obs_conc_mgL[0][i] > rc.limit_mgL[i] && per_unit_top > 0.0)
                rc.upstream_cut_gs[i] = (without.obs_conc_mgL[0][i] - rc.limit_mgL[i]) / per_unit_top;
        }
        out.push_back(rc);
    }
    return out;
}
}  // namespace

}  // namespace qingliu::scenarios
