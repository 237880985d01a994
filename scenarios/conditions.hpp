// Design conditions (设计条件): the hydrological and temperature conditions a judgement is made in. Every verdict
// (class, margin, required cut, plan) names the condition it used.
//
//   design  the case as given: its headwater and lateral flows are the design flows of GB/T 25173-2010 (the mean
//           flow of the driest month at 90 % assurance, or the driest monthly mean of the last ten years; see
//           secondary restatements: Springer chapter doi 10.1007/978-3-319-61630-8_6; m.topcem.cn/jishu/461.html for
//           the 全国水环境容量核定指南 30Q10 restatement) at the case's water temperature;
//   others  every `conditions` measure the case's scenarios name (e.g. `dry`: flows x 0.7, water 10 degC), applied to
//           the case as given, in the order the scenarios first name them.
// A `conditions` measure is not an intervention: the least-cost plan must hold in it, it is never chosen.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "scenarios/case.hpp"
#include "scenarios/measures.hpp"

namespace qingliu::scenarios {

struct DesignCondition {
    std::string id, name, name_en;
    std::string basis;              ///< how the flows and temperature of the condition were chosen (English)
    std::string basis_zh;
    std::vector<Measure> measures;  ///< `conditions` measures applied to the case (empty: the case as given)
    /// Applied after the measures (e.g. a draw of the uncertain parameters, chance.hpp); empty: none.
    std::function<CaseModel(const CaseModel&)> transform;
};

/// "design" first, then one condition per `conditions` measure named by the scenarios (first occurrence).
std::vector<DesignCondition> design_conditions(const std::vector<Scenario>& scenarios);

/// The conditions whose ids are listed ("all" or an empty list: every one). Unknown ids are returned in `unknown`.
std::vector<DesignCondition> select_conditions(const std::vector<DesignCondition>& all, const std::vector<std::string>& ids,
                                               std::vector<std::string>& unknown);

/// The case in the condition (its measures applied to a copy).
CaseModel in_condition(const CaseModel& base, const DesignCondition& d);

/// One line naming the condition, e.g. "dry: 枯水期特枯条件 (flows x 0.7, water 10 degC)".
std::string condition_label(const DesignCondition& d);

}  // namespace qingliu::scenarios
