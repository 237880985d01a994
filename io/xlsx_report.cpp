#include "io/xlsx_report.hpp"

#include "io/export_tables.hpp"
#include "io/water_quality_csv.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <unistd.h>
#include <xlsxwriter.h>

#include "common/constituent.hpp"
#include "common/csv_text.hpp"
#include "common/error.hpp"
#include "reaches/classes.hpp"
#include "reaches/wq_classes.hpp"
#include "report/allocation.hpp"
#include "report/html.hpp"
#include "report/report.hpp"

namespace qingliu::io {
namespace fs = std::filesystem;

namespace {

struct Label {
    std::string zh, en;
};

bool ends_with(const std::string& s, std::string_view suf) {
    return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
}

/// The state variable a column is about ("nh3n_mgL" -> NH3-N) and the rest of its name ("_mgL").
std::optional<Constituent> variable_of(const std::string& col, std::string* rest) {
    for (auto c : kConstituents) {
        const std::string k(key(c));
        if (col.size() > k.size() && col.compare(0, k.size(), k) == 0 && col[k.size()] == '_') {
            *rest = col.substr(k.size());
            return c;
        }
    }
    return std::nullopt;
}

/// Headers of the water-quality analyses' columns (io/water_quality_csv.hpp: water_quality_reduction.csv,
/// water_quality_capacity.csv, water_quality_plan.csv, water_quality_plan_sections.csv, water_quality_montecarlo.csv)
/// that no other table's header names; null for any other column.
const Label* analyses_label(const std::string& col) {
    static const std::map<std::string, Label> cols = {
        {"item", {"指标代码", "Item key"}},
        {"item_en", {"指标（英文）", "Item"}},
        {"item_zh", {"指标", "Item (Chinese)"}},
        {"minimum", {"下限指标", "Lower bound (DO)"}},
        {"value_mgL", {"浓度 mg/L", "Value, mg/L"}},
        {"limit_mgL", {"目标类别限值 mg/L", "Target-class limit, mg/L"}},
        {"meets_target", {"达到目标（含余量）", "Meets the target with the margin"}},
        {"background_mgL", {"本底 mg/L", "Background, mg/L"}},
        {"boundary_mgL", {"跨界来水 mg/L", "Boundary inflow, mg/L"}},
        {"sources_mgL", {"污染源合计 mg/L", "Sources, mg/L"}},
        {"oxygen_effects_mgL", {"氧效应 mg/L", "Oxygen effects, mg/L"}},
        {"cut_sources", {"削减的污染源", "Sources cut"}},
        {"source_load_t_a", {"污染源负荷 t/a", "Sources' load, t/a"}},
        {"cut_share_linear", {"削减比例（线性）", "Cut share (linear response)"}},
        {"boundary_cut_share", {"上游来水削减比例", "Upstream cut share"}},
        {"value_after_cut_mgL", {"削减后浓度 mg/L", "Value after the cut, mg/L"}},
        {"load_t_a", {"负荷 t/a", "Load, t/a"}},
        {"binding_section", {"控制断面", "Binding section"}},
        {"measure_id", {"措施代码", "Measure id"}},
        {"kind", {"措施类型", "Measure kind"}},
        {"group", {"互斥组", "Exclusive group"}},
        {"cost_wan", {"费用 万元", "Cost, 10^4 yuan"}},
        {"chosen", {"选用", "Chosen"}},
        {"note", {"说明", "Note"}},
        {"baseline_mgL", {"基线浓度 mg/L", "Baseline, mg/L"}},
        {"predicted_mgL", {"线性预测 mg/L", "Predicted (linear), mg/L"}},
        {"plan_mgL", {"方案后浓度 mg/L", "After the plan, mg/L"}},
        {"gap_mgL", {"差距 mg/L", "Gap, mg/L"}},
        {"meets_with_margin", {"方案后达标（含余量）", "Meets with the margin"}},
        {"reachable", {"措施可达", "Reachable with the measures"}},
        {"baseline_class", {"基线类别", "Baseline class"}},
        {"plan_class", {"方案后类别", "Class after the plan"}},
        {"plan_exceeding_en", {"方案后超标因子（英文）", "Exceeding after the plan"}},
        {"plan_exceeding_zh", {"方案后超标因子", "Exceeding after the plan (Chinese)"}},
        {"scenario_name", {"情景名称", "Scenario name"}},
        {"scenario_name_en", {"情景名称（英文）", "Scenario name (English)"}},
        {"assessed", {"参评", "Assessed"}},
        {"p_meets", {"指标达标概率", "Item's P(meets)"}},
        {"p5_mgL", {"5 %分位 mg/L", "5 % quantile, mg/L"}},
        {"p50_mgL", {"中位数 mg/L", "Median, mg/L"}},
        {"p95_mgL", {"95 %分位 mg/L", "95 % quantile, mg/L"}},
        {"mean_mgL", {"均值 mg/L", "Mean, mg/L"}},
        {"section_p_meets", {"断面达标概率", "Section's P(meets)"}},
        {"draws", {"抽样次数", "Draws"}},
        {"seed", {"随机种子", "Seed"}},
    };
    const auto it = cols.find(col);
    return it == cols.end() ? nullptr : &it->second;
}

/// Chinese and English header of a report column.
Label label_of(const std::string& col) {
    static const std::map<std::string, Label> fixed_cols = {
        {"scenario", {"情景", "Scenario"}},
        {"name", {"名称", "Name (Chinese)"}},
        {"name_en", {"英文名称", "Name (English)"}},
        {"measures", {"措施", "Measures (Chinese)"}},
        {"measures_en", {"措施（英文）", "Measures (English)"}},
        {"invest_wan", {"投资（万元）", "Investment (10^4 yuan)"}},
        {"annual_wan", {"运行费（万元/年）", "Running cost (10^4 yuan/a)"}},
        {"sections_meeting", {"达标断面数", "Sections meeting target"}},
        {"sections", {"断面数", "Sections"}},
        {"section_id", {"断面编号", "Section ID"}},
        {"river", {"河流", "River (Chinese)"}},
        {"river_en", {"河流（英文）", "River (English)"}},
        {"reach_id", {"河段编号", "Reach ID"}},
        {"level", {"断面级别", "Control level"}},
        {"position_km", {"河段内位置 km", "Position in reach, km"}},
        {"river_km", {"距河源 km", "Distance from source, km"}},
        {"target_class", {"目标类别", "Target class"}},
        {"flow_m3s", {"流量 m³/s", "Flow, m³/s"}},
        {"class", {"水质类别", "Class"}},
        {"meets", {"是否达标", "Meets target"}},
        {"exceedance", {"超标倍数", "Exceedance multiple"}},
        {"worst_parameter", {"定类指标", "Parameter setting the class"}},
        {"flow_in_m3s", {"入流 m³/s", "Inflow, m³/s"}},
        {"count", {"数量", "Count"}},
        {"downstream_id", {"下游河段", "Downstream reach"}},
        {"length_km", {"长度 km", "Length, km"}},
        {"velocity_ms", {"流速 m/s", "Velocity, m/s"}},
        {"travel_time_d", {"传播时间 d", "Travel time, d"}},
        {"dry", {"断流", "Dry"}},
        {"source_id", {"污染源编号", "Source ID"}},
        {"type", {"类型代码", "Type key"}},
        {"type_zh", {"类型", "Type (Chinese)"}},
        {"type_en", {"类型（英文）", "Type (English)"}},
        {"town", {"乡镇", "Town"}},
        {"town_en", {"乡镇（英文）", "Town (English)"}},
        {"diffuse", {"面源", "Diffuse"}},
        {"origin", {"来源记录", "Origin record"}},
        {"part", {"分项", "Part"}},
        {"key", {"代码", "Key"}},
        {"label", {"名称", "Label (Chinese)"}},
        {"label_en", {"英文名称", "Label (English)"}},
        // allocation.csv (report/allocation.hpp)
        {"condition", {"设计条件", "Design condition"}},
        {"mos", {"安全余量", "Margin of safety"}},
        {"by", {"分配单元", "Allocation units"}},
        {"section_name", {"断面名称", "Section name"}},
        {"constituent", {"指标", "Parameter"}},
        {"method", {"方法代码", "Method key"}},
        {"method_zh", {"分配方法", "Method (Chinese)"}},
        {"unit", {"乡镇/类型", "Town / source type"}},
        {"current_t_a", {"现状负荷 t/a", "Current load, t/a"}},
        {"allowed_t_a", {"允许负荷 t/a", "Allowed load, t/a"}},
        {"cut_t_a", {"削减量 t/a", "Cut, t/a"}},
        {"cut_share", {"削减比例", "Cut share"}},
        {"section_mgL", {"分配后断面浓度 mg/L", "Section after the cuts, mg/L"}},
        {"target_mgL", {"目标浓度（含余量） mg/L", "Target with margin, mg/L"}},
        {"feasible", {"单元内可达标", "Reachable by the units"}},
        {"gini_indicator", {"基尼系数指标", "Gini indicators"}},
        {"gini_current", {"现状基尼系数", "Gini now"}},
        {"gini_allowed", {"分配后基尼系数", "Gini allocated"}},
        // water_quality_sections.csv (io/water_quality_csv.hpp)
        {"scenario_id", {"情景", "Scenario"}},
        {"water_body", {"水体类型", "Water body"}},
        {"deciding", {"定类因子", "Deciding items"}},
        {"exceeding_en", {"超标因子（英文）", "Exceeding items (English)"}},
        {"exceeding_zh", {"超标因子", "Exceeding items (Chinese)"}},
    };
    if (auto it = fixed_cols.find(col); it != fixed_cols.end()) return it->second;
    if (const Label* l = analyses_label(col)) return *l;
    std::string rest;
    if (auto c = variable_of(col, &rest)) {
        const std::string zh(label_zh(*c)), en(label_en(*c));
        if (rest == "_mgL") return {zh + " mg/L", en + ", mg/L"};
        if (rest == "_t_a") return {zh + " t/a", en + ", t/a"};
        if (rest == "_load_kg_d") return {zh + "负荷 kg/d", en + " load, kg/d"};
        if (rest == "_decayed_kg_d") return {zh + "降解量 kg/d", en + " decayed, kg/d"};
        if (rest == "_exceedance") return {zh + "超标倍数", en + " exceedance multiple"};
        if (rest == "_class") return {zh + "类别", en + " class"};
        if (rest == "_share") return {zh + "占比", en + " share"};
    }
    // the water-quality model's items (DO, CODMn, BOD5, TN besides the state variables); DO's exceedance is its shortfall
    for (const auto& k : water_quality_item_keys()) {
        if (col.size() <= k.size() || col.compare(0, k.size() + 1, k + "_") != 0) continue;
        const std::string r = col.substr(k.size()), zh = reaches::wq::item_label_zh(k), en = reaches::wq::item_label_en(k);
        if (r == "_mgL") return {zh + " mg/L", en + ", mg/L"};
        if (r == "_class") return {zh + "类别", en + " class"};
        if (r == "_exceedance" && k == "do") return {zh + "低于限值 mg/L", en + " shortfall below the limit, mg/L"};
        if (r == "_exceedance") return {zh + "超标倍数", en + " exceedance multiple"};
    }
    return {col, col};
}

enum class Kind { Text, Number, Class };

Kind kind_of(const std::string& col) {
    if (col == "class" || col == "target_class" || ends_with(col, "_class")) return Kind::Class;
    for (const char* n : {"sections_meeting", "sections", "sources", "count", "exceedance", "split_fraction", "mos",
                          "p_meets", "section_p_meets", "draws"})
        if (col == n) return Kind::Number;
    for (std::string_view suf : {"_mgL", "_t_a", "_kg_d", "_km", "_m3s", "_ms", "_d", "_wan", "_share", "_exceedance"})
        if (ends_with(col, suf)) return Kind::Number;
    return Kind::Text;
}

/// Excel display format of a numeric column (the stored value keeps every digit of the CSV).
const char* number_format(const std::string& col) {
    if (ends_with(col, "_share") || col == "mos" || ends_with(col, "p_meets")) return "0.0%";
    if (col == "draws") return "0";
    if (ends_with(col, "_wan")) return "#,##0";
    if (col == "sections_meeting" || col == "sections" || col == "sources" || col == "count") return "0";
    if (col == "exceedance" || ends_with(col, "_exceedance") || col == "split_fraction" || ends_with(col, "_kg_d")) return "0.00";
    return "0.000";  // mg/L, t/a, km, m3/s, m/s, d
}

/// Class 1..6 of a class cell ("I" .. "V", "劣V"); 0 when it is none.
int class_of(const std::string& s) {
    for (int c = 1; c <= 6; ++c)
        if (s == reaches::class_roman(c)) return c;
    return 0;
}

lxw_color_t colour(const char* hex) { return static_cast<lxw_color_t>(std::strtoul(hex + 1, nullptr, 16)); }

/// Columns a text takes in a spreadsheet font: CJK (3-byte UTF-8 and up) characters count double.
double display_width(const std::string& s) {
    double w = 0.0;
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        w += n >= 3 ? 2.0 : 1.0;
        i += static_cast<std::size_t>(n);
    }
    return w;
}

struct Book {
    lxw_workbook* wb = nullptr;
    ~Book() {
        if (wb) workbook_close(wb);  // only on an error path: the file is discarded
    }
};

void check(lxw_error e, const std::string& what) {
    if (e != LXW_NO_ERROR) throw OutputError("report.xlsx: " + what + ": " + lxw_strerror(e));
}

}  // namespace

std::string xlsx_sheet_name(const std::string& csv_name) {
    static const std::map<std::string, std::string> names = {
        {"scenarios.csv", "情景 scenarios"},       {"sections.csv", "断面 sections"},
        {"reaches.csv", "河段 reaches"},           {"profile.csv", "剖面 profile"},
        {"sources.csv", "污染源 sources"},         {"loads_by_type.csv", "分类负荷 loads by type"},
        {"apportionment.csv", "来源解析 apportionment"}, {"mixing.csv", "混合区 mixing"},
        {"allocation.csv", "总量分配 allocation"},   {"water_quality_sections.csv", "水质评价 water quality"},
        {"water_quality_reduction.csv", "水质削减 wq reduction"},
        {"water_quality_capacity.csv", "水质纳污能力 wq capacity"},
        {"water_quality_plan.csv", "水质方案措施 wq plan"},
        {"water_quality_plan_sections.csv", "水质方案断面 wq plan sections"},
        {"water_quality_montecarlo.csv", "水质达标概率 wq Monte Carlo"},
    };
    if (auto it = names.find(csv_name); it != names.end()) return it->second;
    std::string stem = fs::path(csv_name).stem().string();
    for (char& c : stem)
        if (std::string_view("[]:*?/\\").find(c) != std::string_view::npos) c = '_';
    return stem.substr(0, 31);
}

// Temporaries left by a process that was killed before it could remove them (qingliu-xlsx-<pid>-<n>.xlsx whose
// process no longer exists).
static void remove_orphaned_temporaries(const fs::path& dir) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        if (name.rfind("qingliu-xlsx-", 0) != 0) continue;
        const long pid = std::strtol(name.c_str() + 13, nullptr, 10);
        if (pid <= 0 || pid == static_cast<long>(::getpid())) continue;
        if (::kill(static_cast<pid_t>(pid), 0) == -1 && errno == ESRCH) fs::remove(e.path(), ec);
    }
}

namespace {

// The workbook's cell formats: the three header rows, the class cells, and number formats made on first use.
struct Formats {
    lxw_workbook* wb;
    lxw_format *head_zh, *head_en, *head_key;
    std::array<lxw_format*, 7> cls{};  // 1..6
    std::map<std::string, lxw_format*> numbers;

    explicit Formats(lxw_workbook* book) : wb(book) {
        head_zh = workbook_add_format(wb);
        format_set_bold(head_zh);
        format_set_pattern(head_zh, LXW_PATTERN_SOLID);
        format_set_bg_color(head_zh, 0xDDE6EF);
        format_set_border(head_zh, LXW_BORDER_THIN);
        head_en = workbook_add_format(wb);
        format_set_italic(head_en);
        format_set_pattern(head_en, LXW_PATTERN_SOLID);
        format_set_bg_color(head_en, 0xEEF2F6);
        format_set_border(head_en, LXW_BORDER_THIN);
        head_key = workbook_add_format(wb);
        format_set_font_color(head_key, 0x5B6570);
        format_set_font_size(head_key, 9);
        format_set_bottom(head_key, LXW_BORDER_MEDIUM);
        for (int c = 1; c <= 6; ++c) {
            cls[c] = workbook_add_format(wb);
            format_set_pattern(cls[c], LXW_PATTERN_SOLID);
            format_set_bg_color(cls[c], colour(report::class_colour(c)));
            format_set_font_color(cls[c], c == 1 || c == 3 || c == 6 ? 0xFFFFFF : 0x222222);
            format_set_bold(cls[c]);
            format_set_align(cls[c], LXW_ALIGN_CENTER);
        }
    }
    lxw_format* number(const char* f) {
        auto& slot = numbers[f];
        if (!slot) {
            slot = workbook_add_format(wb);
            format_set_num_format(slot, f);
        }
        return slot;
    }
};

// Progress over the lines of all tables.
struct RowProgress {
    const std::function<void(double)>& report;
    std::size_t total = 0, done = 0;
    void row() {
        if (report && ++done % 4096 == 0) report(static_cast<double>(done) / static_cast<double>(total + 1));
    }
};

// One sheet of a CSV table: three header rows (Chinese, English, the CSV column name), then the rows, numbers stored as
// numbers and classes coloured; columns sized to their text, the header frozen and filtered.
void write_table_sheet(Formats& fm, const std::string& name, const std::string& text, RowProgress& progress) {
    const auto rows = parse_csv_text(text);
    if (rows.empty()) return;
    const auto& cols = rows.front();
    lxw_worksheet* ws = workbook_add_worksheet(fm.wb, xlsx_sheet_name(name).c_str());
    if (!ws) throw OutputError("report.xlsx: cannot add the sheet of " + name);
    std::vector<Kind> kinds;
    std::vector<lxw_format*> formats;
    std::vector<double> width;
    std::vector<Label> labels;
    for (lxw_col_t c = 0; c < cols.size(); ++c) {
        labels.push_back(label_of(cols[c]));
        kinds.push_back(kind_of(cols[c]));
        formats.push_back(kinds.back() == Kind::Number ? fm.number(number_format(cols[c])) : nullptr);
        width.push_back(std::max({display_width(labels[c].zh), display_width(labels[c].en), display_width(cols[c]) * 0.9}));
    }
    // row by row: constant-memory mode writes each row out when the next one starts
    for (lxw_col_t c = 0; c < cols.size(); ++c) check(worksheet_write_string(ws, 0, c, labels[c].zh.c_str(), fm.head_zh), name);
    for (lxw_col_t c = 0; c < cols.size(); ++c) check(worksheet_write_string(ws, 1, c, labels[c].en.c_str(), fm.head_en), name);
    for (lxw_col_t c = 0; c < cols.size(); ++c) check(worksheet_write_string(ws, 2, c, cols[c].c_str(), fm.head_key), name);
    lxw_row_t r = 3;
    for (std::size_t i = 1; i < rows.size(); ++i, ++r) {
        progress.row();
        for (lxw_col_t c = 0; c < rows[i].size() && c < cols.size(); ++c) {
            const std::string& v = rows[i][c];
            if (v.empty()) continue;
            double x = 0.0;
            if (kinds[c] == Kind::Number && parse_double(v, x)) {
                check(worksheet_write_number(ws, r, c, x, formats[c]), name);
                if (i < 2000) width[c] = std::max(width[c], std::log10(std::max(std::abs(x), 1.0)) + 6.0);
            } else {
                const int cls = kinds[c] == Kind::Class ? class_of(v) : 0;
                check(worksheet_write_string(ws, r, c, v.c_str(), cls ? fm.cls[cls] : nullptr), name);
                if (i < 2000) width[c] = std::max(width[c], display_width(v));
            }
        }
    }
    for (lxw_col_t c = 0; c < cols.size(); ++c)
        check(worksheet_set_column(ws, c, c, std::clamp(width[c] + 1.5, 6.0, 60.0), nullptr), name);
    worksheet_freeze_panes(ws, 3, 0);
    check(worksheet_autofilter(ws, 2, 0, std::max<lxw_row_t>(r - 1, 2), static_cast<lxw_col_t>(cols.size() - 1)), name);
}

// The last sheet: case, run, date, version, how the sheets are laid out, and the class colours.
void write_about_sheet(Formats& fm, const XlsxInfo& info) {
    lxw_worksheet* about = workbook_add_worksheet(fm.wb, "说明 About");
    if (!about) throw OutputError("report.xlsx: cannot add the sheet 说明 About");
    const std::vector<std::pair<std::string, std::string>> meta = {
        {"案例 Case", info.case_name + (info.case_name_en.empty() ? "" : " / " + info.case_name_en)},
        {"运行 Run", info.run},
        {"时间 Created (UTC)", info.created_utc},
        {"版本 Version", "qingliu " + info.version},
        {"表 Sheets", "每表三行表头：中文、英文、CSV列名；数值按数值存储。 Three header rows per sheet: Chinese, English, the "
                      "CSV column name; numbers are stored as numbers, as in the CSV files of the same report."},
    };
    lxw_row_t r = 0;
    for (const auto& [k, v] : meta) {
        check(worksheet_write_string(about, r, 0, k.c_str(), fm.head_zh), "about");
        check(worksheet_write_string(about, r++, 1, v.c_str(), nullptr), "about");
    }
    ++r;
    check(worksheet_write_string(about, r++, 0, "水质类别 Class (GB 3838-2002)", fm.head_zh), "about");
    for (int c = 1; c <= 6; ++c) {
        check(worksheet_write_string(about, r, 0, reaches::class_roman(c).c_str(), fm.cls[c]), "about");
        const std::string l = reaches::class_label_zh(c) + " / " + reaches::class_label_en(c);
        check(worksheet_write_string(about, r++, 1, l.c_str(), nullptr), "about");
    }
    worksheet_set_column(about, 0, 0, 26, nullptr);
    worksheet_set_column(about, 1, 1, 90, nullptr);
}

// The bytes of the written file (the caller removes it).
std::string read_back(const fs::path& tmp) {
    std::ifstream f(tmp, std::ios::binary);
    if (!f) throw OutputError("report.xlsx: cannot read back " + tmp.string());
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

}  // namespace

std::string report_xlsx_bytes(const std::vector<std::pair<std::string, std::string>>& csv_tables, const XlsxInfo& info,
                              const std::function<void(double)>& progress) {
    // libxlsxwriter writes files: a private temporary, read back and removed
    remove_orphaned_temporaries(fs::temp_directory_path());
    static int serial = 0;
    const fs::path tmp = fs::temp_directory_path() /
                         ("qingliu-xlsx-" + std::to_string(::getpid()) + "-" + std::to_string(++serial) + ".xlsx");
    struct Remove {
        fs::path p;
        ~Remove() {
            std::error_code ec;
            fs::remove(p, ec);
        }
    } remove_tmp{tmp};
    {
        Book b;
        lxw_workbook_options opt{};
        opt.constant_memory = LXW_TRUE;  // rows are written in order; large profiles stay out of memory
        b.wb = workbook_new_opt(tmp.c_str(), &opt);
        if (!b.wb) throw OutputError("report.xlsx: cannot create a workbook in " + tmp.parent_path().string());
        lxw_doc_properties props{};
        std::string title = info.case_name + " — 水质模拟报告 water-quality report";
        props.title = title.data();
        std::string app = "qingliu " + info.version;
        props.comments = app.data();
        workbook_set_properties(b.wb, &props);

        Formats fm(b.wb);
        RowProgress rows{progress};
        for (const auto& t : csv_tables) rows.total += static_cast<std::size_t>(std::count(t.second.begin(), t.second.end(), '\n'));
        for (const auto& [name, text] : csv_tables) write_table_sheet(fm, name, text, rows);
        write_about_sheet(fm, info);

        lxw_workbook* wb = b.wb;
        b.wb = nullptr;
        check(workbook_close(wb), "writing " + tmp.string());
    }
    return read_back(tmp);
}

std::string report_xlsx_bytes(const report::ReportData& d, const std::vector<std::pair<std::string, std::string>>& extra_tables,
                              const std::function<void(double)>& progress) {
    auto tables = io::report_tables(d);
    if (d.allocation) tables.emplace_back("allocation.csv", io::allocation_csv(*d.allocation));
    tables.insert(tables.end(), extra_tables.begin(), extra_tables.end());
    return report_xlsx_bytes(tables, {d.case_name, d.case_name_en, std::to_string(d.run_id) + " (" + d.command + ")", d.created_utc,
                                      d.version},
                             progress);
}

}  // namespace qingliu::io
