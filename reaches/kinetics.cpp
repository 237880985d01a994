#include "reaches/kinetics.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <string>

#include "common/error.hpp"
#include "reaches/kinetics_series.hpp"
#include "reaches/oxygen.hpp"

namespace qingliu::reaches::wq {

double bod5_from_cbodu(double cbodu_mgL, double k1) { return cbodu_mgL * -std::expm1(-5.0 * k1); }

double cbodu_from_bod5(double bod5_mgL, double k1) {
    if (!(k1 > 0.0)) throw ModelError("BOD bottle rate must be > 0 1/d to convert BOD5 to ultimate CBOD");
    return bod5_mgL / -std::expm1(-5.0 * k1);
}

double o2_attenuation(O2Effect form, double k, double o, double* slope) {
    // df/do: half saturation k/(k+o)^2, exponential k e^{-k o} = k (1 - f), second order 2 o k/(k+o^2)^2; 0 below
    // o = 0, where f is held at f(0)
    const bool below = o < 0.0;
    o = std::max(o, 0.0);
    double f = 1.0, s = 0.0;
    switch (form) {
        case O2Effect::None: break;
        case O2Effect::HalfSaturation:
            f = k + o > 0.0 ? o / (k + o) : 0.0;
            s = below || !(k + o > 0.0) ? 0.0 : k / ((k + o) * (k + o));
            break;
        case O2Effect::Exponential: {
            // 1 - exp(-k o) where k o >= 0.5 (no cancellation: within 2 ulp of -expm1, and exp is several times
            // faster than expm1), -expm1 below
            const bool large = k * o >= 0.5;
            const double e = large ? std::exp(-k * o) : 0.0;
            f = large ? 1.0 - e : -std::expm1(-k * o);
            s = below ? 0.0 : k * (large ? e : 1.0 - f);
            break;
        }
        case O2Effect::SecondOrder:
            f = k + o * o > 0.0 ? o * o / (k + o * o) : 0.0;
            s = below || !(k + o * o > 0.0) ? 0.0 : 2.0 * o * k / ((k + o * o) * (k + o * o));
            break;
    }
    if (slope) *slope = s;
    return f;
}

OxygenGates oxygen_gates(const Parameters& p, double o) {
    OxygenGates x;
    x.g[0] = o2_attenuation(p.cbod_o2_effect, p.cbod_o2_k, o, &x.slope[0]);
    if (p.nitrification_o2_effect == p.cbod_o2_effect && p.nitrification_o2_k == p.cbod_o2_k) {
        x.g[1] = x.g[0];
        x.slope[1] = x.slope[0];
    } else {
        x.g[1] = o2_attenuation(p.nitrification_o2_effect, p.nitrification_o2_k, o, &x.slope[1]);
    }
    if (p.denitrification_o2_effect != O2Effect::None) {
        const bool same = p.denitrification_o2_effect == p.cbod_o2_effect && p.denitrification_o2_k == p.cbod_o2_k;
        x.g[2] = 1.0 - (same ? x.g[0] : o2_attenuation(p.denitrification_o2_effect, p.denitrification_o2_k, o));
    }
    return x;
}

namespace {

// The three rows of a measure that decays first-order and may draw on DO (CODMn, COD): its rate at 20 degC, the
// rate's temperature coefficient and the DO used per unit decayed. Texts are kept for the life of the program.
struct DecayRows {
    const char* key;  ///< "codmn"
    const char* en;   ///< "CODMn"
    const char* zh;   ///< "高锰酸盐指数"
    double Parameters::*k;
    double Parameters::*theta;
    double Parameters::*o2_ratio;
    double k_default;
    const char* k_source;
    const char* theta_source;
    const char* o2_source;
};

void add_decay_rows(std::vector<ParamDef>& t, const DecayRows& d) {
    static std::deque<std::string> texts;
    auto keep = [](std::string x) { return texts.emplace_back(std::move(x)).c_str(); };
    const std::string key = std::string("wq.") + d.key, en = d.en, zh = d.zh;
    t.push_back({keep(key + ".k20_per_d"), "1/d", d.k, d.k_default, 0.0, 10.0,
                 keep(en + " first-order decay rate at 20 degC"), keep(zh + "降解系数（20℃）"), d.k_source});
    t.push_back({keep(key + ".theta"), "-", d.theta, 1.047, 1.0, 1.2, keep("Temperature coefficient of " + en + " decay"),
                 keep(zh + "降解温度系数"), d.theta_source});
    t.push_back({keep(key + ".o2_ratio"), "gO2/g", d.o2_ratio, 0.0, 0.0, 1.0,
                 keep("DO consumed per unit of " + en + " decayed (0: " + en + " decay does not draw on DO)"),
                 keep(zh + "降解耗氧比"), d.o2_source});
}

}  // namespace

const std::vector<ParamDef>& parameter_table() {
    static const std::vector<ParamDef> t = [] {
        using P = Parameters;
        std::vector<ParamDef> v = {
        {"wq.cbod.k20_per_d", "1/d", &P::cbod_k20_per_d, 0.20, 0.0, 10.0, "CBOD oxidation rate at 20 degC",
         "碳化生化需氧量氧化速率（20℃）",
         "typical river range 0.1-0.5 1/d; calibrate to the case (Chapra 1997, Surface Water-Quality Modeling, ch. 19)"},
        {"wq.cbod.theta", "-", &P::cbod_theta, 1.047, 1.0, 1.2, "Temperature coefficient of CBOD oxidation",
         "生化需氧量氧化温度系数", "QUAL2K (QUAL2Kw v5.1 example file: tkdc = 1.047)"},
        {"wq.cbod.settling_m_d", "m/d", &P::cbod_settling_m_d, 0.0, 0.0, 10.0,
         "Settling velocity of particulate CBOD (loss vs/H)", "颗粒态生化需氧量沉降速度",
         "0: no settling unless calibrated (Chapra 1997, ch. 19: kr = kd + vs/H)"},
        {"wq.bod.bottle_k_per_d", "1/d", &P::bod_bottle_k_per_d, 0.23, 0.01, 2.0,
         "BOD bottle rate k1 relating BOD5 to ultimate CBOD: BOD5 = CBODu (1 - exp(-5 k1))",
         "五日生化需氧量瓶内耗氧速率 k1",
         "Metcalf & Eddy, Wastewater Engineering: typical k1 = 0.23 1/d (base e) at 20 degC (BOD5/BODu = 0.68)"},
        };
        add_decay_rows(v, {"codmn", "CODMn", "高锰酸盐指数", &P::codmn_k20_per_d, &P::codmn_theta, &P::codmn_o2_ratio, 0.10,
                           "project default; calibrate to the case", "as CBOD oxidation (QUAL2K tkdc = 1.047)",
                           "0 by default: CBOD already carries the oxygen demand of the same organic matter"});
        add_decay_rows(v, {"cod", "COD", "化学需氧量", &P::cod_k20_per_d, &P::cod_theta, &P::cod_o2_ratio, 0.20,
                           "as the COD state variable's default (Chapra 1997, ch. 19)", "QUAL2K CBOD oxidation theta = 1.047",
                           "0 by default: CBOD already carries the oxygen demand (QUAL2Kw useGenericAsCOD is the option)"});
        v.insert(v.end(), {
        {"wq.orgn.hydrolysis_k20_per_d", "1/d", &P::orgn_hydrolysis_k20_per_d, 0.20, 0.0, 10.0,
         "Organic N hydrolysis (ammonification) rate at 20 degC", "有机氮氨化速率（20℃）",
         "typical range 0.02-0.4 1/d; calibrate (Chapra 1997, ch. 23)"},
        {"wq.orgn.hydrolysis_theta", "-", &P::orgn_hydrolysis_theta, 1.07, 1.0, 1.2,
         "Temperature coefficient of organic N hydrolysis", "有机氮氨化温度系数", "QUAL2Kw v5.1 example file: tkhn = 1.07"},
        {"wq.orgn.settling_m_d", "m/d", &P::orgn_settling_m_d, 0.05, 0.0, 10.0, "Settling velocity of organic N",
         "有机氮沉降速度", "typical range 0.001-0.1 m/d; calibrate (Chapra 1997, ch. 23)"},
        {"wq.nitrification.k20_per_d", "1/d", &P::nitrification_k20_per_d, 0.15, 0.0, 10.0,
         "Nitrification rate NH3-N -> NO3-N at 20 degC", "硝化速率（20℃）",
         "as the NH3-N state variable's default (Chapra 1997, ch. 23); calibrate"},
        {"wq.nitrification.theta", "-", &P::nitrification_theta, 1.07, 1.0, 1.2, "Temperature coefficient of nitrification",
         "硝化温度系数", "QUAL2Kw v5.1 example file: tkn = 1.07"},
        {"wq.nitrification.o2_per_n", "gO2/gN", &P::o2_per_n_nitrified, 4.57, 4.0, 5.0,
         "Oxygen used per gram of NH3-N nitrified", "硝化耗氧量",
         "stoichiometry NH4+ + 2 O2 -> NO3- + H2O + 2 H+: 64/14 = 4.57 (QUAL2K ron)"},
        {"wq.denitrification.k20_per_d", "1/d", &P::denitrification_k20_per_d, 0.10, 0.0, 10.0,
         "Denitrification rate at 20 degC (times the oxygen enhancement 1 - f(o))", "反硝化速率（20℃）",
         "typical range 0-0.5 1/d; calibrate (Chapra 1997, ch. 23)"},
        {"wq.denitrification.theta", "-", &P::denitrification_theta, 1.07, 1.0, 1.2,
         "Temperature coefficient of denitrification", "反硝化温度系数", "QUAL2Kw v5.1 example file: tki = 1.07"},
        {"wq.denitrification.cbod_per_n", "gO2/gN", &P::cbod_per_n_denitrified, 2.86, 0.0, 3.0,
         "CBOD used per gram of NO3-N denitrified", "反硝化消耗生化需氧量",
         "stoichiometry: 5/4 x 32/14 = 2.86 oxygen equivalents per N (QUAL2K rondn)"},
        {"wq.orgp.hydrolysis_k20_per_d", "1/d", &P::orgp_hydrolysis_k20_per_d, 0.20, 0.0, 10.0,
         "Organic P hydrolysis rate at 20 degC", "有机磷矿化速率（20℃）", "typical range 0.01-0.7 1/d; calibrate"},
        {"wq.orgp.hydrolysis_theta", "-", &P::orgp_hydrolysis_theta, 1.07, 1.0, 1.2,
         "Temperature coefficient of organic P hydrolysis", "有机磷矿化温度系数", "QUAL2Kw v5.1 example file: tkhp = 1.07"},
        {"wq.orgp.settling_m_d", "m/d", &P::orgp_settling_m_d, 0.05, 0.0, 10.0, "Settling velocity of organic P",
         "有机磷沉降速度", "typical range 0.001-0.1 m/d; calibrate"},
        {"wq.ip.settling_m_d", "m/d", &P::ip_settling_m_d, 0.0, 0.0, 10.0,
         "Settling velocity of inorganic P (sorbed on particles)", "无机磷沉降速度",
         "0 by default (QUAL2Kw vip); calibrate where particulate P settles"},
        {"wq.reaeration.theta", "-", &P::ka_theta, 1.024, 1.0, 1.1, "Temperature coefficient of reaeration",
         "复氧温度系数", "QUAL2Kw v5.1 example file: tka = 1.024"},
        {"wq.sod.g_m2_d", "gO2/m2/d", &P::sod_g_m2_d, 0.0, 0.0, 20.0,
         "Sediment oxygen demand at 20 degC where a reach gives none", "底泥耗氧速率（20℃）",
         "0 unless measured: a reach's sod_g_m2_d overrides it"},
        {"wq.sod.theta", "-", &P::sod_theta, 1.06, 1.0, 1.2, "Temperature coefficient of SOD", "底泥耗氧温度系数",
         "QUAL2E documentation (Brown & Barnwell 1987), SOD theta = 1.060"},
        {"wq.cbod.o2_k", "L/mg", &P::cbod_o2_k, 0.60, 0.0, 10.0,
         "Oxygen attenuation parameter of CBOD oxidation (exponential: f = 1 - exp(-K o))", "生化需氧量氧化氧抑制参数",
         "QUAL2K rates sheet: exponential, 0.60 L/mgO2"},
        {"wq.nitrification.o2_k", "L/mg", &P::nitrification_o2_k, 0.60, 0.0, 10.0,
         "Oxygen inhibition parameter of nitrification", "硝化氧抑制参数", "QUAL2K rates sheet: exponential, 0.60 L/mgO2"},
        {"wq.denitrification.o2_k", "L/mg", &P::denitrification_o2_k, 0.60, 0.0, 10.0,
         "Oxygen enhancement parameter of denitrification (1 - f(o))", "反硝化氧增强参数",
         "QUAL2K rates sheet: exponential, 0.60 L/mgO2"},
        });
        return v;
    }();
    return t;
}

Parameters Parameters::defaults() {
    Parameters p{};
    for (const auto& d : parameter_table()) p.*(d.field) = d.default_value;
    return p;
}

bool depends_on_oxygen(const Parameters& p) {
    return (p.cbod_o2_effect != O2Effect::None && p.cbod_k20_per_d > 0.0) ||
           (p.nitrification_o2_effect != O2Effect::None && p.nitrification_k20_per_d > 0.0) ||
           (p.denitrification_o2_effect != O2Effect::None && p.denitrification_k20_per_d > 0.0);
}

ProcessTable process_table(const Parameters& p, const Environment& env, double o) {
    const double t = env.temperature_c;
    const double h = env.depth_m;
    if (!(h > 0.0)) throw ModelError("water-quality kinetics need a depth > 0 m (settling and SOD per depth)");
    auto term = [](int from, double k, std::initializer_list<std::pair<int, double>> yields, double r0 = 0.0) {
        ProcessTerm x;
        x.from = from;
        x.k = k;
        x.r0 = r0;
        for (const auto& [i, y] : yields) x.yield[i] = y;
        return x;
    };
    // denitrification is enhanced at low oxygen: 1 - f(o); with O2Effect::None it is first order in NO3
    const OxygenGates og = oxygen_gates(p, o);
    const double kd = arrhenius(p.cbod_k20_per_d, p.cbod_theta, t) * og.g[0];
    const double kmn = arrhenius(p.codmn_k20_per_d, p.codmn_theta, t);
    const double kcod = arrhenius(p.cod_k20_per_d, p.cod_theta, t);
    const double kn = arrhenius(p.nitrification_k20_per_d, p.nitrification_theta, t) * og.g[1];
    const double kdn = arrhenius(p.denitrification_k20_per_d, p.denitrification_theta, t) * og.g[2];
    const double ka = arrhenius(env.ka20_per_d, p.ka_theta, t);
    const double sod = arrhenius(env.sod_g_m2_d >= 0.0 ? env.sod_g_m2_d : p.sod_g_m2_d, p.sod_theta, t);
    ProcessTable pt;
    pt[CbodOxidation] = term(CBOD, kd, {{CBOD, -1.0}, {DO, -1.0}});
    pt[CbodSettling] = term(CBOD, p.cbod_settling_m_d / h, {{CBOD, -1.0}});
    pt[CodmnDecay] = term(CODMn, kmn, {{CODMn, -1.0}, {DO, -p.codmn_o2_ratio}});
    pt[CodDecay] = term(COD, kcod, {{COD, -1.0}, {DO, -p.cod_o2_ratio}});
    pt[OrgNHydrolysis] = term(OrgN, arrhenius(p.orgn_hydrolysis_k20_per_d, p.orgn_hydrolysis_theta, t),
                              {{OrgN, -1.0}, {NH3N, 1.0}});
    pt[OrgNSettling] = term(OrgN, p.orgn_settling_m_d / h, {{OrgN, -1.0}});
    pt[Nitrification] = term(NH3N, kn, {{NH3N, -1.0}, {NO3N, 1.0}, {DO, -p.o2_per_n_nitrified}});
    pt[Denitrification] = term(NO3N, kdn, {{NO3N, -1.0}, {CBOD, -p.cbod_per_n_denitrified}});
    pt[OrgPHydrolysis] = term(OrgP, arrhenius(p.orgp_hydrolysis_k20_per_d, p.orgp_hydrolysis_theta, t),
                              {{OrgP, -1.0}, {IP, 1.0}});
    pt[OrgPSettling] = term(OrgP, p.orgp_settling_m_d / h, {{OrgP, -1.0}});
    pt[IpSettling] = term(IP, p.ip_settling_m_d / h, {{IP, -1.0}});
    // ka (os - o) = ka os - ka o: zero-order part ka os, first-order part -ka on DO
    pt[Reaeration] = term(DO, -ka, {{DO, 1.0}}, ka * env.os_mgL);
    pt[SedimentO2Demand] = term(-1, 0.0, {{DO, -1.0}}, sod / h);
    return pt;
}

PerProcess process_rates(const Parameters& p, const Environment& env, const State& y) {
    const ProcessTable pt = process_table(p, env, y[DO]);
    PerProcess r{};
    for (int q = 0; q < kNumProcesses; ++q) r[q] = (pt[q].from >= 0 ? pt[q].k * y[pt[q].from] : 0.0) + pt[q].r0;
    return r;
}

State derivative(const Parameters& p, const Environment& env, const State& y) {
    const ProcessTable pt = process_table(p, env, y[DO]);
    State d{};
    for (const auto& x : pt) {
        const double rate = (x.from >= 0 ? x.k * y[x.from] : 0.0) + x.r0;
        for (int i = 0; i < kNumSpecies; ++i) d[i] += x.yield[i] * rate;
    }
    return d;
}

Assembled assemble(const LinearForm& f) {
    Assembled s;
    s.c0 = f.inflow0;
    s.c1 = f.inflow1;
    for (int q = 0; q < kNumProcesses; ++q) {
        const ProcessTerm& x = f.process[q];
        for (int i = 0; i < kNumSpecies; ++i) {
            if (x.yield[i] == 0.0) continue;
            if (x.from >= 0) s.a[i][x.from] += x.yield[i] * x.k;
            s.c0[i] += x.yield[i] * x.r0;
            s.c1[i] += x.yield[i] * f.r1[q];
        }
    }
    for (int i = 0; i < kNumSpecies; ++i)
        for (int j = i + 1; j < kNumSpecies; ++j)
            if (s.a[i][j] != 0.0) throw ModelError("water-quality process table is not lower triangular");
    return s;
}

// Each process's integral over [0, h] from the integral of every species (state units times s).
PerProcess processed_over(const LinearForm& form, const State& integral, double h) {
    PerProcess r{};
    for (int q = 0; q < kNumProcesses; ++q) {
        const ProcessTerm& x = form.process[q];
        r[q] = x.r0 * h + form.r1[q] * h * h / 2.0;
        if (x.from >= 0 && x.k != 0.0) r[q] += x.k * integral[x.from];
    }
    return r;
}

namespace {

// The augmented matrix in the order [1, sigma, y...] is lower triangular; products of lower-triangular matrices.
constexpr int kAug = kNumSpecies + 2;
using Aug = std::array<std::array<double, kAug>, kAug>;

Aug multiply(const Aug& a, const Aug& b) {
    Aug c{};
    for (int i = 0; i < kAug; ++i)
        for (int k = 0; k <= i; ++k) {
            const double aik = a[i][k];
            if (aik == 0.0) continue;
            for (int j = 0; j <= k; ++j) c[i][j] += aik * b[k][j];
        }
    return c;
}

// exp(E h) w0 by scaling and squaring: E h / 2^q has ||A|| h / 2^q <= 1/2, its exponential is the Taylor series to
// degree 16 (remainder < 0.5^17/17! = 2e-20 relative), squared q times. For segments where stepping the vector would
// take many substeps (fast reaeration of shallow reaches).
State apply_exponential(const Assembled& s, const State& y0, double h, double norm) {
    int q = 0;
    double scaled = norm * h;
    while (scaled > 0.5) {
        scaled *= 0.5;
        ++q;
    }
    const double tau = std::ldexp(h, -q);
    Aug x{};
    x[1][0] = tau;  // d sigma / ds = 1
    for (int i = 0; i < kNumSpecies; ++i) {
        x[2 + i][0] = s.c0[i] * tau;
        x[2 + i][1] = s.c1[i] * tau;
        for (int j = 0; j <= i; ++j) x[2 + i][2 + j] = s.a[i][j] * tau;
    }
    // Horner: F = I + X (I + X/2 (I + X/3 (... (I + X/16))))
    Aug f{};
    for (int i = 0; i < kAug; ++i) f[i][i] = 1.0;
    for (int k = 16; k >= 1; --k) {
        Aug g = multiply(x, f);
        for (int i = 0; i < kAug; ++i)
            for (int j = 0; j <= i; ++j) g[i][j] = g[i][j] / k + (i == j ? 1.0 : 0.0);
        f = g;
    }
    for (int i = 0; i < q; ++i) f = multiply(f, f);
    State y{};
    for (int i = 0; i < kNumSpecies; ++i) {
        double v = f[2 + i][0];  // w0 = [1, 0, y0]
        for (int j = 0; j <= i; ++j) v += f[2 + i][2 + j] * y0[j];
        y[i] = v;
    }
    return y;
}

}  // namespace

AffineSolution solve_affine(const LinearForm& form, const State& y0, double h) {
    AffineSolution out;
    out.y = y0;
    if (h <= 0.0) return out;
    const Assembled s = assemble(form);
    // w = [y; sigma; 1] with dw/ds = E w, E = [[A, c1, c0], [0, 0, 1], [0, 0, 0]]; w(h) = exp(E h) w(0) by m
    // substeps of a Taylor series, each with ||A tau|| <= 1/2 so the series converges fast; it is summed until a
    // term is below 1e-17 of the sum (and past the nilpotent forcing terms).
    double norm = 0.0;
    for (int i = 0; i < kNumSpecies; ++i) {
        double r = 0.0;
        for (int j = 0; j <= i; ++j) r += std::abs(s.a[i][j]);
        norm = std::max(norm, r);
    }
    const int m = std::max(1, static_cast<int>(std::ceil(norm * h / 0.5)));
    State y = y0;
    // the matrix is sparse (9 diagonal and 8 coupling entries in the default process table): step with its entries
    struct Entry {
        int i, j;
        double a;
    };
    std::array<Entry, kNumSpecies*(kNumSpecies + 1) / 2> nz{};
    int n_nz = 0;
    for (int i = 0; i < kNumSpecies; ++i)
        for (int j = 0; j <= i; ++j)
            if (s.a[i][j] != 0.0) nz[n_nz++] = {i, j, s.a[i][j]};
    if (m > 6) {
        y = apply_exponential(s, y0, h, norm);
    } else {
        const double tau = h / m;
        double sigma = 0.0;
        for (int step = 0; step < m; ++step) {
            State term_y = y, sum_y = y;
            double term_s = sigma, term_1 = 1.0, sum_s = sigma;
            for (int k = 1; k < 60; ++k) {
                State ny;
                for (int i = 0; i < kNumSpecies; ++i) ny[i] = s.c1[i] * term_s + s.c0[i] * term_1;
                for (int e = 0; e < n_nz; ++e) ny[nz[e].i] += nz[e].a * term_y[nz[e].j];
                const double f = tau / k;
                for (int i = 0; i < kNumSpecies; ++i) ny[i] *= f;
                const double ns = term_1 * tau / k;
                term_y = ny;
                term_s = ns;
                term_1 = 0.0;
                double tn = std::abs(term_s), sn = std::abs(sum_s + term_s);
                for (int i = 0; i < kNumSpecies; ++i) {
                    sum_y[i] += term_y[i];
                    tn = std::max(tn, std::abs(term_y[i]));
                    sn = std::max(sn, std::abs(sum_y[i]));
                }
                sum_s += term_s;
                if (k >= 3 && tn <= 1e-17 * sn) break;
            }
            y = sum_y;
            sigma = sum_s;
        }
    }
    out.y = y;
    // integrals of y over [0, h] by forward substitution: y(h) - y0 = A int y + c0 h + c1 h^2/2, A lower triangular
    State integral{};
    for (int i = 0; i < kNumSpecies; ++i) {
        double rhs = y[i] - y0[i] - s.c0[i] * h - s.c1[i] * h * h / 2.0;
        for (int j = 0; j < i; ++j)
            if (s.a[i][j] != 0.0) rhs -= s.a[i][j] * integral[j];
        // a species no process draws on (a[i][i] = 0) is never needed: every process from i is part of a[i][i]
        integral[i] = s.a[i][i] != 0.0 ? rhs / s.a[i][i] : std::numeric_limits<double>::quiet_NaN();
    }
    out.processed = processed_over(form, integral, h);
    return out;
}

namespace {

double error_ratio(const State& a, const State& b, const State& y0, const StepOptions& opt) {
    double err = 0.0;
    for (int i = 0; i < kNumSpecies; ++i) {
        const double scale = opt.abs_tol + opt.rel_tol * std::max(std::abs(a[i]), std::abs(y0[i]));
        err = std::max(err, std::abs(a[i] - b[i]) / scale);
    }
    return err;
}

// One symmetric step: the exact solution of the form frozen at the mean of the step's start and end states (an
// exponential implicit midpoint rule), the end state found by fixed-point iteration. Being symmetric, its error
// expands in even powers of h, which the extrapolation below uses.
AffineSolution midpoint_step(const FormAt& form_at, const State& y0, double s0, double h, const StepOptions& opt) {
    AffineSolution r = solve_affine(form_at(y0, s0, s0), y0, h);
    for (int it = 0; it < 12; ++it) {
        State mid;
        for (int i = 0; i < kNumSpecies; ++i) mid[i] = 0.5 * (y0[i] + r.y[i]);
        const AffineSolution next = solve_affine(form_at(mid, s0 + 0.5 * h, s0), y0, h);
        const double change = error_ratio(next.y, r.y, y0, opt);
        r = next;
        if (change <= 1e-3) break;
    }
    return r;
}

AffineSolution add(const AffineSolution& a, const AffineSolution& b) {
    AffineSolution r;
    r.y = b.y;
    for (int q = 0; q < kNumProcesses; ++q) r.processed[q] = a.processed[q] + b.processed[q];
    return r;
}

// a + (a - b) / d, for states and process totals alike: a linear combination of solutions that each conserve N and
// P (in - out = settled + denitrified) conserves them too.
AffineSolution extrapolate(const AffineSolution& a, const AffineSolution& b, double d) {
    AffineSolution r;
    for (int i = 0; i < kNumSpecies; ++i) r.y[i] = a.y[i] + (a.y[i] - b.y[i]) / d;
    for (int q = 0; q < kNumProcesses; ++q) r.processed[q] = a.processed[q] + (a.processed[q] - b.processed[q]) / d;
    return r;
}

// Romberg extrapolation of the midpoint rule with 1, 2, 4, ... substeps (Gragg-Bulirsch-Stoer in spirit): accepted
// when two successive diagonal entries agree to the tolerance (after at least three levels); else the step is
// halved.
AffineSolution extrapolated(const FormAt& form_at, const State& y0, double s0, double h, const StepOptions& opt,
                            int depth) {
    constexpr int kLevels = 6;
    std::array<std::array<AffineSolution, kLevels>, kLevels> t{};
    for (int k = 0; k < kLevels; ++k) {
        const int n = 1 << k;
        const double dh = h / n;
        AffineSolution acc = midpoint_step(form_at, y0, s0, dh, opt);
        for (int j = 1; j < n; ++j) acc = add(acc, midpoint_step(form_at, acc.y, s0 + j * dh, dh, opt));
        t[k][0] = acc;
        double four = 1.0;
        for (int j = 1; j <= k; ++j) {
            four *= 4.0;
            t[k][j] = extrapolate(t[k][j - 1], t[k - 1][j - 1], four - 1.0);
        }
        if (k >= 2 && error_ratio(t[k][k].y, t[k - 1][k - 1].y, y0, opt) <= 1.0) return t[k][k];
    }
    if (depth >= opt.max_depth) return t[kLevels - 1][kLevels - 1];
    const AffineSolution a = extrapolated(form_at, y0, s0, 0.5 * h, opt, depth + 1);
    return add(a, extrapolated(form_at, a.y, s0 + 0.5 * h, 0.5 * h, opt, depth + 1));
}

}  // namespace

AffineSolution solve_frozen(const FormAt& form_at, const State& y0, double h, const StepOptions& opt) {
    if (h <= 0.0) {
        AffineSolution r;
        r.y = y0;
        return r;
    }
    if (!opt.state_dependent) return solve_affine(form_at(y0, 0.0, 0.0), y0, h);
    return extrapolated(form_at, y0, 0.0, h, opt, 0);
}

AffineSolution advance(const Parameters& p, const Environment& env, const State& y0, double dt_d, double rel_tol) {
    {   // the Taylor series (kinetics_series.hpp); where DO reaches 0 under oxygen effects, the frozen substeps
        const ProcessTable t = KineticsAt(p, env.temperature_c).table(env);
        SeriesSegment seg;
        seg.table = &t;
        seg.length = dt_d;
        AffineSolution r;
        if (solve_series(p, seg, y0, r)) return r;
    }
    StepOptions opt;
    opt.state_dependent = depends_on_oxygen(p);
    opt.rel_tol = rel_tol;
    const FormAt form_at = [&](const State& y_ref, double, double) {
        LinearForm f;
        f.process = process_table(p, env, y_ref[DO]);
        return f;
    };
    return solve_frozen(form_at, y0, dt_d, opt);
}

AffineSolution solve_plug_segment(const Parameters& p, const Environment& env, const PlugSegment& seg,
                                  const State& load_in_gs, double rel_tol) {
    if (!(seg.velocity_ms > 0.0)) throw ModelError("plug-flow segment needs a velocity > 0 m/s");
    {   // the Taylor series (kinetics_series.hpp); where DO reaches 0 under oxygen effects, the frozen substeps
        const ProcessTable t = KineticsAt(p, env.temperature_c).table(env);
        AffineSolution r;
        if (solve_series(p, plug_series_segment(t, seg), load_in_gs, r)) return r;
    }
    return solve_plug_frozen(p, env, seg, load_in_gs, rel_tol);
}

AffineSolution solve_plug_frozen(const Parameters& p, const Environment& env, const PlugSegment& seg,
                                 const State& load_in_gs, double rel_tol) {
    if (!(seg.velocity_ms > 0.0)) throw ModelError("plug-flow segment needs a velocity > 0 m/s");
    StepOptions opt;
    opt.state_dependent = depends_on_oxygen(p);
    opt.rel_tol = rel_tol;
    const double per_s = 1.0 / 86400.0;
    const double inv_u = 1.0 / seg.velocity_ms;
    const FormAt form_at = [&](const State& l_ref, double x_ref, double x_origin) {
        const double q_ref = seg.flow_in_m3s + seg.lateral_m3s_per_m * x_ref;
        const double q_origin = seg.flow_in_m3s + seg.lateral_m3s_per_m * x_origin;
        const double do_ref = q_ref > 0.0 ? l_ref[DO] / q_ref : 0.0;
        LinearForm f;
        f.process = process_table(p, env, do_ref);
        for (int q = 0; q < kNumProcesses; ++q) {
            ProcessTerm& t = f.process[q];
            const double r0 = t.r0 * per_s;       // mg/L/s
            t.k *= per_s * inv_u;                 // 1/m on the load
            t.r0 = r0 * q_origin * inv_u;         // g/s per m at the step's origin
            f.r1[q] = r0 * seg.lateral_m3s_per_m * inv_u;
        }
        for (int i = 0; i < kNumSpecies; ++i) f.inflow0[i] = seg.lateral_load_gs_per_m[i];
        return f;
    };
    return solve_frozen(form_at, load_in_gs, seg.length_m, opt);
}

MixedElement solve_mixed_element(const Parameters& p, const Environment& env, const State& load_in_gs,
                                 double flow_m3s, double volume_m3) {
    if (!(env.depth_m > 0.0)) throw ModelError("water-quality kinetics need a depth > 0 m (settling and SOD per depth)");
    return mixed_element_at(p, KineticsAt(p, env.temperature_c).table(env), load_in_gs, flow_m3s, volume_m3);
}

}  // namespace qingliu::reaches::wq
