#include "analyses/water_quality_apportion.hpp"

#include <algorithm>
#include <cmath>

#include "reaches/wq_classes.hpp"

namespace qingliu::scenarios {

namespace wq = reaches::wq;

namespace {

bool any_pollutant(const wq::State& l) {
    for (int i = 0; i < wq::kNumSpecies; ++i)
        if (i != wq::DO && l[i] != 0.0) return true;
    return false;
}

// The chosen items' values of a state (or of a difference of states: the items are linear in the state).
std::vector<double> item_values(const wq::State& c, double k1, const ItemSet& items) {
    std::vector<double> v;
    for (const auto& it : chosen_items(c, k1, items)) v.push_back(it.value_mgL);
    return v;
}

wq::State minus(const wq::State& a, const wq::State& b) {
    wq::State d{};
    for (int i = 0; i < wq::kNumSpecies; ++i) d[i] = a[i] - b[i];
    return d;
}

// The problem with the pollutant species of `sources` scaled by (1 - share) (flows and DO loads kept), and the
// boundary inflow's excess by (1 - boundary_share).
WaterQualityProblem with_cut(const WaterQualityProblem& p, const std::vector<std::int32_t>& sources, double share,
                             double boundary_share) {
    WaterQualityProblem q = p;
    for (std::int32_t j : sources)
        for (int i = 0; i < wq::kNumSpecies; ++i)
            if (i != wq::DO) q.inputs[j].load_gs[i] *= 1.0 - share;
    if (boundary_share > 0.0)
        for (std::size_t r = 0; r < q.data.headwater_conc_mgL.size(); ++r)
            for (int i = 0; i < wq::kNumSpecies; ++i) {
                const double nat = p.natural_headwater_mgL[r][i];
                q.data.headwater_conc_mgL[r][i] = nat + (1.0 - boundary_share) * (p.data.headwater_conc_mgL[r][i] - nat);
            }
    return q;
}

// The required cut of item `item` at section s (x has its shares, limit and target; the target is missed): the harming
// sources, the linear share, its correction by full solves, or the boundary-inflow cut (file comment of the header).
void cut_item(const WaterQualityProblem& full, const ItemSet& items, std::size_t s, std::size_t item,
              const std::vector<std::vector<double>>& item_load_gs, WqItemApportionment& x) {
    const double k1 = full.steady.params.bod_bottle_k_per_d;
    const double sign = x.minimum ? -1.0 : 1.0;
    const double tol = 1e-9 * x.limit_mgL;
    const std::size_t nj = x.by_source_mgL.size();
    double S = 0.0;
    for (std::size_t j = 0; j < nj; ++j)
        if (sign * x.by_source_mgL[j] > 0.0) {
            x.cut_sources.push_back(static_cast<std::int32_t>(j));
            S += x.by_source_mgL[j];
            x.source_load_gs += item_load_gs[j][item];
        }
    const double outside = x.value_mgL - S;  // what stays when every harming source is cut entirely
    auto full_value = [&](double share, double boundary_share) {
        ++x.full_solves;
        const wq::Result r = solve_water_quality(with_cut(full, x.cut_sources, share, boundary_share));
        return item_values(r.obs_conc_mgL[s], k1, items)[item];
    };
    if (sign * (outside - x.target_mgL) < 0.0) {
        x.cut_share_linear = (x.value_mgL - x.target_mgL) / S;
        double sigma = x.cut_share_linear, v = full_value(sigma, 0.0);
        for (int step = 0; step < 30 && std::abs(v - x.target_mgL) > tol; ++step) {
            sigma = std::clamp(sigma + (v - x.target_mgL) / S, 0.0, 1.0);
            v = full_value(sigma, 0.0);
        }
        x.cut_share = sigma;
        x.value_after_cut_mgL = v;
        x.feasible = sign * (v - x.target_mgL) <= tol;
    } else {
        x.cut_share_linear = x.cut_share = x.cut_sources.empty() ? 0.0 : 1.0;
        const double rest = outside - x.target_mgL;  // to be removed from the boundary inflow (sign as V)
        if (sign * x.boundary_mgL > 0.0 && std::abs(rest) < std::abs(x.boundary_mgL)) {
            // the linear share, corrected by full solves as the sources' share is (oxygen effects make it inexact)
            double beta = rest / x.boundary_mgL, v = full_value(x.cut_share, beta);
            for (int step = 0; step < 30 && std::abs(v - x.target_mgL) > tol; ++step) {
                beta = std::clamp(beta + (v - x.target_mgL) / x.boundary_mgL, 0.0, 1.0);
                v = full_value(x.cut_share, beta);
            }
            x.boundary_cut_share = beta;
            x.value_after_cut_mgL = v;
            x.feasible = sign * (v - x.target_mgL) <= tol;
        } else {
            x.boundary_cut_share = sign * x.boundary_mgL > 0.0 ? 1.0 : 0.0;
            x.value_after_cut_mgL = full_value(x.cut_share, x.boundary_cut_share);
            x.feasible = false;
        }
    }
    x.cut_gs = x.cut_share * x.source_load_gs;
    x.allowed_gs = x.source_load_gs - x.cut_gs;
}

// Per source, the largest share of the sections and items it harms; per reach, the sum over its sources.
void roll_up(const CaseModel& m, WqApportionment& a) {
    const std::size_t ns = m.sections.size(), nj = m.sources.size(), ni = a.item_keys.size();
    // per source and reach: the largest share of the sections and items it harms
    a.source_cut_share.assign(nj, std::vector<double>(ni, 0.0));
    std::vector<std::vector<std::size_t>> binding(nj, std::vector<std::size_t>(ni, ns));
    for (std::size_t s = 0; s < ns; ++s)
        for (std::size_t i = 0; i < ni; ++i) {
            const auto& x = a.sections[s].items[i];
            for (std::int32_t j : x.cut_sources)
                if (x.cut_share > a.source_cut_share[j][i]) {
                    a.source_cut_share[j][i] = x.cut_share;
                    binding[j][i] = s;
                }
        }
    for (std::size_t r = 0; r < m.net.size(); ++r)
        for (std::size_t i = 0; i < ni; ++i) {
            WqReachCut c;
            c.reach = static_cast<std::int32_t>(r);
            c.item = a.item_keys[i];
            double largest = 0.0;
            for (std::size_t j = 0; j < nj; ++j) {
                if (m.sources[j].reach != c.reach) continue;
                c.load_gs += a.item_load_gs[j][i];
                const double cut = a.source_cut_share[j][i] * a.item_load_gs[j][i];
                c.cut_gs += cut;
                if (cut > largest) {
                    largest = cut;
                    c.binding_section = m.sections[binding[j][i]].id;
                }
            }
            c.allowed_gs = c.load_gs - c.cut_gs;
            if (c.cut_gs > 0.0) a.reaches.push_back(std::move(c));
        }
}

}  // namespace

double wq_item_load_gs(const std::string& key, const wq::State& l, const wq::Parameters& p) {
    if (key == "do")
        return l[wq::CBOD] + p.o2_per_n_nitrified * (l[wq::OrgN] + l[wq::NH3N]) + p.codmn_o2_ratio * l[wq::CODMn] +
               p.cod_o2_ratio * l[wq::COD];
    for (const auto& it : wq::gb3838_items(l, p.bod_bottle_k_per_d))
        if (key == it.key) return it.value_mgL;
    return 0.0;
}

WaterQualityProblem linear_water_quality_problem(WaterQualityProblem p) {
    p.steady.params.cbod_o2_effect = wq::O2Effect::None;
    p.steady.params.nitrification_o2_effect = wq::O2Effect::None;
    p.steady.params.denitrification_o2_effect = wq::O2Effect::None;
    return p;
}

WqApportionment apportion_water_quality(const CaseModel& m, const WaterQualityOptions& opt, const ReductionOptions& ropt,
                                        const std::function<void(double)>& progress) {
    const WaterQualityProblem full = water_quality_problem(m, opt);
    const double k1 = full.steady.params.bod_bottle_k_per_d;
    const std::size_t ns = m.sections.size(), nj = m.sources.size();
    WqApportionment a;
    a.mos_fraction = ropt.mos_fraction;
    a.linear_exact = !wq::depends_on_oxygen(full.steady.params);
    a.items = opt.items;
    for (const auto& it : chosen_items(wq::State{}, k1, opt.items)) a.item_keys.push_back(it.key);
    const std::size_t ni = a.item_keys.size();

    const wq::Result total = solve_water_quality(full);
    // background: natural headwaters, lateral inflow, the sources' water at its own DO without pollutants
    WaterQualityProblem bg_p = linear_water_quality_problem(full);
    for (auto& in : bg_p.inputs)
        for (int i = 0; i < wq::kNumSpecies; ++i)
            if (i != wq::DO) in.load_gs[i] = 0.0;
    bg_p.data.headwater_conc_mgL = full.natural_headwater_mgL;
    const wq::Result bg = solve_water_quality(bg_p);
    // boundary inflow: the headwaters as given, minus the background
    WaterQualityProblem b_p = bg_p;
    b_p.data.headwater_conc_mgL = full.data.headwater_conc_mgL;
    const wq::Result bnd = solve_water_quality(b_p);

    a.sections.resize(ns);
    for (std::size_t s = 0; s < ns; ++s) {
        const reaches::Section& sec = m.sections[s];
        const auto ev = wq::evaluate_items(m.classes, chosen_items(total.obs_conc_mgL[s], k1, opt.items), sec.water_body,
                                           sec.target_class);
        const auto vb = item_values(bg.obs_conc_mgL[s], k1, opt.items);
        const auto vu = item_values(minus(bnd.obs_conc_mgL[s], bg.obs_conc_mgL[s]), k1, opt.items);
        for (std::size_t i = 0; i < ni; ++i) {
            WqItemApportionment x;
            x.key = a.item_keys[i];
            x.value_mgL = ev.items[i].value_mgL;
            x.assessed = ev.items[i].cls > 0;
            x.minimum = ev.items[i].minimum;
            x.limit_mgL = ev.items[i].target_limit_mgL;
            x.target_mgL = x.limit_mgL * (x.minimum ? 1.0 + ropt.mos_fraction : 1.0 - ropt.mos_fraction);
            x.background_mgL = vb[i];
            x.boundary_mgL = vu[i];
            x.by_source_mgL.assign(nj, 0.0);
            a.sections[s].items.push_back(std::move(x));
        }
    }
    // each source's pollutants alone on the background
    a.item_load_gs.assign(nj, std::vector<double>(ni, 0.0));
    for (std::size_t j = 0; j < nj; ++j) {
        for (std::size_t i = 0; i < ni; ++i) a.item_load_gs[j][i] = wq_item_load_gs(a.item_keys[i], full.inputs[j].load_gs, full.steady.params);
        if (any_pollutant(full.inputs[j].load_gs)) {
            WaterQualityProblem p = bg_p;
            p.inputs[j].load_gs = full.inputs[j].load_gs;
            const wq::Result r = solve_water_quality(p);
            for (std::size_t s = 0; s < ns; ++s) {
                const auto v = item_values(minus(r.obs_conc_mgL[s], bg.obs_conc_mgL[s]), k1, opt.items);
                for (std::size_t i = 0; i < ni; ++i) a.sections[s].items[i].by_source_mgL[j] = v[i];
            }
        }
        if (progress) progress(static_cast<double>(j + 1) / static_cast<double>(std::max<std::size_t>(nj, 1)));
    }
    // remainder, targets and cuts
    for (std::size_t s = 0; s < ns; ++s)
        for (auto& x : a.sections[s].items) {
            double lin = x.background_mgL + x.boundary_mgL;
            for (double v : x.by_source_mgL) lin += v;
            x.oxygen_effects_mgL = x.value_mgL - lin;
            if (!x.assessed) continue;
            const double sign = x.minimum ? -1.0 : 1.0;  // sign x (V - target) > 0: missed
            const double tol = 1e-9 * x.limit_mgL;
            x.meets_target = sign * (x.value_mgL - x.target_mgL) <= tol;
            x.value_after_cut_mgL = x.value_mgL;
            if (x.meets_target) continue;
            cut_item(full, opt.items, s, static_cast<std::size_t>(&x - a.sections[s].items.data()), a.item_load_gs, x);
        }
    roll_up(m, a);
    return a;
}

}  // namespace qingliu::scenarios
