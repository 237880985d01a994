// Result tables (io/result_rows.hpp) written as CSV, and the number and field formatting every CSV writer shares.
#pragma once
#include <string>
#include <vector>

#include "io/result_rows.hpp"
#include "scenarios/case.hpp"

namespace qingliu::io {

/// sections.csv: section_id,name,river,cod_mgL,nh3n_mgL,tp_mgL,class,target_class,meets,exceedance, then extras.
std::string sections_csv(const std::vector<SectionRow>& rows, bool with_scenario = false, const std::string& scenario = "");
/// reaches.csv: reach_id,flow_m3s,velocity_ms,cod_mgL,nh3n_mgL,tp_mgL (downstream end), then extras.
std::string reaches_csv(const std::vector<ReachRow>& rows);

/// loads_by_source.csv: source_id,name,type,type_zh,type_en,town,reach_id,river,diffuse,flow_m3s,cod_t_a,nh3n_t_a,
/// tp_t_a,origin (loads entering the river, t/a = g/s × 31.536).
std::string loads_by_source_csv(const scenarios::CaseModel& m);
/// loads_by_type.csv: type,type_zh,type_en,count,cod_t_a,nh3n_t_a,tp_t_a,cod_share,nh3n_share,tp_share.
std::string loads_by_type_csv(const scenarios::CaseModel& m);

/// A CSV field: quoted (with doubled quotes) when it holds a comma, quote or line break.
std::string csv_quote(const std::string& s);

/// Number formatting shared by every writer: up to 6 significant digits, no exponent for ordinary magnitudes.
std::string num(double v);
/// Every constituent's value (times scale) with num, comma-separated in the order of the state-variable table.
std::string nums(const PerConstituent& v, double scale = 1.0);

}  // namespace qingliu::io
