// qingliu water-quality CASE [--scenario ID ...] [--out DIR]: the case (baseline and scenarios) evaluated with the
// QUAL2K-class kinetics, every section classified over every GB 3838 item with its exceeding items.
#include <cstdio>
#include <memory>

#include <spdlog/spdlog.h>

#include "app/commands.hpp"
#include "app/text_table.hpp"
#include "io/case_reader.hpp"
#include "io/output.hpp"
#include "io/water_quality_csv.hpp"
#include "reaches/classes.hpp"
#include "analyses/water_quality.hpp"

namespace qingliu::app {

namespace {

std::string item_cell(const reaches::wq::ItemClass& c) {
    const std::string v = fixed(c.value_mgL, c.key == "tp" ? 3 : 2);
    return c.cls > 0 ? v + " " + reaches::class_roman(c.cls) + (c.exceeds ? "✗" : "") : v;
}

std::string sections_text(const scenarios::CaseModel& m, const scenarios::WaterQualityRun& run) {
    std::vector<std::string> header = {"断面 Section", "目标 Target"};
    for (const auto& k : io::water_quality_item_keys())
        header.push_back(std::string(reaches::wq::item_label_zh(k)) + " " + reaches::wq::item_label_en(k));
    header.push_back("类别 Class");
    TextTable t(header, 160);
    std::string failing;
    for (std::size_t i = 0; i < m.sections.size(); ++i) {
        const reaches::Section& s = m.sections[i];
        const auto& e = run.evaluation.sections[i].evaluation;
        std::vector<std::string> row = {s.id, reaches::class_roman(s.target_class)};
        for (const auto& k : io::water_quality_item_keys()) {
            std::string cell = "-";
            for (const auto& c : e.items)
                if (c.key == k) cell = item_cell(c);
            row.push_back(cell);
        }
        row.push_back(reaches::class_roman(e.overall) + (e.meets ? "" : " ✗"));
        t.row(row);
        if (!e.exceeding.empty())
            failing += "  " + s.id + " " + s.name + " 超标因子: " + reaches::wq::exceeding_text(e, true) +
                       "\n       exceeding: " + reaches::wq::exceeding_text(e, false) + "\n";
    }
    return t.str() + failing;
}

}  // namespace

void register_water_quality(CLI::App& cli, Globals& g, Action& action) {
    auto* wq = cli.add_subcommand(
        "water-quality", "Sections classed over every GB 3838 item (DO, CODMn, COD, BOD5, NH3-N, TP) with QUAL2K-class kinetics");
    struct Opts {
        std::string case_path, out_dir;
        std::vector<std::string> scenarios;
    };
    auto o = std::make_shared<Opts>();
    wq->add_option("CASE", o->case_path, "Case folder (with case.toml) or case file")->required();
    wq->add_option("-s,--scenario", o->scenarios, "Scenario id (repeatable; default: every scenario of the case)");
    wq->add_option("-o,--out", o->out_dir, "Output folder for water_quality_sections.csv (default out/<case>/water-quality)");
    wq->callback([&g, &action, o] {
        action = [&g, o] {
            if (o->out_dir.empty()) o->out_dir = default_out(o->case_path, "water-quality");
            io::LoadedCase lc = io::load_case(o->case_path);
            for (const auto& w : lc.warnings) spdlog::warn("{}", w);
            std::vector<scenarios::Scenario> chosen;
            if (o->scenarios.empty()) chosen = lc.scenarios;
            for (const auto& id : o->scenarios) {
                if (id == "baseline") continue;
                bool found = false;
                for (const auto& s : lc.scenarios)
                    if (s.id == id) {
                        chosen.push_back(s);
                        found = true;
                    }
                if (!found) {
                    std::string known = "baseline";
                    for (const auto& s : lc.scenarios) known += ", " + s.id;
                    throw InputError("unknown scenario", {{lc.case_file, "", "--scenario", id, "no such scenario (known: " + known + ")"}});
                }
            }
            const auto runs = scenarios::evaluate_water_quality_scenarios(lc.model, chosen, lc.water_quality.options);
            io::OutputDir out(o->out_dir);
            out.stage("water_quality_sections.csv", io::water_quality_sections_csv(lc.model, runs), true);
            out.commit();
            if (g.quiet) return static_cast<int>(kOk);
            const auto& wo = lc.water_quality.options;
            if (!lc.water_quality.present)
                std::printf("案例无 [water_quality]，采用默认设置 The case has no [water_quality]: defaults used.\n");
            std::printf("模型 model: %s%s; 复氧 reaeration: %s; 水温 temperature %.1f °C; 来水溶解氧 inflow DO %.0f %% of saturation\n",
                        lc.water_quality.model.c_str(),
                        lc.water_quality.model == "elements" ? (" (" + std::to_string(lc.water_quality.elements_per_reach) + " per reach)").c_str() : "",
                        std::string(reaches::reaeration_method_key(wo.steady.reaeration)).c_str(), lc.model.temperature_c,
                        100.0 * wo.river_do_share_of_saturation);
            const auto& base = runs.front().evaluation;
            if (!base.estimated_depth_reaches.empty()) {
                std::string ids;
                for (std::size_t k = 0; k < base.estimated_depth_reaches.size(); ++k)
                    ids += (k ? ", " : "") + lc.model.net.topo.id(base.estimated_depth_reaches[k]) + " " +
                           fixed(base.estimated_depth_m[k], 2) + " m";
                std::printf("估计水深 ESTIMATED depth (water_quality width by continuity, or default_depth_m) at the baseline "
                            "flow: %s\n",
                            ids.c_str());
            }
            for (const auto& run : runs) {
                int met = 0;
                for (const auto& s : run.evaluation.sections) met += s.evaluation.meets ? 1 : 0;
                std::printf("\n%s%s%s — %d/%zu 断面达标 sections meet their target\n%s", run.scenario_id.c_str(),
                            run.name.empty() ? "" : ("  " + run.name).c_str(),
                            run.name_en.empty() || run.name_en == run.name ? "" : (" / " + run.name_en).c_str(), met,
                            run.evaluation.sections.size(), sections_text(lc.model, run).c_str());
            }
            std::printf("\n✗ = worse than the target 劣于目标; exceedance = value/limit − 1 (倍), DO: shortfall below the limit "
                        "(mg/L). Results in %s/water_quality_sections.csv\n",
                        o->out_dir.c_str());
            return static_cast<int>(kOk);
        };
    });
}

}  // namespace qingliu::app
