// Calibration (参数率定): decay rates k20 per constituent (and optionally the inventory's entry-into-river
// coefficients) fitted to observed section concentrations by bounded least squares.
//
// Objective (dimensionless, so COD and TP weigh alike):
//     J(p) = sum_c sum_i ((C_model,ic(p) - C_obs,ic) / s_c)^2,   s_c = mean of the observed values of constituent c
// minimised within bounds by NLopt's BOBYQA (Powell 2009, bound-constrained quadratic models; derivative-free). Each
// evaluation runs the steady model. k20 of one constituent only affects that constituent, so without entry
// coefficients each constituent is fitted on its own (one-dimensional problems); with entry coefficients all
// parameters are fitted together.
// Goodness of fit per constituent, over its n observations o_i and modelled m_i:
//     RMSE = sqrt(mean (m - o)^2);  bias = mean (m - o);
//     NSE  = 1 - sum (o - m)^2 / sum (o - mean o)^2   (Nash & Sutcliffe 1970; needs n >= 2 and varying o);
//     R^2  = squared Pearson correlation of o and m   (needs n >= 2 and varying o and m).
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "scenarios/case.hpp"
#include "scenarios/observations.hpp"

namespace qingliu::scenarios {

struct CalibrationOptions {
    std::array<bool, kNumConstituents> fit_k = uniform(true);
    /// Bounds of k20 (1/d); negative: the parameter table's range for kinetics.<c>.k20_per_d.
    std::array<double, kNumConstituents> k_low = uniform(-1.0), k_high = uniform(-1.0);
    /// Also fit every inventory coefficient row whose category ends in "_entry" with low < high, within [low, high].
    bool fit_entry = false;
    double xtol_rel = 1e-10;
    int max_evaluations = 4000;
};

struct FittedParameter {
    std::string key;  ///< kinetics.<c>.k20_per_d or coefficient.<category>.<key>.<parameter>
    double initial = 0.0, fitted = 0.0, low = 0.0, high = 0.0;
    bool at_bound = false;  ///< within 1e-9 of the range relative to its width
};

struct FitStats {
    std::size_t n = 0;
    double rmse_mgL = 0.0, bias_mgL = 0.0;
    double nse = 0.0, r2 = 0.0;  ///< NaN where the series does not allow them
};

struct Residual {
    std::size_t observation = 0;  ///< index in the observations given
    int constituent = 0;
    double observed_mgL = 0.0, modelled_mgL = 0.0;
    double residual_mgL = 0.0;    ///< observed - modelled
};

struct CalibrationResult {
    std::vector<FittedParameter> parameters;
    std::vector<Residual> residuals;                    ///< with the fitted parameters
    std::array<FitStats, kNumConstituents> before, after;  ///< with the case's and the fitted parameters
    double objective_before = 0.0, objective_after = 0.0;
    int evaluations = 0;
    std::string stop_reason;
    CaseModel fitted;  ///< the case with the fitted parameters
};

/// Throws InputError if there is nothing to fit (no observations of a fitted constituent, no parameters) or an
/// observation names no section; ModelError if the model cannot be evaluated.
CalibrationResult calibrate(const CaseModel& base, const std::vector<ObservedValue>& obs, const CalibrationOptions& opt = {});

/// Statistics of paired observed and modelled values (definitions above).
FitStats fit_stats(const std::vector<double>& observed, const std::vector<double>& modelled);

}  // namespace qingliu::scenarios
