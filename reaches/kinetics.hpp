// Water-quality kinetics as QUAL2K models them (Chapra, Pelletier & Tao, QUAL2K documentation; Chapra 1997,
// Surface Water-Quality Modeling, chs. 19-25), without algae and without the diel heat budget.
//
// State (mg/L): organic N, NH3-N, NO3-N, ultimate carbonaceous BOD (CBODu), CODMn, COD, organic P, inorganic P, DO.
// The order is chosen so that every process moves mass from a species to later ones only: the reaction matrix is
// lower triangular. Processes (rates in mg/L/d at temperature T, k_T = k20 theta^(T-20); settling velocities v in
// m/d are not temperature-corrected, as in QUAL2K):
//   CBOD oxidation       kd f_cb(o) L                   L -1, DO -1
//   CBOD settling        (v_s / H) L                    L -1          (particulate CBOD; Chapra 1997 eq. 19.x, kr = kd + ks)
//   CODMn decay          k_mn CODMn                     CODMn -1, DO -r_mn   (r_mn = 0: the decay does not consume DO)
//   COD decay            k_cod COD                      COD -1, DO -r_cod
//   organic N hydrolysis k_hn No                        No -1, NH3 +1
//   organic N settling   (v_on / H) No                  No -1
//   nitrification        k_n f_n(o) NH3                 NH3 -1, NO3 +1, DO -4.57
//   denitrification      k_dn (1 - f_dn(o)) NO3         NO3 -1, CBOD -2.86        (r_ondn = 2.86 gO2 per gN)
//   organic P hydrolysis k_hp Po                        Po -1, IP +1
//   organic P settling   (v_op / H) Po                  Po -1
//   inorganic P settling (v_ip / H) IP                  IP -1
//   reaeration           ka (os - o)                    DO +1
//   sediment O2 demand   SOD / H                        DO -1      (SOD in g O2/m2/d)
// f(o) is the oxygen attenuation of QUAL2K (half-saturation o/(K+o), exponential 1 - e^(-K o), second order
// o^2/(K+o^2)), or 1 when switched off. TN = No + NH3 + NO3, TP = Po + IP; BOD5 = CBODu (1 - e^(-5 k1)), k1 the
// bottle rate.
//
// advance, solve_plug_segment and the solvers use the Taylor series of the full nonlinear system
// (reaches/kinetics_series.hpp), exact to rounding, oxygen effects and DO crossing 0 included; what follows is the
// reference they fall back to should a series substep not converge.
// Over a step in which the rates are constant the system is linear, dy/dt = A y + b, and is solved exactly
// (solve_affine: the exponential of the small augmented matrix applied to the state, by a scaled Taylor series
// whose truncation is below 1e-17 relative, stepping the vector or, for stiff segments, squaring the matrix). With
// oxygen attenuation the matrix depends on DO; it is frozen at the mean of each substep's start and end states (an
// exponential implicit midpoint rule, symmetric) and the results with 1, 2, 4, ... substeps are extrapolated
// (Romberg) until two levels agree to the tolerance, else the step is halved; the answer converges to the nonlinear
// ODE's. Mass moves between the named pools of the process table, and every extrapolation is a linear combination
// of conserving solutions, so N and P are conserved less settling and denitrification by construction.
#pragma once
#include <array>
#include <functional>
#include <string_view>
#include <vector>

#include "common/variables.hpp"

namespace qingliu::reaches::wq {

enum Species : int { OrgN, NH3N, NO3N, CBOD, CODMn, COD, OrgP, IP, DO };
inline constexpr int kNumSpecies = 9;
using State = std::array<double, kNumSpecies>;
using Matrix = std::array<State, kNumSpecies>;  ///< row i: d y_i / dt = sum_j a[i][j] y_j + ...

/// The species are the water-quality set of the variable table (common/variables.hpp: kWaterQualitySet, in the
/// order of Species); key and labels are the table's.
struct SpeciesInfo {
    std::string_view key, label_en, label_zh;
};
inline constexpr std::array<SpeciesInfo, kNumSpecies> kSpecies = [] {
    static_assert(kWaterQualitySet.size() == kNumSpecies);
    std::array<SpeciesInfo, kNumSpecies> a{};
    for (int i = 0; i < kNumSpecies; ++i) {
        const VariableDef& d = variable_def(kWaterQualitySet[static_cast<std::size_t>(i)]);
        a[static_cast<std::size_t>(i)] = {d.key, d.label_en, d.label_zh};
    }
    return a;
}();
static_assert(kWaterQualitySet[OrgN] == Var::OrgN && kWaterQualitySet[NH3N] == Var::NH3N &&
              kWaterQualitySet[NO3N] == Var::NO3N && kWaterQualitySet[CBOD] == Var::CBODu &&
              kWaterQualitySet[CODMn] == Var::CODMn && kWaterQualitySet[COD] == Var::COD &&
              kWaterQualitySet[OrgP] == Var::OrgP && kWaterQualitySet[IP] == Var::IP && kWaterQualitySet[DO] == Var::DO,
              "Species and kWaterQualitySet must name the species in the same order");

inline double total_n(const State& y) { return y[OrgN] + y[NH3N] + y[NO3N]; }
inline double total_p(const State& y) { return y[OrgP] + y[IP]; }

/// BOD5 from ultimate CBOD and back: BOD5 = CBODu (1 - exp(-5 k1)), k1 the bottle rate (1/d).
double bod5_from_cbodu(double cbodu_mgL, double bottle_k_per_d);
double cbodu_from_bod5(double bod5_mgL, double bottle_k_per_d);

/// QUAL2K's oxygen attenuation of an oxidation, f(o) in [0, 1]; a denitrification enhancement is 1 - f(o).
/// slope (if given): df/do, 0 below o = 0 (where f is held at f(0)).
enum class O2Effect { None, HalfSaturation, Exponential, SecondOrder };
double o2_attenuation(O2Effect form, double k, double do_mgL, double* slope = nullptr);

/// Kinetic parameters at 20 degC. Defaults, ranges and sources: parameter_table().
struct Parameters {
    double cbod_k20_per_d, cbod_theta, cbod_settling_m_d, bod_bottle_k_per_d;
    double codmn_k20_per_d, codmn_theta, codmn_o2_ratio;
    double cod_k20_per_d, cod_theta, cod_o2_ratio;
    double orgn_hydrolysis_k20_per_d, orgn_hydrolysis_theta, orgn_settling_m_d;
    double nitrification_k20_per_d, nitrification_theta, o2_per_n_nitrified;
    double denitrification_k20_per_d, denitrification_theta, cbod_per_n_denitrified;
    double orgp_hydrolysis_k20_per_d, orgp_hydrolysis_theta, orgp_settling_m_d, ip_settling_m_d;
    double ka_theta, sod_g_m2_d, sod_theta;
    double cbod_o2_k, nitrification_o2_k, denitrification_o2_k;
    O2Effect cbod_o2_effect = O2Effect::Exponential;
    O2Effect nitrification_o2_effect = O2Effect::Exponential;
    O2Effect denitrification_o2_effect = O2Effect::Exponential;

    /// Every numeric field at its parameter_table() default.
    static Parameters defaults();
};

/// The oxygen gates of p at DO o, as every kinetics path applies them: g[0] = f(o) on CBOD oxidation, g[1] = f(o) on
/// nitrification, g[2] = 1 - f(o) on denitrification (1 without an effect), and slope[0..1] = df/do of the first
/// two (o2_attenuation). Gates of the same form and constant as CBOD oxidation's (QUAL2K's defaults) are evaluated
/// once.
struct OxygenGates {
    double g[3] = {1.0, 1.0, 1.0};
    double slope[2] = {0.0, 0.0};
};
OxygenGates oxygen_gates(const Parameters& p, double do_mgL);

/// One declarative row per numeric parameter: case-file key, unit, default, inclusive range, meaning, source.
struct ParamDef {
    const char* key;  ///< e.g. "wq.cbod.k20_per_d"
    const char* unit;
    double Parameters::*field;
    double default_value, min, max;
    const char* en;
    const char* zh;
    const char* source;
};
const std::vector<ParamDef>& parameter_table();

/// Conditions of a reach (or cell) over a step.
struct Environment {
    double temperature_c = 20.0;
    double depth_m = 1.0;        ///< mean depth: settling v/H and SOD/H
    double ka20_per_d = 0.0;     ///< reaeration at 20 degC (reaches/oxygen.hpp), corrected with ka_theta
    double os_mgL = 0.0;         ///< DO saturation (do_saturation_mgL)
    double sod_g_m2_d = -1.0;    ///< the reach's SOD at 20 degC; < 0: the parameter default
};

/// The named processes, in the order of the process table (see the file comment).
enum Process : int {
    CbodOxidation, CbodSettling, CodmnDecay, CodDecay, OrgNHydrolysis, OrgNSettling, Nitrification,
    Denitrification, OrgPHydrolysis, OrgPSettling, IpSettling, Reaeration, SedimentO2Demand
};
inline constexpr int kNumProcesses = 13;
inline constexpr std::array<std::string_view, kNumProcesses> kProcessKeys{
    "cbod_oxidation", "cbod_settling", "codmn_decay", "cod_decay", "orgn_hydrolysis", "orgn_settling",
    "nitrification", "denitrification", "orgp_hydrolysis", "orgp_settling", "ip_settling", "reaeration", "sod"};
using PerProcess = std::array<double, kNumProcesses>;

/// A process's rate is affine in the state: rate = k y[from] + r0 (mg/L/d); it changes species i by yield[i] * rate.
struct ProcessTerm {
    int from = -1;      ///< species the first-order part draws on; -1: zero-order only
    double k = 0.0;     ///< 1/d (attenuation included)
    double r0 = 0.0;    ///< mg/L/d
    State yield{};
};
using ProcessTable = std::array<ProcessTerm, kNumProcesses>;

/// The process table at the environment's temperature and depth, with oxygen effects evaluated at do_mgL.
ProcessTable process_table(const Parameters& p, const Environment& env, double do_mgL);
/// True when some process rate depends on DO (an O2Effect other than None with a nonzero rate).
bool depends_on_oxygen(const Parameters& p);

/// dy/dt of the full (nonlinear) kinetics at state y: the process table at y[DO] applied to y.
State derivative(const Parameters& p, const Environment& env, const State& y);
/// Rates of every process at y (mg/L/d).
PerProcess process_rates(const Parameters& p, const Environment& env, const State& y);

/// A linear system over a step of length h in a variable s (time in d, or distance in m):
///   y' = A y + c0 + c1 s,  with process p's rate k_p y[from_p] + r0_p + r1_p s contributing yield_p.
struct LinearForm {
    ProcessTable process{};  ///< k and r0 in units per unit s
    PerProcess r1{};         ///< rate growth per unit s (loads along a reach with lateral inflow)
    State inflow0{}, inflow1{};  ///< external input c0, c1 that is no process (lateral inflow load)
};
/// Exact y(h) of the linear form from y0, and each process's integral over [0, h] (units of y).
struct AffineSolution {
    State y{};
    PerProcess processed{};
};
AffineSolution solve_affine(const LinearForm& form, const State& y0, double h);

/// The same exact solution as solve_affine, fast: the species whose rate over h is moderate (|a_ii| h <= 1, or
/// any rate where another species draws on it; in substeps of |a_ii| tau <= 1) are the Taylor series of their
/// coupled equations, summed until a term is below 1e-17 of the species' scale; a stiff species that no other draws on (DO: fast reaeration of shallow reaches) is
/// integrated exactly against that polynomial forcing g(s) = sum_k g_k (s/tau)^k:
///   y(tau) = e^{a tau} y(0) + tau sum_k g_k psi_k(a tau),  psi_k(z) = int_0^1 e^{z(1-u)} u^k du = k! phi_k+1(z),
/// psi_k by psi_k = (k psi_k-1 - 1)/z upwards where k < |z| and downwards from its series where k >= |z| (both
/// stable). No difference of rates is divided by, so equal or nearly equal rates need no special case. The integrals
/// of the moderate species are those of their series, of the stiff ones by forward substitution as in
/// solve_affine. Forms it does not cover (a stiff species that another draws on, a growing one, more than 16
/// substeps) go to solve_affine.
AffineSolution solve_linear(const LinearForm& form, const State& y0, double h);

/// The matrix and forcing of a linear form, y' = a y + c0 + c1 s; throws ModelError unless a is lower triangular.
struct Assembled {
    Matrix a{};
    State c0{}, c1{};
};
Assembled assemble(const LinearForm& f);
/// Each process's integral over [0, h] from the integral of every species over it (state units times s).
PerProcess processed_over(const LinearForm& form, const State& integral, double h);

/// Builds the linear form of a step starting at s_origin (its s counts from there), with DO-dependent effects
/// frozen at the reference state y_ref found at position s_ref.
using FormAt = std::function<LinearForm(const State& y_ref, double s_ref, double s_origin)>;
struct StepOptions {
    bool state_dependent = true;   ///< false: the form does not depend on y_ref (one exact solve)
    double rel_tol = 1e-11;        ///< extrapolation levels agree to rel_tol (+ abs_tol)
    double abs_tol = 1e-12;        ///< mg/L (or g/s)
    int max_depth = 24;
};
/// y(h) from y0: exact when the form does not depend on the state; else the extrapolated midpoint substeps of the
/// file comment. processed: each process's integral, consistent with y.
AffineSolution solve_frozen(const FormAt& form_at, const State& y0, double h, const StepOptions& opt = {});

/// Advances a completely mixed volume (or a parcel in plug flow) by dt_d days under the kinetics alone.
AffineSolution advance(const Parameters& p, const Environment& env, const State& y0, double dt_d,
                       double rel_tol = 1e-11);

/// A plug-flow segment of a reach between consecutive points: flow Q(x) = flow_in + q_l x, velocity u (at the
/// segment's mean flow, as the steady solver takes it), lateral inflow q_l (m3/s per m) bringing s_l (g/s per m).
/// In loads L = Q C (g/s) every process acts on the water in the segment's cross-section A_c = Q(x)/u:
///   dL/dx = sum_p yield_p [ (k_p/u) L_from + r0_p Q(x)/u ] + s_l       (k in 1/s, r0 in mg/L/s)
/// which is the linear form in x solved exactly (solve_frozen). processed: each process's total in g/s.
struct PlugSegment {
    double flow_in_m3s = 0.0;
    double lateral_m3s_per_m = 0.0;
    double velocity_ms = 0.0;
    double length_m = 0.0;
    State lateral_load_gs_per_m{};
};
AffineSolution solve_plug_segment(const Parameters& p, const Environment& env, const PlugSegment& seg,
                                  const State& load_in_gs, double rel_tol = 1e-11);
/// The same segment by the extrapolated frozen substeps alone (solve_frozen to rel_tol), without the series: the
/// general solve the series is checked against.
AffineSolution solve_plug_frozen(const Parameters& p, const Environment& env, const PlugSegment& seg,
                                 const State& load_in_gs, double rel_tol = 1e-11);

/// A completely mixed element at steady state (QUAL2K's element): inflow load W (g/s) and flow Q through a volume
/// V (m3); 0 = W - Q C + V (A C + b) with A, b of the process table, solved by forward substitution (A is lower
/// triangular) and, when rates depend on DO, by fixed-point iteration on DO to 1e-13 relative.
/// processed: each process's total in g/s (rate x V).
struct MixedElement {
    State conc_mgL{};
    PerProcess processed{};
};
MixedElement solve_mixed_element(const Parameters& p, const Environment& env, const State& load_in_gs,
                                 double flow_m3s, double volume_m3);

}  // namespace qingliu::reaches::wq
