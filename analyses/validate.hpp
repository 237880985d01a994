// Modelled against observed section status: the class each section is observed in (a monitoring bulletin, an
// environmental statement) and, where published, its concentrations, set beside the class and concentrations the
// steady model gives at the same section.
//
// Agreement per observation row with an observed class:
//   difference = modelled class − observed class (classes 1..6, 6 = worse than V);
//   0: agree; > 0: the model is worse (more polluted) than observed; < 0: the model is better.
// Counted: rows compared, rows that agree, rows within one class, rows where the model is worse, and better.
// Concentrations: for every observed value, modelled / observed (a ratio, 1 = equal).
//
// The model is evaluated once, at its design condition; an observation of one month or one year is a different
// condition, so agreement is a check of the order of magnitude and the ranking of sections, not a calibration.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "scenarios/case.hpp"

namespace qingliu::scenarios {

struct ObservedStatus {
    std::int32_t section = kNone;     ///< index in CaseModel::sections
    std::string date;                  ///< as published: "2016-02", "2018", ...
    int observed_class = 0;            ///< 1..6 (6 = worse than V); 0 = no class given
    std::string limiting;              ///< parameter(s) named as setting the observed class ("TP"), may be empty
    PerConstituent conc_mgL{};  ///< observed concentrations where has[] is true
    std::array<bool, kNumConstituents> has{false, false, false};
    std::string statement;             ///< published wording (a statement without a class is shown, not counted)
    std::string source;                ///< publication of this row
    std::string file, record;          ///< where the row was read (messages)
};

struct ValidationRow {
    std::size_t observation = 0;  ///< index into the observations given
    std::int32_t section = kNone;
    int observed_class = 0;  ///< 0 = not given
    int modelled_class = 0;
    int difference = 0;      ///< modelled − observed (0 when no observed class)
    int modelled_worst = 0;  ///< constituent index that sets the modelled class
    PerConstituent modelled_mgL{};
};

struct ValidationSummary {
    int rows = 0;              ///< observation rows
    int compared = 0;          ///< rows with an observed class
    int agree = 0;             ///< same class
    int within_one = 0;        ///< |difference| <= 1
    int model_worse = 0;       ///< difference > 0
    int model_better = 0;      ///< difference < 0
    std::array<int, kNumConstituents> conc_n{};      ///< observed concentrations compared
    std::array<double, kNumConstituents> conc_ratio_geomean{};  ///< geometric mean of modelled / observed (0 if none)
};

struct Validation {
    std::vector<ValidationRow> rows;  ///< one per observation, same order
    ValidationSummary summary;
};

/// Evaluates the case (steady, design condition) and compares every observation with it.
/// Throws ModelError if an observation names a section index outside the case.
Validation validate(const CaseModel& m, const std::vector<ObservedStatus>& obs);

/// The comparison alone, for a given evaluation (aligned with m.sections).
Validation compare_status(const CaseModel& m, const Evaluation& ev, const std::vector<ObservedStatus>& obs);

}  // namespace qingliu::scenarios
