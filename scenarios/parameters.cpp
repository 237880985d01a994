#include "scenarios/parameters.hpp"

namespace qingliu::scenarios {

const std::vector<ParamDef>& case_parameters() {
    static const std::vector<ParamDef> t = {
        {"conditions.temperature_c", "degC", 20.0, 0.0, 40.0, "Design water temperature", "设计水温",
         "20 degC reference temperature of the rate constants"},
        {"kinetics.cod.k20_per_d", "1/d", 0.20, 0.0, 10.0, "COD first-order decay rate at 20 degC",
         "化学需氧量综合降解系数（20℃）",
         "typical river value; calibrate to the case (Chapra 1997, Surface Water-Quality Modeling, ch. 19)"},
        {"kinetics.cod.theta", "-", 1.047, 1.0, 1.2, "Temperature coefficient of COD decay", "化学需氧量降解温度系数",
         "QUAL2K documentation (Chapra, Pelletier & Tao), CBOD oxidation theta = 1.047"},
        {"kinetics.nh3n.k20_per_d", "1/d", 0.15, 0.0, 10.0, "NH3-N first-order loss (nitrification) at 20 degC",
         "氨氮综合降解系数（20℃）", "typical river value; calibrate to the case (Chapra 1997, ch. 23)"},
        {"kinetics.nh3n.theta", "-", 1.07, 1.0, 1.2, "Temperature coefficient of nitrification", "氨氮降解温度系数",
         "QUAL2K documentation, nitrification theta = 1.07"},
        {"kinetics.tp.k20_per_d", "1/d", 0.05, 0.0, 10.0, "TP apparent first-order loss (net settling) at 20 degC",
         "总磷综合降解（沉降）系数（20℃）", "typical river value; calibrate to the case"},
        {"kinetics.tp.theta", "-", 1.024, 1.0, 1.2, "Temperature coefficient of TP loss", "总磷降解温度系数",
         "Arrhenius coefficient commonly used for settling processes (Chapra 1997, ch. 2)"},
        {"background.headwater.cod_mgL", "mg/L", 0.0, 0.0, 1000.0, "COD of headwater inflow", "上游来水化学需氧量", "case data"},
        {"background.headwater.nh3n_mgL", "mg/L", 0.0, 0.0, 100.0, "NH3-N of headwater inflow", "上游来水氨氮", "case data"},
        {"background.headwater.tp_mgL", "mg/L", 0.0, 0.0, 50.0, "TP of headwater inflow", "上游来水总磷", "case data"},
        {"background.lateral.cod_mgL", "mg/L", 0.0, 0.0, 1000.0, "COD of lateral (groundwater, runoff) inflow",
         "区间入流化学需氧量", "case data"},
        {"background.lateral.nh3n_mgL", "mg/L", 0.0, 0.0, 100.0, "NH3-N of lateral inflow", "区间入流氨氮", "case data"},
        {"background.lateral.tp_mgL", "mg/L", 0.0, 0.0, 50.0, "TP of lateral inflow", "区间入流总磷", "case data"},
        {"options.snap_max_m", "m", 1000.0, 0.0, 1e6, "Largest distance at which a point source or section is snapped to a reach",
         "点源、断面吸附到河段的最大距离", "project default"},
    };
    return t;
}

const ParamDef* find_parameter(const std::string& key) {
    for (const auto& p : case_parameters())
        if (key == p.key) return &p;
    return nullptr;
}

}  // namespace qingliu::scenarios
