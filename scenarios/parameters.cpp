#include "scenarios/parameters.hpp"

#include <algorithm>
#include <limits>

#include "reaches/kinetics.hpp"

namespace qingliu::scenarios {

std::string kinetics_key(Constituent c, std::string_view what) {
    return "kinetics." + std::string(key(c)) + "." + std::string(what);
}

std::string water_quality_kinetics_key(std::string_view wq_key) {
    return "kinetics." + std::string(wq_key.substr(wq_key.find('.') + 1));
}

std::string background_key(std::string_view which, Constituent c) {
    return "background." + std::string(which) + "." + column(c, "_mgL");
}

namespace {

constexpr double kNoDefault = std::numeric_limits<double>::quiet_NaN();  // printed empty: the row says what applies

// The keys of one water_quality.composition entry (reaches/wq_sources.hpp): no default (each kind has its own), from 0.
std::vector<ParamDef> composition_rows() {
    struct Key {
        const char *key, *unit;
        double max;
        const char *en, *zh;
    };
    const Key keys[] = {
        {"bod5_per_cod", "-", 1.0, "BOD5 / COD of the water", "五日生化需氧量与化学需氧量之比"},
        {"codmn_per_cod", "-", 1.0, "CODMn / COD of the water", "高锰酸盐指数与化学需氧量之比"},
        {"orgn_per_nh3n", "-", 100.0, "Organic N / NH3-N of the water (TN = NH3-N (1 + orgn_per_nh3n + no3n_per_nh3n))",
         "有机氮与氨氮之比"},
        {"no3n_per_nh3n", "-", 1000.0, "NO3-N / NH3-N of the water", "硝酸盐氮与氨氮之比"},
        {"orgp_share_of_tp", "-", 1.0, "Organic P / TP of the water", "有机磷占总磷比例"},
        {"do_mgL", "mg/L", 20.0, "DO of the water (river: water_quality.river_do_share_of_saturation instead)",
         "来水溶解氧"},
    };
    std::vector<ParamDef> rows;
    for (const Key& k : keys)
        rows.push_back({std::string("water_quality.composition.") + k.key, k.unit, kNoDefault, 0.0, k.max, k.en, k.zh,
                        "default per kind (reaches/wq_sources.cpp)"});
    return rows;
}

// QUAL2K's dispersion between completely mixed elements (reaches/steady_wq_chain.hpp)
std::vector<ParamDef> dispersion_rows() {
    return {
        {"water_quality.dispersion", "", kNoDefault, 0.0, 0.0,
         "Longitudinal dispersion between the elements (model = elements): none (default) or qual2k, QUAL2K's from each "
         "element's hydraulics, Fischer's 0.011 U^2 B^2 / (H u*) less the elements' numerical dispersion U dx / 2; a "
         "reach's own dispersion_m2s wins",
         "单元间纵向离散（elements 模型）：none（默认）或 qual2k（按 QUAL2K 由各单元水力条件以 Fischer 公式计算）",
         "QUAL2K documentation (Chapra, Pelletier & Tao); Fischer et al. 1979", ParamKind::Text},
        {"water_quality.reach_dispersion_m2s", "m2/s", kNoDefault, 0.001, 100000.0,
         "Longitudinal dispersion of named reaches' elements (QUAL2K's prescribed dispersion), an inline table "
         "{ reach_id = value, ... } (or the reaches table's dispersion_m2s column, which this overrides)",
         "指定河段的纵向离散系数（内联表，elements 模型）", "case data", ParamKind::Table},
        {"water_quality.reach_headwater_dispersion_m2s", "m2/s", kNoDefault, 0.0, 100000.0,
         "Dispersion of the made-up headwater element above a dispersing headwater reach's first element (QUAL2K's "
         "headwater row; 0: no exchange with the headwater; default the reach's own), an inline table "
         "{ reach_id = value, ... } (or the reaches table's headwater_dispersion_m2s column, which this overrides)",
         "源头虚拟单元的离散系数（QUAL2K 源头行；0 为不与源头交换；默认取该河段的；内联表）",
         "QUAL2K documentation (Chapra, Pelletier & Tao); case data", ParamKind::Table},
    };
}

std::vector<ParamDef> make_table() {
    std::vector<ParamDef> t = {
        {"conditions.temperature_c", "degC", 20.0, 0.0, 40.0, "Design water temperature", "设计水温",
         "20 degC reference temperature of the rate constants"},
    };
    for (auto c : kConstituents) {
        const KineticsDefaults& k = variable(c).kinetics;
        t.push_back({kinetics_key(c, "k20_per_d"), "1/d", k.k20_per_d, 0.0, k.k20_max_per_d, std::string(k.k20_en),
                     std::string(k.k20_zh), std::string(k.k20_source)});
        t.push_back({kinetics_key(c, "theta"), "-", k.theta, 1.0, 1.2, std::string(k.theta_en), std::string(k.theta_zh),
                     std::string(k.theta_source)});
    }
    // the water-quality kinetics (reaches/kinetics.hpp, `qingliu water-quality`): wq.<process>.<what> is read as
    // kinetics.<process>.<what>; COD decay shares the COD state variable's rows above (one rate per case)
    for (const auto& d : reaches::wq::parameter_table()) {
        std::string key = water_quality_kinetics_key(d.key);
        if (std::any_of(t.begin(), t.end(), [&](const ParamDef& r) { return r.key == key; })) continue;
        t.push_back({std::move(key), d.unit, d.default_value, d.min, d.max,
                     std::string(d.en) + " (water-quality kinetics)", d.zh, d.source});
    }
    for (const char* process : {"cbod", "nitrification", "denitrification"})
        t.push_back({"kinetics." + std::string(process) + ".o2_effect", "", kNoDefault, 0.0, 0.0,
                     "Form of the oxygen effect f(o) on " + std::string(process) +
                         " (water-quality kinetics): exponential 1 - exp(-K o) (default), half-saturation o / (K + o), "
                         "second-order o^2 / (K + o^2), or none (f = 1)" +
                         (std::string(process) == "denitrification" ? "; denitrification is enhanced by 1 - f(o)" : ""),
                     "溶解氧影响函数形式（exponential、half-saturation、second-order、none）",
                     "QUAL2K documentation (Chapra, Pelletier & Tao): exponential by default", ParamKind::Text});
    const struct {
        const char* which;
        const char* en;
        const char* zh;
    } inflows[] = {{"headwater", "headwater inflow", "上游来水"}, {"lateral", "lateral (groundwater, runoff) inflow", "区间入流"}};
    for (const auto& in : inflows)
        for (auto c : kConstituents)
            t.push_back({background_key(in.which, c), std::string(variable(c).unit), 0.0, 0.0, variable(c).background_max_mgL,
                         std::string(label_en(c)) + " of " + in.en, in.zh + std::string(label_zh(c)), "case data"});
    const std::vector<ParamDef> rest = {
        {"options.snap_max_m", "m", 1000.0, 0.0, 1e6, "Largest distance at which a point source or section is snapped to a reach",
         "点源、断面吸附到河段的最大距离", "project default"},
        {"dynamic.flows", "", kNoDefault, 0.0, 0.0,
         "Daily flow table: date, flow_m3s (a gauge) or date, reach_id, flow_m3s (each reach's own inflow); required for "
         "`qingliu dynamic`",
         "逐日流量表（水文站或各河段）", "case data", ParamKind::Table},
        {"dynamic.gauge_reach", "", kNoDefault, 0.0, 0.0, "Reach whose downstream end the gauge series describes",
         "水文站所在河段", "case data", ParamKind::Text},
        {"dynamic.loads", "", kNoDefault, 0.0, 0.0, "Optional daily load factor table: date, source_id or type, factor",
         "逐日负荷系数表（可选）", "case data", ParamKind::Table},
        {"dynamic.year", "a", kNoDefault, 1800.0, 2200.0, "Simulated year (default: the year of the first flow record)",
         "模拟年份（默认为流量表首条记录的年份）", "case data", ParamKind::Integer},
        {"dynamic.washoff_exponent", "-", 1.0, 0.0, 3.0, "Exponent b of diffuse loads against runoff, load ~ runoff^b",
         "面源负荷随径流变化的指数", "project default (loads proportional to runoff)"},
        {"dynamic.monthly_temperature_c", "degC", kNoDefault, -5.0, 45.0,
         "Twelve monthly water temperatures (default: conditions.temperature_c all year)", "逐月水温（12个）", "case data",
         ParamKind::Numbers12},
        // [water_quality]: read by io/water_quality_settings.hpp against these rows (`qingliu water-quality`)
        {"water_quality.model", "", kNoDefault, 0.0, 0.0,
         "Reach model of the water-quality kinetics: plug (exact plug flow, default) or elements (QUAL2K's chain of "
         "completely mixed elements)",
         "水质动力学河段模型：plug（推流，默认）或 elements（QUAL2K 完全混合单元串）", "project default: plug",
         ParamKind::Text},
        {"water_quality.items", "", kNoDefault, 0.0, 0.0, "GB 3838 items assessed and reported (class: the worst of them), "
         "a list of do, codmn, cod, bod5, nh3n, tp, tn (default: all; the nine species are computed whatever the choice)",
         "评价与输出的 GB 3838 项目（默认全部）：do、codmn、cod、bod5、nh3n、tp、tn", "project default: every item", ParamKind::Text},
        {"water_quality.elements_per_reach", "-", 1.0, 1.0, 10000.0, "Completely mixed elements per reach (model = elements)",
         "每河段完全混合单元数（elements 模型）", "project default", ParamKind::Integer},
        {"water_quality.reaeration", "", kNoDefault, 0.0, 0.0,
         "Reaeration formula: internal (QUAL2K's automatic choice by depth and velocity, default), oconnor-dobbins, "
         "churchill, owens-gibbs, tsivoglou-neal, thackston-dawson",
         "复氧公式：internal（按水深流速自动选择，默认）等", "QUAL2K documentation (Chapra, Pelletier & Tao)",
         ParamKind::Text},
        {"water_quality.river_do_share_of_saturation", "-", 0.9, 0.0, 1.5,
         "DO of headwater and lateral inflow as a share of saturation at the design temperature",
         "上游来水与区间入流溶解氧占饱和溶解氧的比例", "ESTIMATE: unpolluted rivers run near saturation"},
        {"water_quality.default_depth_m", "m", kNoDefault, 0.01, 100.0,
         "Mean depth of reaches whose hydraulics give none (an estimate the case must state; required where a reach "
         "has no depth)",
         "无水深资料河段的平均水深（估计值）", "case data (ESTIMATE)"},
        {"water_quality.default_width_m", "m", kNoDefault, 0.1, 10000.0,
         "Wetted width of reaches whose hydraulics give no depth: depth by continuity H = Q / (u W) (an estimate the "
         "case must state; before default_depth_m)",
         "无水深资料河段的水面宽（估计值，按连续性求水深）", "case data (ESTIMATE)"},
        {"water_quality.reach_width_m", "m", kNoDefault, 0.1, 10000.0,
         "Wetted width of named reaches without depth, an inline table { reach_id = value, ... }",
         "指定河段的水面宽（内联表）", "case data (ESTIMATE)", ParamKind::Table},
        {"water_quality.reach_sod_g_m2_d", "gO2/m2/d", kNoDefault, 0.0, 20.0,
         "Sediment oxygen demand at 20 degC of named reaches, an inline table { reach_id = value, ... }",
         "指定河段的底泥耗氧速率（内联表）", "case data", ParamKind::Table},
        {"water_quality.reach_ka20_per_d", "1/d", kNoDefault, 0.001, 100.0,
         "Reaeration rate at 20 degC of named reaches instead of the formula (QUAL2K's prescribed ka), an inline table "
         "{ reach_id = value, ... }; corrected with kinetics.reaeration.theta",
         "指定河段的复氧系数（20°C，内联表，代替经验公式）", "case data", ParamKind::Table},
        {"water_quality.elevation_m", "m", 0.0, -500.0, 9000.0,
         "Mean elevation of every reach above sea level: DO saturation falls with pressure (reaches/oxygen.hpp)",
         "各河段平均海拔（饱和溶解氧的气压修正）", "case data; 0 = sea level"},
        {"water_quality.reach_elevation_m", "m", kNoDefault, -500.0, 9000.0,
         "Mean elevation of named reaches, an inline table { reach_id = value, ... }", "指定河段的平均海拔（内联表）",
         "case data", ParamKind::Table},
        {"water_quality.composition", "", kNoDefault, 0.0, 0.0,
         "Composition of source water where a source (or headwater) gives only COD, NH3-N and TP: an inline table "
         "per source type (sewage_plant, outfall, livestock, ...), kind (treated, raw_sewage, manure_runoff) or river "
         "(headwater and lateral inflow), e.g. sewage_plant = { bod5_per_cod = 0.33 }; keys: the rows below",
         "来水组成（按污染源类型、水的种类或 river 上游来水）：未给出的 BOD5、CODMn、氮磷形态、溶解氧由其推算",
         "defaults per kind of water: reaches/wq_sources.cpp, each row with its source; a case's values name theirs",
         ParamKind::Table},
    };
    t.insert(t.end(), rest.begin(), rest.end());
    const std::vector<ParamDef> disp = dispersion_rows();
    t.insert(t.end(), disp.begin(), disp.end());
    const std::vector<ParamDef> comp = composition_rows();
    t.insert(t.end(), comp.begin(), comp.end());
    return t;
}

}  // namespace

const std::vector<ParamDef>& case_parameters() {
    static const std::vector<ParamDef> t = make_table();
    return t;
}

const ParamDef* find_parameter(const std::string& key) {
    for (const auto& p : case_parameters())
        if (key == p.key) return &p;
    return nullptr;
}

std::vector<const ParamDef*> section_parameters(std::string_view section) {
    const std::string prefix = std::string(section) + ".";
    std::vector<const ParamDef*> out;
    for (const auto& p : case_parameters())
        if (p.key.compare(0, prefix.size(), prefix) == 0) out.push_back(&p);
    return out;
}

}  // namespace qingliu::scenarios
