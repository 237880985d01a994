#include "app/case_water_quality.hpp"

#include "app/text_table.hpp"

#include <cmath>

#include "io/water_quality_csv.hpp"
#include "reaches/classes.hpp"
#include "reaches/oxygen.hpp"
#include "report/html.hpp"
#include "scenarios/conditions.hpp"

namespace qingliu::app {

std::string condition_zh(const scenarios::DesignCondition& c, double temperature_c) {
    return c.name + "：" + c.basis_zh + (c.id == "design" ? "（" + report::fixed(temperature_c, 1) + " ℃）" : "");
}

std::string condition_en(const scenarios::DesignCondition& c, double temperature_c) {
    return c.name_en + ": " + c.basis + (c.id == "design" ? " (" + report::fixed(temperature_c, 1) + " °C)" : "");
}

std::shared_ptr<const report::WaterQualityTable> case_water_quality(const io::LoadedCase& lc,
                                                                    const std::vector<scenarios::Scenario>& chosen) {
    if (!lc.water_quality.present) return nullptr;
    return water_quality_table(lc, chosen, scenarios::evaluate_water_quality_scenarios(lc.model, chosen, lc.water_quality.options));
}

std::shared_ptr<const report::WaterQualityTable> water_quality_table(const io::LoadedCase& lc,
                                                                     const std::vector<scenarios::Scenario>& chosen,
                                                                     const std::vector<scenarios::WaterQualityRun>& runs) {
    auto t = std::make_shared<report::WaterQualityTable>();
    t->model = lc.water_quality.model;
    t->elements_per_reach = lc.water_quality.elements_per_reach;
    t->reaeration = std::string(reaches::reaeration_method_key(lc.water_quality.options.steady.reaeration));
    t->temperature_c = lc.model.temperature_c;
    t->inflow_do_share = lc.water_quality.options.river_do_share_of_saturation;
    // the condition of each scenario: its `conditions` measure (design_conditions lists one per such measure), else design
    const auto conds = scenarios::design_conditions(chosen);
    auto condition_of = [&](const std::string& scenario_id) -> const scenarios::DesignCondition& {
        for (const auto& s : chosen)
            if (s.id == scenario_id)
                for (const auto& m : s.measures)
                    if (m.kind == scenarios::MeasureKind::Conditions)
                        for (const auto& c : conds)
                            if (c.id == m.id) return c;
        return conds.front();
    };
    for (const auto& run : runs) {
        const auto& c = condition_of(run.scenario_id);
        t->scenarios.push_back({run.scenario_id, c.id, condition_zh(c, lc.model.temperature_c), condition_en(c, lc.model.temperature_c)});
    }
    t->rows = report::water_quality_rows(lc.model, runs);
    return t;
}

namespace {

// `text` in lines of at most 120 terminal columns (broken at spaces where it can): the first indented by `indent`,
// the others by two more.
std::string wrapped(const std::string& text, const std::string& indent) {
    std::string out;
    const auto lines = wrap_text(text, 118 - static_cast<int>(indent.size()));
    for (std::size_t i = 0; i < lines.size(); ++i) out += (i ? indent + "  " : indent) + lines[i] + "\n";
    return out;
}

}  // namespace

std::string water_quality_model_text(const report::WaterQualityTable& t) {
    std::string out = "\n" + wrapped("水质模型（全部 GB 3838 指标） Water-quality model, every GB 3838 item: " + t.model + ", reaeration " + t.reaeration, "") +
                      "  未模拟藻类与昼夜热量收支 algae and the diel heat budget not modelled; 评价条件 judged in:\n";
    for (std::size_t i = 0; i < t.scenarios.size(); ++i) {
        bool first = true;
        for (std::size_t j = 0; j < i; ++j) first = first && t.scenarios[j].condition_id != t.scenarios[i].condition_id;
        if (first)
            out += wrapped(t.scenarios[i].condition_id + ": " + t.scenarios[i].condition_zh, "  ") + wrapped(t.scenarios[i].condition_en, "    ");
    }
    return out;
}

namespace {

// One item of a section under a scenario: its class ("–" where GB 3838 gives no limit for the water body), value, and
// where worse than the target its multiple ("✗ 0.25×") or for DO its shortfall ("✗ −0.80").
std::string item_cell(const reaches::wq::ItemClass& c) {
    const double v = c.value_mgL;
    std::string s = (c.cls > 0 ? reaches::class_roman(c.cls) : std::string("–")) + " " + fixed(v, std::abs(v) < 1.0 ? 3 : 2);
    if (c.exceeds) s += c.minimum ? " ✗ −" + fixed(c.exceedance, 2) : " ✗ " + fixed(c.exceedance, 2) + "×";
    return s;
}

}  // namespace

std::string water_quality_grid_text(const report::WaterQualityTable& t, const scenarios::CaseModel& m) {
    std::vector<std::string> head = {"断面 Section", "目标 Target"};
    for (const auto& s : t.scenarios) head.push_back(s.id == "baseline" ? "基准 baseline" : s.id);
    TextTable tab(head);
    const std::vector<std::string> keys = io::water_quality_item_keys(t.rows);
    auto find = [&](const std::string& scenario, const std::string& section) -> const report::WaterQualityRow* {
        for (const auto& r : t.rows)
            if (r.scenario == scenario && r.section_id == section) return &r;
        return nullptr;
    };
    for (const auto& sec : m.sections) {
        std::vector<std::string> row = {sec.name, reaches::class_roman(sec.target_class)};
        for (const auto& s : t.scenarios) {
            const report::WaterQualityRow* r = find(s.id, sec.id);
            row.push_back(!r ? "" : reaches::class_roman(r->evaluation.overall) +
                                         (r->evaluation.meets ? " ✓" : " ✗ " + reaches::wq::exceeding_text(r->evaluation, false)));
        }
        tab.row(row);
        for (const auto& key : keys) {  // every chosen item, in the order of GB 3838 table 1
            const VariableDef& d = *find_variable(key);
            std::vector<std::string> irow = {"  " + std::string(d.label_zh) + " " + std::string(d.label_en), ""};
            for (const auto& s : t.scenarios) {
                const report::WaterQualityRow* r = find(s.id, sec.id);
                std::string cell;
                if (r)
                    for (const auto& c : r->evaluation.items)
                        if (c.key == d.key) cell = item_cell(c);
                irow.push_back(cell);
            }
            tab.row(irow);
        }
    }
    return tab.str() + "类别 class, 浓度 mg/L; ✗ 超标倍数 exceedance multiple (溶解氧 DO: 低于限值 shortfall mg/L); " +
           "– 该水体无限值 no limit for the water body (TN in rivers)\n";
}

std::string water_quality_failing_text(const report::WaterQualityTable& t) {
    std::string out = water_quality_model_text(t);
    for (const auto& s : t.scenarios) {
        int n = 0, met = 0;
        std::string lines;
        for (const auto& r : t.rows) {
            if (r.scenario != s.id) continue;
            ++n;
            if (r.evaluation.meets) {
                ++met;
                continue;
            }
            lines += wrapped(r.section_id + " " + r.name + ": " + reaches::class_roman(r.evaluation.overall) + " (目标 target " +
                                 reaches::class_roman(r.target_class) + "); 定类因子 deciding " + report::item_labels(r.deciding, false) +
                                 "; 超标因子 " + reaches::wq::exceeding_text(r.evaluation, true) + " / exceeding " +
                                 reaches::wq::exceeding_text(r.evaluation, false),
                             "    ");
        }
        out += "  " + s.id + (s.condition_id == "design" ? "" : " [" + s.condition_id + "]") + " — " + std::to_string(met) + "/" +
               std::to_string(n) + " 断面达标 sections meet\n" + lines;
    }
    return out;
}

}  // namespace qingliu::app
