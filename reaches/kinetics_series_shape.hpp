// The shape of a segment's series (reaches/kinetics_series_terms.hpp): what depends only on the split, the
// parameters' oxygen effects and the process table's pattern (its yields, the species each process draws on, where
// its first- and zero-order rates are zero), not on the rates' values. Every segment of a case has the same as a
// rule, so it is built once (kinetics_series.cpp keeps the last per thread) and each segment's series refers to it.
#pragma once
#include <algorithm>
#include <array>
#include <cmath>

#include "reaches/kinetics.hpp"
#include "reaches/kinetics_series.hpp"

namespace qingliu::reaches::wq::series_terms {

enum Gate : int { None = 0, Cbod, Nitr, Denitr };

struct GateDef {
    O2Effect form;
    double k;
    bool complement;  ///< 1 - f (denitrification)
};

struct Term {
    int p, i;
    double y;
};

struct SeriesShape {
    struct Chain {
        int series;   ///< index of the base series in f_
        int p[3];     ///< the gated processes that use it
        int n;
        int slot[3];  ///< their index among the gated processes (gated_p_)
        int from[3];  ///< the local species each draws on (the first one's where fewer than 3)
        int gate[3];  ///< their gate
        bool complement[3];   ///< the gate is 1 - f
    };
    bool gated = false;
    double sens_max = 0.0;   ///< the largest sensitivity of a gate to DO (sens_)
    Chain chains_[3] = {};
    int n_chains_ = 0, n_gated_ = 0;
    int gated_p_[3] = {0, 0, 0};
    std::array<int, kNumProcesses> gate_{};
    GateDef defs_[4];
    bool used_[4] = {false, false, false, false};
    int same_[4] = {0, 1, 2, 3};
    double sens_[kNumProcesses] = {};
    int from_[kNumProcesses] = {}, sens_p_[kNumProcesses], n_sens_ = 0;   ///< the species each draws on; sens_ > 0
    int active_[kNumProcesses], n_active_ = 0;   ///< the split's processes (their rates are scaled per segment)
    Term terms_[kNumProcesses * kNumSpecies];   ///< the first n_terms_ set: the yields of processes with a rate
    int slot_of_[kNumProcesses * kNumSpecies];  ///< per term: the slot of its gated process, -1 ungated
    int n_terms_ = 0;
    int do_terms_[kNumProcesses], n_do_terms_ = 0;   ///< the terms of the last local species (DO where gated)
    bool shared_exp_ = false;   ///< one exponential gate for every gated process (expand_shared)
    double shared_k_ = 0.0;
    int from3_[3] = {0, 0, 0};              ///< the species the chain's processes draw on
    double sign_[3] = {-1.0, -1.0, -1.0};   ///< -1: the gate is f = 1 - E; +1: 1 - f = E
};

/// The shape for the species of split sp (local index l: species sp.idx[l]), table pt (its pattern) and the oxygen
/// effects of par, for a segment whose rates are the table's times scale (SeriesSegment::scale). A process has a
/// first-order rate where it draws on a species and k scale != 0, a zero-order one where r0 scale != 0: for any
/// normal scale, where k and r0 are not 0 (short of underflow).
inline SeriesShape make_shape(const Parameters& par, const ProcessTable& pt, const SeriesSplit& sp, double scale) {
    SeriesShape s;
    int local[kNumSpecies];
    for (int i = 0; i < kNumSpecies; ++i) local[i] = -1;
    for (int l = 0; l < sp.n; ++l) local[sp.idx[l]] = l;
    s.defs_[0] = {O2Effect::None, 0.0, false};
    s.defs_[1] = {par.cbod_o2_effect, par.cbod_o2_k, false};
    s.defs_[2] = {par.nitrification_o2_effect, par.nitrification_o2_k, false};
    s.defs_[3] = {par.denitrification_o2_effect, par.denitrification_o2_k, true};
    s.gate_.fill(None);
    s.gate_[CbodOxidation] = par.cbod_o2_effect != O2Effect::None ? Cbod : None;
    s.gate_[Nitrification] = par.nitrification_o2_effect != O2Effect::None ? Nitr : None;
    s.gate_[Denitrification] = par.denitrification_o2_effect != O2Effect::None ? Denitr : None;
    bool first_order[kNumProcesses] = {};
    for (int p = 0; p < kNumProcesses; ++p) {
        if (!sp.process[p]) {
            s.gate_[p] = None;
            continue;
        }
        s.active_[s.n_active_++] = p;
        first_order[p] = pt[p].from >= 0 && pt[p].k * scale != 0.0;
        s.from_[p] = pt[p].from >= 0 ? local[pt[p].from] : 0;
        if (!first_order[p] && pt[p].r0 * scale == 0.0) continue;
        if (s.gate_[p] != None && first_order[p]) s.used_[s.gate_[p]] = true;
        for (int i = 0; i < kNumSpecies; ++i)
            if (pt[p].yield[i] != 0.0) s.terms_[s.n_terms_++] = {p, local[i], pt[p].yield[i]};
    }
    s.gated = s.used_[Cbod] || s.used_[Nitr] || s.used_[Denitr];
    if (!s.gated) s.gate_.fill(None);
    // gates of the same form and constant share one series (QUAL2K's defaults: all three exponential, K = 0.6)
    for (int gi = 2; gi < 4; ++gi)
        for (int gj = 1; gj < gi; ++gj)
            if (s.used_[gj] && s.same_[gj] == gj && s.defs_[gj].form == s.defs_[gi].form &&
                s.defs_[gj].k == s.defs_[gi].k) {
                s.same_[gi] = gj;
                break;
            }
    // the gated processes grouped by the base series their gate uses (f of the gate, or of the earlier gate it
    // equals); the products of each group's series are summed in one pass
    if (s.gated)
        for (int p = 0; p < kNumProcesses; ++p) {
            if (s.gate_[p] == None || !first_order[p]) continue;
            const int series = s.same_[s.gate_[p]];
            int c = 0;
            while (c < s.n_chains_ && s.chains_[c].series != series) ++c;
            if (c == s.n_chains_) s.chains_[s.n_chains_++] = {series, {}, 0, {}, {}, {}, {}};
            SeriesShape::Chain& ch = s.chains_[c];
            ch.slot[ch.n] = s.n_gated_;
            ch.from[ch.n] = s.from_[p];
            ch.gate[ch.n] = s.gate_[p];
            ch.complement[ch.n] = s.defs_[s.gate_[p]].complement;
            ch.p[ch.n++] = p;
            s.gated_p_[s.n_gated_++] = p;
        }
    for (int c = 0; c < s.n_chains_; ++c)
        for (int m = s.chains_[c].n; m < 3; ++m) s.chains_[c].from[m] = s.chains_[c].from[0];
    s.shared_exp_ = s.gated && s.n_chains_ == 1 && s.defs_[s.chains_[0].series].form == O2Effect::Exponential;
    s.shared_k_ = s.defs_[s.chains_[0].series].k;
    for (int m = 0; m < 3; ++m) {
        s.from3_[m] = s.chains_[0].from[m];
        s.sign_[m] = s.chains_[0].complement[m] ? 1.0 : -1.0;
    }
    for (int t = 0; t < s.n_terms_; ++t) {
        const int p = s.terms_[t].p;
        if (s.terms_[t].i == sp.n - 1) s.do_terms_[s.n_do_terms_++] = t;
        s.slot_of_[t] = -1;
        if (s.gate_[p] == None || !first_order[p]) continue;
        int m = 0;
        while (s.gated_p_[m] != p) ++m;
        s.slot_of_[t] = m;
    }
    // the oxygen sensitivity of the gates: |dG/do| <= K (exponential), 1/K (half-saturation), ~1/sqrt(K)
    for (int p = 0; p < kNumProcesses; ++p)
        if (s.gate_[p] != None && first_order[p]) {
            const GateDef& d = s.defs_[s.gate_[p]];
            s.sens_[p] = d.form == O2Effect::Exponential ? d.k : d.k > 0.0 ? 1.0 / std::sqrt(d.k) : 1e3;
            s.sens_max = std::max(s.sens_max, s.sens_[p]);
            if (s.sens_[p] > 0.0) s.sens_p_[s.n_sens_++] = p;
        }
    return s;
}

}  // namespace qingliu::reaches::wq::series_terms
