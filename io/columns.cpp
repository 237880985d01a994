#include "io/columns.hpp"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <string>

#include "common/constituent.hpp"
#include "common/given_species.hpp"

namespace qingliu::io {

namespace {

// Aliases are matched after normalise_header(); a header may add its unit in brackets, e.g. 长度（km）, 流量(万吨/日).
// Shared groups first, then the table kinds.
#define ID_REACH "河段编号|河段代码|河段id|所在河段"
#define POS_KM "位置|里程|距河段起点|距起点距离"

// Rows "@...": one row per state variable (common/constituent.hpp), "@+...": one per given item
// (common/given_species.hpp), "=...": the columns placing a record; all expanded by expand_per_constituent().
const std::vector<ColumnDef> kRows = {
    // reaches 河段
    {"reaches", "reach_id", "", ID_REACH "|编号", "reach id / 河段编号"},
    {"reaches", "name", "", "名称|河段名称", "reach name / 河段名称"},
    {"reaches", "river", "", "河流|河流名称|所在河流|河名", "river / 所在河流"},
    {"reaches", "name_en", "", "英文名称|河段英文名称", "English reach name (reports) / 河段英文名称"},
    {"reaches", "river_en", "", "河流英文名称|英文河名", "English river name (reports) / 河流英文名称"},
    {"reaches", "downstream_id", "", "下游河段|下游河段编号|下游编号", "reach it flows into / 下游河段编号"},
    {"reaches", "length_km", "km", "长度|河段长度|河长", "length / 河段长度"},
    {"reaches", "velocity_ms", "m/s", "流速|平均流速", "mean velocity / 流速"},
    {"reaches", "hg_a", "", "", "hydraulic geometry u = a·Q^b: a"},
    {"reaches", "hg_b", "", "", "hydraulic geometry exponent b"},
    {"reaches", "hg_c", "", "", "hydraulic geometry H = c·Q^d: c"},
    {"reaches", "hg_d", "", "", "hydraulic geometry exponent d"},
    {"reaches", "hg_width_c", "", "河宽系数", "width rating curve B = c·Q^d (QUAL2K's Width option), instead of hg_c/hg_d: c / 河宽系数"},
    {"reaches", "hg_width_d", "", "河宽指数", "width rating curve exponent d / 河宽指数"},
    {"reaches", "manning_n", "", "糙率|曼宁系数", "Manning roughness / 糙率"},
    {"reaches", "slope", "", "比降|坡降", "bed slope / 比降"},
    {"reaches", "width_m", "m", "河宽|宽度", "width / 河宽"},
    {"reaches", "bottom_width_m", "m", "底宽|河底宽|河底宽度", "bottom width of a trapezoidal Manning channel, as QUAL2K's reaches / 底宽"},
    {"reaches", "side_slope_1", "H:V", "边坡系数1|左岸边坡系数|左边坡", "side slope 1 of the trapezoid, horizontal : vertical (0: a vertical bank) / 边坡系数"},
    {"reaches", "side_slope_2", "H:V", "边坡系数2|右岸边坡系数|右边坡", "side slope 2 of the trapezoid, horizontal : vertical / 边坡系数"},
    {"reaches", "headwater_flow_m3s", "m3/s", "源头流量|上游来水流量|设计流量", "headwater design flow / 源头设计流量"},
    {"reaches", "lateral_inflow_m3s", "m3/s", "区间入流|区间来水|区间流量", "lateral inflow / 区间入流"},
    {"reaches", "drainage_area_km2", "km2", "集水面积|流域面积", "drainage area / 集水面积"},
    {"reaches", "split_to", "", "分流至|分流河段", "side channel taking a share / 分流河段"},
    {"reaches", "split_fraction", "share", "分流比|分流比例", "share split off / 分流比"},
    {"reaches", "sod_g_m2_d", "gO2/m2/d", "底泥耗氧速率|底泥耗氧", "sediment oxygen demand at 20 degC (water-quality kinetics) / 底泥耗氧速率"},
    {"reaches", "dispersion_m2s", "m2/s", "纵向离散系数|离散系数", "the reach's longitudinal dispersion between completely mixed elements (water quality, model = elements; QUAL2K's prescribed dispersion) / 纵向离散系数"},
    {"reaches", "headwater_dispersion_m2s", "m2/s", "源头离散系数", "a headwater reach's exchange with its headwater where it disperses: the dispersion of QUAL2K's made-up headwater element (its headwater row's; 0: no exchange; default the reach's own) / 源头离散系数"},
    {"reaches", "ka20_per_d", "1/d", "复氧系数|大气复氧系数|复氧速率", "the reach's own reaeration rate at 20 degC, instead of the formula (water-quality kinetics) / 复氧系数"},
    {"reaches", "@headwater", "mg/L", "", ""},
    {"reaches", "@lateral", "mg/L", "", ""},
    {"reaches", "@+headwater", "mg/L", "", ""},
    {"reaches", "@+lateral", "mg/L", "", ""},
    {"reaches", "@downstream", "mg/L", "", ""},
    {"reaches", "@+downstream", "mg/L", "", ""},
    // sources 污染源（直接给流量与浓度）
    {"sources", "source_id", "", "污染源编号|编号", "source id / 污染源编号"},
    {"sources", "name", "", "名称|污染源名称", "name / 名称"},
    {"sources", "type", "", "类型|污染源类型", "source type / 污染源类型"},
    {"sources", "reach_id", "", ID_REACH, "reach / 所在河段"},
    {"sources", "position_km", "km", POS_KM, "position from the reach's upstream end / 距河段起点"},
    {"sources", "flow_m3s", "m3/s", "流量|排放流量", "flow / 流量"},
    {"sources", "@conc", "mg/L", "", ""},
    {"sources", "@+conc", "mg/L", "", ""},
    // sections 断面
    {"sections", "section_id", "", "断面编号|断面代码|编号", "section id / 断面编号"},
    {"sections", "name", "", "断面名称|名称", "section name / 断面名称"},
    {"sections", "name_en", "", "英文名称", "English name / 英文名称"},
    {"sections", "river", "", "河流|河流名称|所在河流", "river / 所在河流"},
    {"sections", "level", "", "断面级别|级别|控制级别|断面性质", "control level / 断面级别（国控/省控/市控/县控）"},
    {"sections", "target_class", "", "目标水质|水质目标|目标类别|考核目标", "target class / 水质目标"},
    {"sections", "water_body", "", "水体类型", "river or lake / 水体类型"},
    {"sections", "reach_id", "", ID_REACH, "reach / 所在河段"},
    {"sections", "position_km", "km", POS_KM, "position / 距河段起点"},
    // plants 污水处理厂
    {"plants", "plant_id", "", "污水处理厂编号|污水厂编号|编号", "plant id / 污水处理厂编号"},
    {"plants", "name", "", "污水处理厂名称|污水厂名称|名称|厂名", "name / 名称"},
    {"plants", "=town_reach_position", "", "", ""},
    {"plants", "capacity_m3d", "m3/d", "设计规模|处理规模|设计处理能力", "design capacity / 设计规模"},
    {"plants", "load_factor", "share", "负荷率|运行负荷率", "share of capacity in use / 负荷率"},
    {"plants", "flow_m3d", "m3/d", "实际处理量|日处理量|处理水量", "measured flow / 实际处理量"},
    {"plants", "standard", "", "排放标准|执行标准", "discharge standard / 执行标准"},
    {"plants", "@effluent", "mg/L", "", ""},
    {"plants", "@+effluent", "mg/L", "", ""},
    {"plants", "service_population", "people", "服务人口", "people in the service area / 服务人口"},
    {"plants", "collection_rate", "share", "收集率|污水收集率", "sewage collection rate / 污水收集率"},
    {"plants", "built_year", "year", "建设年份|建成年份|投运年份", "year built (GB 18918-2002 TP) / 建设年份"},
    // outfalls 入河排污口
    {"outfalls", "outfall_id", "", "排污口编号|排口编号|入河排污口编号|编号", "outfall id / 排污口编号"},
    {"outfalls", "name", "", "排污口名称|名称", "name / 排污口名称"},
    {"outfalls", "=town_reach_position", "", "", ""},
    {"outfalls", "type", "", "排污口类型|类型", "industrial, municipal, combined, rain / 排污口类型"},
    {"outfalls", "status", "", "状态|整治状态", "active, remediated, connected, closed / 整治状态"},
    {"outfalls", "flow_m3d", "m3/d", "流量|排放量|日排放量|污水量|废水量", "flow / 日排放量"},
    {"outfalls", "@conc", "mg/L", "", ""},
    {"outfalls", "@+conc", "mg/L", "", ""},
    {"outfalls", "connect_to", "", "接入污水处理厂|接管污水厂", "receiving plant when connected / 接入污水处理厂"},
    // industry 工业企业
    {"industry", "permit_id", "", "排污许可证编号|许可证编号|编号", "permit id / 排污许可证编号"},
    {"industry", "name", "", "企业名称|名称", "name / 企业名称"},
    {"industry", "=town_reach_position", "", "", ""},
    {"industry", "flow_m3d", "m3/d", "废水排放量|排放量|流量", "wastewater flow / 废水排放量"},
    {"industry", "@conc", "mg/L", "", ""},
    {"industry", "@+conc", "mg/L", "", ""},
    {"industry", "@permit", "t/a", "", ""},
    // farms 畜禽养殖
    {"farms", "farm_id", "", "养殖场编号|养殖场户编号|编号", "farm id / 养殖场编号"},
    {"farms", "name", "", "养殖场名称|名称", "name / 养殖场名称"},
    {"farms", "=town_reach_position", "", "", ""},
    {"farms", "species", "", "畜种|畜禽种类|养殖品种", "species / 畜种"},
    {"farms", "scale", "", "养殖规模|规模类型", "scale or household / 规模场或散养"},
    {"farms", "head_count", "head", "存栏量|存栏数|年末存栏|存栏", "head in stock / 存栏量"},
    {"farms", "utilisation", "share", "粪污综合利用率|综合利用率|利用率", "manure utilisation / 粪污综合利用率"},
    {"farms", "entry", "share", "入河系数", "entry coefficient / 入河系数"},
    {"farms", "in_prohibited_zone", "", "是否在禁养区|禁养区", "in a no-livestock zone / 是否在禁养区"},
    // cropland 农田
    {"cropland", "field_id", "", "地块编号|编号", "field id / 地块编号"},
    {"cropland", "=town_reach", "", "", ""},
    {"cropland", "crop", "", "作物|种植类型|耕地类型", "crop / 作物类型"},
    {"cropland", "area_mu", "mu", "面积|耕地面积|种植面积", "area / 面积"},
    {"cropland", "fertiliser_index", "", "施肥指数", "fertiliser use index / 施肥指数"},
    // villages 农村生活
    {"villages", "village_id", "", "村编号|行政村编号|编号", "village id / 行政村编号"},
    {"villages", "name", "", "村名|行政村|名称", "name / 村名"},
    {"villages", "=town_reach", "", "", ""},
    {"villages", "population", "people", "人口|常住人口|户籍人口", "population / 常住人口"},
    {"villages", "coverage", "share", "污水处理覆盖率|覆盖率|治理率", "treated share / 污水处理覆盖率"},
    {"villages", "removal", "share", "去除率|处理效率", "removal of the stations / 去除率"},
    // ponds 水产养殖
    {"ponds", "pond_id", "", "鱼塘编号|养殖池塘编号|编号", "pond id / 池塘编号"},
    {"ponds", "=town_reach", "", "", ""},
    {"ponds", "area_mu", "mu", "面积|养殖面积", "area / 养殖面积"},
    {"ponds", "treated_share", "share", "尾水处理比例|尾水治理率", "share of tail water treated / 尾水处理比例"},
    {"ponds", "removal", "share", "去除率|处理效率", "removal / 去除率"},
    // observations 监测值
    {"observations", "section_id", "", "断面编号|断面代码|编号", "section id / 断面编号"},
    {"observations", "date", "", "日期|监测日期|采样日期", "date / 监测日期"},
    {"observations", "@observed", "mg/L", "", ""},
    // uncertainty 不确定性范围
    {"uncertainty", "parameter", "", "参数", "parameter key / 参数"},
    {"uncertainty", "low", "", "下限", "low / 下限"},
    {"uncertainty", "high", "", "上限", "high / 上限"},
    {"uncertainty", "distribution", "", "分布", "uniform or triangular / 分布"},
    {"uncertainty", "mode", "", "众数", "mode of a triangular distribution / 众数"},
    // flows 日流量
    {"flows", "date", "", "日期", "date / 日期"},
    {"flows", "flow_m3s", "m3/s", "流量|日均流量", "daily mean flow / 日均流量"},
    {"flows", "reach_id", "", ID_REACH, "reach (per-reach series) / 河段编号"},
    // load_factors 负荷系数
    {"load_factors", "date", "", "日期", "date / 日期"},
    {"load_factors", "factor", "", "系数|负荷系数", "load factor / 负荷系数"},
    {"load_factors", "source_id", "", "污染源编号", "source id / 污染源编号"},
    {"load_factors", "type", "", "类型|污染源类型", "source type / 污染源类型"},
    // coefficients, standards, classes (reference tables; English names only)
    {"coefficients", "category", "", "", "coefficient category"},
    {"coefficients", "key", "", "", "species, crop, default ..."},
    {"coefficients", "parameter", "", "", "cod_kg_head_a ..."},
    {"coefficients", "value", "", "", "value"},
    {"coefficients", "unit", "", "", "unit"},
    {"coefficients", "low", "", "", "low end of the range"},
    {"coefficients", "high", "", "", "high end of the range"},
    {"coefficients", "source", "", "", "source of the number"},
    {"standards", "standard", "", "", "standard key"},
    {"standards", "name_zh", "", "", "Chinese name"},
    {"standards", "name_en", "", "", "English name"},
    {"standards", "@limit", "mg/L", "", ""},
    {"standards", "@+limit", "mg/L", "", ""},
    {"standards", "source", "", "", "source of the limits"},
    {"standards", "base", "", "", "standard this row varies for older plants"},
    {"standards", "built_before_year", "year", "", "the variant binds plants built before this year"},
};

// Text of generated rows, kept for the life of the program (ColumnDef holds pointers).
const char* keep(std::string s) {
    static std::deque<std::string> kept;
    kept.push_back(std::move(s));
    return kept.back().c_str();
}

std::vector<std::string> split_bar(std::string_view s) {
    std::vector<std::string> out;
    std::size_t a = 0;
    while (a <= s.size() && !s.empty()) {
        const std::size_t b = std::min(s.find('|', a), s.size());
        out.emplace_back(s.substr(a, b - a));
        a = b + 1;
    }
    return out;
}

// prefix + each name + suffix, '|'-separated.
std::string each_name(const std::vector<std::string>& names, const std::string& prefix, const std::string& suffix) {
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "" : "|") + prefix + n + suffix;
    return s;
}

// What the rows of one state variable or one given item are generated from.
struct Named {
    std::string key, en, zh;
    std::vector<std::string> names;  ///< Chinese header names
    std::string other_aliases;       ///< '|'-separated
};
Named named(const StateVariable& v) {
    return {std::string(v.key), std::string(v.label_en), std::string(v.label_zh), split_bar(v.header_names),
            std::string(v.other_aliases)};
}
Named named(const GivenItemDef& v) {
    return {std::string(v.key), std::string(v.label_en), std::string(v.label_zh), split_bar(v.header_names),
            std::string(v.other_aliases)};
}

// The row of one variable for a placeholder: @conc (concentration, its names, "浓度" forms and other aliases),
// @headwater, @lateral, @downstream, @effluent (plants' measured effluent), @permit (industry's permitted t/a), @observed, @limit
// (standards); "@+..." the same for the given items (common/given_species.hpp).
ColumnDef placeholder_row(const ColumnDef& ph, const Named& v) {
    const std::string mgL = v.key + "_mgL", &en = v.en, &zh = v.zh;
    std::string conc = each_name(v.names, "", "");
    if (!v.other_aliases.empty()) conc += "|" + v.other_aliases;
    conc += "|" + each_name(v.names, "", "浓度");
    const std::string kind = ph.column[1] == '+' ? "@" + std::string(ph.column + 2) : std::string(ph.column);
    if (kind == "@headwater")
        return {ph.table, keep("headwater_" + mgL), ph.unit, keep(each_name(v.names, "源头", "")),
                keep("headwater " + en + " / 源头" + zh + "浓度")};
    if (kind == "@downstream")
        return {ph.table, keep("downstream_" + mgL), ph.unit, keep(each_name(v.names, "下游边界", "")),
                keep("QUAL2K's downstream boundary below an outlet that disperses: " + en + " / 下游边界" + zh + "浓度")};
    if (kind == "@lateral")
        return {ph.table, keep("lateral_" + mgL), ph.unit, keep(each_name(v.names, "区间", "")),
                keep("lateral inflow " + en + " / 区间入流" + zh + "浓度")};
    if (kind == "@effluent")
        return {ph.table, keep(mgL), ph.unit, keep(each_name(v.names, "出水", "") + "|" + conc),
                keep("measured effluent " + en + " / 出水" + zh)};
    if (kind == "@permit")
        return {ph.table, keep(v.key + "_t_a"), ph.unit, keep(each_name(v.names, "", "许可排放量")),
                keep("permitted " + en + " / " + zh + "许可排放量")};
    if (kind == "@limit") return {ph.table, keep(mgL), ph.unit, "", keep(en + " limit (empty: none set)")};
    const std::string what = kind == "@observed" ? "observed " : "";
    return {ph.table, keep(mgL), ph.unit, keep(conc), keep(what + en + " / " + zh)};
}

// Rows "=...": the columns that place an inventory record, the same in every table that has them.
void add_place_rows(const ColumnDef& ph, std::vector<ColumnDef>& out) {
    out.push_back({ph.table, "town", "", "乡镇|所在乡镇|镇", "town / 乡镇"});
    out.push_back({ph.table, "reach_id", "", ID_REACH, "reach / 所在河段"});
    if (std::string_view(ph.column) == "=town_reach_position")
        out.push_back({ph.table, "position_km", "km", POS_KM, "position / 距河段起点"});
}

std::vector<ColumnDef> expand_per_constituent(const std::vector<ColumnDef>& rows) {
    std::vector<ColumnDef> out;
    for (const auto& r : rows) {
        if (r.column[0] == '=') {
            add_place_rows(r, out);
        } else if (r.column[0] != '@') {
            out.push_back(r);
        } else if (r.column[1] == '+') {  // given items; a standard sets no DO
            for (GivenItem i : kAllGivenItems)
                if (!(i == GivenItem::DO && std::string_view(r.column) == "@+limit"))
                    out.push_back(placeholder_row(r, named(given_item(i))));
        } else {
            for (auto c : kConstituents) out.push_back(placeholder_row(r, named(variable(c))));
        }
    }
    return out;
}

#undef ID_REACH
#undef POS_KM

struct UnitSpelling {
    const char* family;
    const char* spelling;  ///< normalised
    double factor;         ///< value in spelling × factor = value in the family's unit
};

const UnitSpelling kUnits[] = {
    {"m3/d", "m3/d", 1}, {"m3/d", "立方米/日", 1}, {"m3/d", "立方米/天", 1}, {"m3/d", "吨/日", 1}, {"m3/d", "吨/天", 1},
    {"m3/d", "t/d", 1}, {"m3/d", "m3/天", 1}, {"m3/d", "万m3/d", 1e4}, {"m3/d", "万立方米/日", 1e4},
    {"m3/d", "万立方米/天", 1e4}, {"m3/d", "万吨/日", 1e4}, {"m3/d", "万吨/天", 1e4}, {"m3/d", "万t/d", 1e4},
    {"m3/s", "m3/s", 1}, {"m3/s", "立方米/秒", 1}, {"m3/s", "l/s", 1e-3}, {"m3/s", "升/秒", 1e-3},
    {"km", "km", 1}, {"km", "公里", 1}, {"km", "千米", 1}, {"km", "m", 1e-3}, {"km", "米", 1e-3},
    {"m", "m", 1}, {"m", "米", 1},
    {"m/s", "m/s", 1}, {"m/s", "米/秒", 1},
    {"km2", "km2", 1}, {"km2", "平方公里", 1}, {"km2", "平方千米", 1},
    {"mg/L", "mg/l", 1}, {"mg/L", "毫克/升", 1},
    {"mu", "亩", 1}, {"mu", "mu", 1}, {"mu", "万亩", 1e4}, {"mu", "公顷", 15}, {"mu", "ha", 15}, {"mu", "hm2", 15},
    {"head", "头", 1}, {"head", "只", 1}, {"head", "羽", 1}, {"head", "头/只", 1}, {"head", "head", 1},
    {"head", "万头", 1e4}, {"head", "万只", 1e4}, {"head", "万羽", 1e4},
    {"people", "人", 1}, {"people", "万人", 1e4},
    {"share", "%", 0.01}, {"share", "％", 0.01},
    {"t/a", "t/a", 1}, {"t/a", "吨/年", 1}, {"t/a", "吨", 1},
    {"year", "年", 1},
};

// UTF-8 → code points (a malformed sequence becomes U+FFFD).
std::u32string decode(std::string_view s) {
    std::u32string out;
    std::size_t i = 0;
    while (i < s.size()) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        const int n = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : -1;
        bool ok = n >= 0 && i + static_cast<std::size_t>(n) < s.size();
        for (int k = 1; ok && k <= n; ++k) ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 0x2;
        if (!ok) {
            out.push_back(0xFFFD);
            ++i;
            continue;
        }
        char32_t cp = n == 0 ? c : (c & (0x3F >> n));
        for (int k = 1; k <= n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        out.push_back(cp);
        i += static_cast<std::size_t>(n) + 1;
    }
    return out;
}

void encode(char32_t cp, std::string& out) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

}  // namespace

const std::vector<ColumnDef>& column_table() {
    static const std::vector<ColumnDef> t = expand_per_constituent(kRows);
    return t;
}

std::vector<std::string> table_kinds() {
    std::vector<std::string> out;
    for (const auto& c : kRows)
        if (std::find(out.begin(), out.end(), c.table) == out.end()) out.emplace_back(c.table);
    return out;
}

std::string normalise_header(std::string_view header) {
    std::string out;
    for (char32_t cp : decode(header)) {
        if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // full-width ASCII (（）／％ ...) → ASCII
        if (cp == 0x3000 || cp == ' ' || cp == '\t' || cp == 0xA0) continue;  // spaces of every width
        if (cp == 0xB3) cp = '3';                                              // m³
        if (cp == 0xB2) cp = '2';                                              // km²
        if (cp == 0x3010) cp = '[';                                            // 【
        if (cp == 0x3011) cp = ']';                                            // 】
        if (cp == '[') cp = '(';
        if (cp == ']') cp = ')';
        if (cp >= 'A' && cp <= 'Z') cp = cp - 'A' + 'a';
        encode(cp, out);
    }
    return out;
}

std::pair<std::string, std::string> split_unit(const std::string& h) {
    if (h.size() < 3 || h.back() != ')') return {h, ""};
    const std::size_t open = h.rfind('(');
    if (open == std::string::npos || open == 0) return {h, ""};
    return {h.substr(0, open), h.substr(open + 1, h.size() - open - 2)};
}

double unit_factor(const std::string& family, const std::string& unit_text) {
    if (unit_text.empty()) return 1.0;
    for (const auto& u : kUnits)
        if (family == u.family && unit_text == u.spelling) return u.factor;
    return 0.0;
}

std::size_t edit_distance(std::string_view a8, std::string_view b8) {
    const std::u32string a = decode(a8), b = decode(b8);
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1, 0));
    for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= n; ++i)
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[n][m];
}

}  // namespace qingliu::io
