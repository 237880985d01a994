// Layout of validation.csv (one row per observation: observed against modelled class and concentrations, with the
// row's source) and validation_summary.csv (the agreement counted), written by `qingliu validate --out`.
#pragma once
#include <string>
#include <vector>

#include "analyses/validate.hpp"

namespace qingliu::io {

std::string validation_csv(const scenarios::CaseModel& m, const std::vector<scenarios::ObservedStatus>& obs,
                           const scenarios::Validation& v);
std::string validation_summary_csv(const scenarios::Validation& v);
/// "一致 agree", "模型偏差 1 类 model worse by 1", "模型偏好 1 类 model better by 1", or "" without an observed class.
std::string agreement_label(int observed_class, int difference);

}  // namespace qingliu::io
