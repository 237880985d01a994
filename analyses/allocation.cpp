#include "analyses/allocation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace qingliu::scenarios {

const char* allocation_method_key(AllocationMethod m) {
    switch (m) {
        case AllocationMethod::EqualRatio: return "equal_ratio";
        case AllocationMethod::Contribution: return "contribution";
        case AllocationMethod::LeastCost: return "least_cost";
        case AllocationMethod::Gini: return "gini";
    }
    return "?";
}

const char* allocation_method_zh(AllocationMethod m) {
    switch (m) {
        case AllocationMethod::EqualRatio: return "超量等比例削减";
        case AllocationMethod::Contribution: return "按贡献率削减";
        case AllocationMethod::LeastCost: return "费用最小";
        case AllocationMethod::Gini: return "基尼系数法";
    }
    return "?";
}

std::vector<AllocationMethod> allocation_methods() {
    return {AllocationMethod::EqualRatio, AllocationMethod::Contribution, AllocationMethod::LeastCost, AllocationMethod::Gini};
}

double gini_coefficient(const std::vector<double>& load, const std::vector<double>& indicator) {
    const std::size_t n = load.size();
    const double sl = std::accumulate(load.begin(), load.end(), 0.0);
    const double sx = std::accumulate(indicator.begin(), indicator.end(), 0.0);
    if (!(sl > 0.0) || !(sx > 0.0)) return 0.0;
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    auto ratio = [&](std::size_t i) {
        return indicator[i] > 0.0 ? load[i] / indicator[i] : std::numeric_limits<double>::infinity();
    };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return ratio(a) < ratio(b); });
    double X0 = 0.0, Y0 = 0.0, area = 0.0;
    for (std::size_t i : order) {
        const double X1 = X0 + indicator[i] / sx, Y1 = Y0 + load[i] / sl;
        area += (X1 - X0) * (Y1 + Y0);
        X0 = X1;
        Y0 = Y1;
    }
    return 1.0 - area;
}

namespace {

double transfer(const AllocationUnit& u) { return u.load_gs > 0.0 ? u.contribution_mgL / u.load_gs : 0.0; }

// Allowed loads W_i = W w_i / sum w over the units not capped, capped at L_i, the excess shared again.
std::vector<double> fill(const std::vector<AllocationUnit>& u, const std::vector<double>& w, double W) {
    const std::size_t n = u.size();
    std::vector<double> out(n, 0.0);
    std::vector<char> capped(n, 0);
    double rest = W;
    for (;;) {
        double sw = 0.0;
        for (std::size_t i = 0; i < n; ++i)
            if (!capped[i]) sw += w[i];
        if (!(sw > 0.0) || rest <= 0.0) break;
        bool again = false;
        for (std::size_t i = 0; i < n; ++i)
            if (!capped[i] && rest * w[i] / sw > u[i].load_gs) {
                capped[i] = 1;
                out[i] = u[i].load_gs;
                rest -= u[i].load_gs;
                again = true;
            }
        if (again) continue;
        for (std::size_t i = 0; i < n; ++i)
            if (!capped[i]) out[i] = rest * w[i] / sw;
        break;
    }
    return out;
}

}  // namespace

AllocationResult allocate(const AllocationProblem& p, AllocationMethod method) {
    AllocationResult r;
    r.method = method;
    const std::size_t n = p.units.size();
    double sum_a = 0.0;
    for (const auto& u : p.units) sum_a += u.contribution_mgL;
    const double dC = std::max(0.0, p.required_reduction_mgL);
    r.feasible = dC <= sum_a * (1.0 + 1e-12);
    std::vector<double> cut(n, 0.0);
    if (!r.feasible) {
        for (std::size_t i = 0; i < n; ++i) cut[i] = p.units[i].load_gs;
    } else if (dC > 0.0) {
        switch (method) {
            case AllocationMethod::EqualRatio: {
                const double sigma = dC / sum_a;
                for (std::size_t i = 0; i < n; ++i) cut[i] = sigma * p.units[i].load_gs;
                break;
            }
            case AllocationMethod::Contribution: {
                std::vector<char> full(n, 0);
                double rest = dC;
                for (;;) {
                    double denom = 0.0;
                    for (std::size_t i = 0; i < n; ++i)
                        if (!full[i]) denom += transfer(p.units[i]) * p.units[i].contribution_mgL;
                    if (!(denom > 0.0) || rest <= 0.0) break;
                    const double lambda = rest / denom;
                    bool again = false;
                    for (std::size_t i = 0; i < n; ++i)
                        if (!full[i] && lambda * p.units[i].contribution_mgL > p.units[i].load_gs) {
                            full[i] = 1;
                            cut[i] = p.units[i].load_gs;
                            rest -= p.units[i].contribution_mgL;
                            again = true;
                        }
                    if (again) continue;
                    for (std::size_t i = 0; i < n; ++i)
                        if (!full[i]) cut[i] = lambda * p.units[i].contribution_mgL;
                    break;
                }
                break;
            }
            case AllocationMethod::LeastCost: {
                std::vector<std::size_t> order;
                for (std::size_t i = 0; i < n; ++i)
                    if (transfer(p.units[i]) > 0.0) order.push_back(i);
                std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
                    return p.units[a].unit_cost / transfer(p.units[a]) < p.units[b].unit_cost / transfer(p.units[b]);
                });
                double rest = dC;
                for (std::size_t i : order) {
                    if (rest <= 0.0) break;
                    const double T = transfer(p.units[i]);
                    cut[i] = std::min(p.units[i].load_gs, rest / T);
                    rest -= T * cut[i];
                }
                break;
            }
            case AllocationMethod::Gini: {
                std::vector<double> w(n, 0.0);
                const std::size_t nk = p.indicator_names.size();
                std::size_t used = 0;
                for (std::size_t k = 0; k < nk; ++k) {
                    double sx = 0.0;
                    for (const auto& u : p.units) sx += k < u.indicators.size() ? u.indicators[k] : 0.0;
                    if (!(sx > 0.0)) continue;
                    ++used;
                    for (std::size_t i = 0; i < n; ++i) w[i] += (k < p.units[i].indicators.size() ? p.units[i].indicators[k] : 0.0) / sx;
                }
                if (used == 0) std::fill(w.begin(), w.end(), 1.0);  // no indicator: equal shares
                double total = 0.0;
                for (const auto& u : p.units) total += u.load_gs;
                auto reduction = [&](double W) {
                    const auto allowed = fill(p.units, w, W);
                    double d = 0.0;
                    for (std::size_t i = 0; i < n; ++i) d += transfer(p.units[i]) * (p.units[i].load_gs - allowed[i]);
                    return d;
                };
                double lo = 0.0, hi = total;  // reduction(lo) >= dC >= reduction(hi) = 0
                for (int it = 0; it < 200 && hi - lo > 1e-15 * std::max(1.0, total); ++it) {
                    const double mid = 0.5 * (lo + hi);
                    (reduction(mid) > dC ? lo : hi) = mid;
                }
                const auto allowed = fill(p.units, w, hi);
                for (std::size_t i = 0; i < n; ++i) cut[i] = p.units[i].load_gs - allowed[i];
                break;
            }
        }
    }
    std::vector<double> current(n), allowed(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto& u = p.units[i];
        UnitAllocation a;
        a.id = u.id;
        a.current_gs = u.load_gs;
        a.cut_gs = std::clamp(cut[i], 0.0, u.load_gs);
        a.allowed_gs = u.load_gs - a.cut_gs;
        a.cut_share = u.load_gs > 0.0 ? a.cut_gs / u.load_gs : 0.0;
        r.reduction_mgL += transfer(u) * a.cut_gs;
        current[i] = a.current_gs;
        allowed[i] = a.allowed_gs;
        r.units.push_back(a);
    }
    for (std::size_t k = 0; k < p.indicator_names.size(); ++k) {
        std::vector<double> x(n);
        for (std::size_t i = 0; i < n; ++i) x[i] = k < p.units[i].indicators.size() ? p.units[i].indicators[k] : 0.0;
        r.gini_current.push_back(gini_coefficient(current, x));
        r.gini.push_back(gini_coefficient(allowed, x));
    }
    return r;
}

UnitIndicators inventory_indicators(const CaseModel& m) {
    UnitIndicators ind;
    ind.names = {"population", "cropland_km2"};
    auto& b = ind.by_unit;
    auto at = [&](const std::string& t) -> std::vector<double>& {
        auto& v = b[t.empty() ? "(none)" : t];
        v.resize(2, 0.0);
        return v;
    };
    for (const auto& v : m.inventory.villages) at(v.town)[0] += v.population;
    for (const auto& p : m.inventory.plants) at(p.town)[0] += p.service_population;
    for (const auto& c : m.inventory.cropland) at(c.town)[1] += c.area_mu / 1500.0;  // 1 km2 = 1500 mu
    return ind;
}

AllocationProblem allocation_problem(const CaseModel& m, const Apportionment& a, std::size_t section, int c, AllocationBy by,
                                     const UnitIndicators& ind) {
    AllocationProblem p;
    const auto& x = a.sections.at(section);
    std::map<std::string, std::size_t> index;
    for (std::size_t j = 0; j < m.sources.size(); ++j) {
        const double contrib = x.by_source_mgL[j][c];
        if (!(contrib > 0.0)) continue;
        std::string id = by == AllocationBy::Town ? m.sources[j].town : m.sources[j].type;
        if (id.empty()) id = "(none)";
        auto [it, fresh] = index.emplace(id, p.units.size());
        if (fresh) {
            AllocationUnit u;
            u.id = id;
            if (by == AllocationBy::Town) {
                auto f = ind.by_unit.find(id);
                u.indicators = f != ind.by_unit.end() ? f->second : std::vector<double>(ind.names.size(), 0.0);
                u.indicators.resize(ind.names.size(), 0.0);
                if (auto cst = ind.unit_cost.find(id); cst != ind.unit_cost.end()) u.unit_cost = cst->second;
            }
            p.units.push_back(std::move(u));
        }
        p.units[it->second].load_gs += m.sources[j].load_gs[c];
        p.units[it->second].contribution_mgL += contrib;
    }
    if (by == AllocationBy::Town) p.indicator_names = ind.names;
    p.required_reduction_mgL = std::max(0.0, x.total_mgL[c] - x.target_mgL[c]);
    return p;
}

std::vector<AllocationEntry> allocation_table(const CaseModel& m, const ReductionOptions& opt, AllocationBy by,
                                              const std::vector<std::string>& section_ids) {
    return allocation_table(m, apportion(m, {}, opt), by, section_ids);
}

std::vector<AllocationEntry> allocation_table(const CaseModel& m, const Apportionment& a, AllocationBy by,
                                              const std::vector<std::string>& section_ids) {
    const UnitIndicators ind = inventory_indicators(m);
    std::vector<AllocationEntry> out;
    for (std::size_t s = 0; s < m.sections.size(); ++s) {
        const bool named = std::find(section_ids.begin(), section_ids.end(), m.sections[s].id) != section_ids.end();
        if (!section_ids.empty() && !named) continue;
        for (int c = 0; c < kNumConstituents; ++c) {
            const auto& x = a.sections[s];
            if (section_ids.empty() && !(x.total_mgL[c] > x.target_mgL[c] && x.upstream_load_gs[c] > 0.0)) continue;
            AllocationEntry e;
            e.section = s;
            e.constituent = c;
            e.total_mgL = x.total_mgL[c];
            e.target_mgL = x.target_mgL[c];
            const AllocationProblem p = allocation_problem(m, a, s, c, by, ind);
            e.indicator_names = p.indicator_names;
            for (auto method : allocation_methods()) e.results.push_back(allocate(p, method));
            out.push_back(std::move(e));
        }
    }
    return out;
}

}  // namespace qingliu::scenarios
