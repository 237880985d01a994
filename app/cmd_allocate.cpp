// qingliu allocate CASE: the load allowed at each controlling section shared among towns or source types
// (analyses/allocation.hpp), by every method, with the margin of safety kept.
#include <cstdio>
#include <memory>

#include <spdlog/spdlog.h>

#include "app/commands.hpp"
#include "app/text_table.hpp"
#include "io/case_reader.hpp"
#include "io/export_tables.hpp"
#include "io/output.hpp"
#include "io/results.hpp"
#include "report/allocation.hpp"
#include "analyses/allocation.hpp"
#include "scenarios/conditions.hpp"

namespace qingliu::app {

void register_allocate(CLI::App& cli, Globals& g, Action& action) {
    auto* cmd = cli.add_subcommand("allocate", "Load allocation (总量分配): the allowed load at each controlling section shared "
                                               "among towns or source types (equal ratio, contribution, least cost, Gini)");
    struct Opts {
        std::string case_path, out_dir, condition = "design", by = "town";
        std::vector<std::string> sections;
        double mos_pct = 10.0;
    };
    auto o = std::make_shared<Opts>();
    cmd->add_option("CASE", o->case_path, "Case folder")->required();
    cmd->add_option("-o,--out", o->out_dir, "Output folder for allocation.csv (default out/<case>/allocate)");
    cmd->add_option("--by", o->by, "Allocation units: town or type")->check(CLI::IsMember({"town", "type"}))->capture_default_str();
    cmd->add_option("--section", o->sections, "Controlling sections (default: every section that needs a cut)");
    cmd->add_option("--condition", o->condition, "Design condition: design or a `conditions` measure id")->capture_default_str();
    cmd->add_option("--mos", o->mos_pct, "Margin of safety, % of the target limit")->check(CLI::Range(0.0, 99.0))->capture_default_str();
    cmd->callback([&g, &action, o] {
        action = [&g, o] {
            if (o->out_dir.empty()) o->out_dir = default_out(o->case_path, "allocate");
            io::LoadedCase lc = io::load_case(o->case_path);
            for (const auto& w : lc.warnings) spdlog::warn("{}", w);
            std::vector<std::string> unknown;
            const auto cs = scenarios::select_conditions(scenarios::design_conditions(lc.scenarios), {o->condition}, unknown);
            if (cs.empty())
                throw InputError("unknown design condition", {{lc.case_file, "", "--condition", o->condition, "no such design condition"}});
            const scenarios::CaseModel m = scenarios::in_condition(lc.model, cs.front());
            Problems probs;
            for (const auto& id : o->sections) {
                bool found = false;
                for (const auto& s : m.sections) found = found || s.id == id;
                if (!found) probs.add(lc.case_file, "", "--section", id, "no such section");
            }
            probs.throw_if_any("allocation");
            const auto by = o->by == "town" ? scenarios::AllocationBy::Town : scenarios::AllocationBy::SourceType;
            const auto table = scenarios::allocation_table(m, {o->mos_pct / 100.0}, by, o->sections);
            report::AllocationTable at;  // allocation.csv: the one layout (report/allocation.hpp), also the report's sheet
            report::set_condition(at, cs.front());
            at.mos = o->mos_pct / 100.0;
            report::append_allocation(at, m, table, by);
            io::OutputDir out(o->out_dir);
            out.stage("allocation.csv", io::allocation_csv(at), true);
            out.commit();
            if (g.quiet) return static_cast<int>(kOk);
            constexpr double t_a = kTonnePerYearPerGramPerSecond;
            std::printf("总量分配 Load allocation (t/a) — condition %s; margin of safety %s %%\n", scenarios::condition_label(cs.front()).c_str(),
                        fixed(o->mos_pct, 1).c_str());
            if (table.empty()) std::printf("  every section meets its target with the margin: nothing to allocate 无需分配\n");
            for (const auto& e : table) {
                const auto& sec = m.sections[e.section];
                std::printf("\n%s [%s] %s: %s mg/L -> target %s mg/L (limit x %s)%s\n", sec.name.c_str(), sec.id.c_str(),
                            std::string(label_en(kConstituents[e.constituent])).c_str(), fixed(e.total_mgL, 3).c_str(),
                            fixed(e.target_mgL, 3).c_str(), fixed(1.0 - o->mos_pct / 100.0, 3).c_str(),
                            e.results.front().feasible ? "" : "  — the units cannot reach it alone: every unit cut entirely, rest upstream");
                std::vector<std::string> head = {o->by == "town" ? "乡镇 Town" : "类型 Type", "现状 Current"};
                for (const auto& r : e.results)
                    head.push_back(std::string(scenarios::allocation_method_zh(r.method)) + " " + scenarios::allocation_method_key(r.method) +
                                   " 允许/削减");
                TextTable t(head);
                for (std::size_t i = 0; i < e.results.front().units.size(); ++i) {
                    std::vector<std::string> row = {e.results.front().units[i].id, fixed(e.results.front().units[i].current_gs * t_a, 3)};
                    for (const auto& r : e.results)
                        row.push_back(fixed(r.units[i].allowed_gs * t_a, 3) + " / " + fixed(r.units[i].cut_gs * t_a, 3));
                    t.row(row);
                }
                std::printf("%s", t.str().c_str());
                for (const auto& r : e.results)
                    for (std::size_t k = 0; k < r.gini.size(); ++k)
                        std::printf("  Gini (%s, %s): current %s -> allocated %s\n", scenarios::allocation_method_key(r.method),
                                    e.indicator_names[k].c_str(), fixed(r.gini_current[k], 3).c_str(), fixed(r.gini[k], 3).c_str());
            }
            std::printf("\nresults in %s\n", o->out_dir.c_str());
            return static_cast<int>(kOk);
        };
    });
}

}  // namespace qingliu::app
