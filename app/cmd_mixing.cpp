// qingliu mixing CASE [--outfall ID ...] [--scenario S] [--out DIR] [--lang zh|en]: outfall mixing zones
// (排污口混合区): the two-dimensional plume below each outfall, the zone above the target-class limit per parameter,
// the distance to complete mixing, and what the zone reaches. Writes mixing.csv, mixing.gpkg and report.html.
#include <cmath>
#include <cstdio>
#include <memory>

#include <spdlog/spdlog.h>

#include "app/commands.hpp"
#include "app/text_table.hpp"
#include "common/error.hpp"
#include "io/case_reader.hpp"
#include "io/mixing_gpkg.hpp"
#include "io/mixing_reader.hpp"
#include "io/mixing_report.hpp"
#include "io/export_tables.hpp"
#include "io/output.hpp"
#include "io/results.hpp"
#include "io/xlsx_report.hpp"
#include "mixing/outfall.hpp"
#include "report/html.hpp"
#include "report/mixing.hpp"

namespace qingliu::app {

void register_mixing(CLI::App& cli, Globals& g, Action& action) {
    auto* mx = cli.add_subcommand("mixing", "Outfall mixing zones (排污口混合区): 2-D plume, zone length, width and area per parameter");
    struct Opts {
        std::string case_path, scenario, out_dir, lang = "zh";
        std::vector<std::string> outfalls;
    };
    auto o = std::make_shared<Opts>();
    mx->add_option("CASE", o->case_path, "Case folder (with case.toml) or case file")->required();
    mx->add_option("--outfall", o->outfalls, "Outfall (source) id; repeat for several; default: every outfall, plant and industry");
    mx->add_option("--scenario", o->scenario, "Evaluate under this scenario of the case (default: the baseline)");
    mx->add_option("-o,--out", o->out_dir, "Output folder for mixing.csv, mixing.gpkg, report.html (default out/<case>/mixing)");
    mx->add_option("--lang", o->lang, "Language the report opens in")->check(CLI::IsMember({"zh", "en"}))->capture_default_str();
    mx->callback([&g, &action, o] {
        action = [&g, o] {
            if (o->out_dir.empty()) o->out_dir = default_out(o->case_path, "mixing");
            io::LoadedCase lc = io::load_case(o->case_path);
            for (const auto& w : lc.warnings) spdlog::warn("{}", w);
            const io::MixingTables tables = io::read_mixing_tables(lc);
            std::vector<scenarios::Scenario> chosen;
            if (!o->scenario.empty() && o->scenario != "baseline") {
                for (const auto& s : lc.scenarios)
                    if (s.id == o->scenario) chosen.push_back(s);
                if (chosen.empty()) {
                    std::string ids;
                    for (const auto& s : lc.scenarios) ids += (ids.empty() ? "" : ", ") + s.id;
                    throw InputError("unknown scenario", {{lc.case_file, "--scenario", "scenario", o->scenario,
                                                           "no such scenario in the case (it has: " + (ids.empty() ? "none" : ids) + ")"}});
                }
            }
            const scenarios::CaseModel m = chosen.empty() ? lc.model : scenarios::apply_scenario(lc.model, chosen.front());
            mixing::MixingOptions opt;
            opt.outfalls = o->outfalls;
            opt.settings = tables.settings;
            opt.points = tables.points;
            auto section = std::make_shared<report::MixingSection>();
            section->scenario = chosen.empty() ? "baseline" : chosen.front().id;
            section->scenario_name = chosen.empty() ? "基准（现状）" : chosen.front().name;
            section->result = mixing::analyse_mixing(m, opt);
            const auto& res = section->result;
            for (const auto& n : res.notes) spdlog::info("{}", n);
            {
                report::ReportData d = io::report_data_now(lc, chosen, "mixing");
                d.mixing = section;
                const report::Layout layout = report::make_layout(d);
                const report::MixingMap map = report::mixing_map(*section, d, layout);
                io::OutputDir out(o->out_dir);
                out.stage("mixing.csv", io::mixing_csv(*section), true);
                out.stage("mixing.gpkg", io::mixing_gpkg_bytes(*section, map, layout));
                out.stage("report.html", report::render_html(d, layout, o->lang == "en" ? report::Lang::En : report::Lang::Zh));
                out.stage("report.xlsx", io::report_xlsx_bytes(d, {{"mixing.csv", io::mixing_csv(*section)}}));
                out.commit();
            }
            if (!g.quiet) {
                TextTable t({"排污口 Outfall", "河段 Reach", "指标 Param", "限值 Limit", "背景 Bkg", "长 Length m", "宽 Width m",
                             "面积 Area m²", "L_m m", "完全混合 Mixed m", "到达 Reaches"});
                for (const auto& x : res.outfalls)
                    for (const auto& p : x.params) {
                        std::string reached = p.zone.background_exceeds ? "背景超标 background > limit; " : "";
                        for (const auto& r : p.reached) reached += (reached.empty() ? "" : ", ") + r.kind + " " + r.id;
                        const auto& z = p.zone;
                        t.row({x.source_id, x.reach_id, std::string(label_en(kConstituents[p.constituent])), io::num(p.limit_mgL),
                               io::num(p.background_mgL), z.exists ? fixed(z.length_m, 1) + (z.open_at_end ? "+" : "") : "0",
                               z.exists ? fixed(z.max_width_m, 1) : "0", z.exists ? fixed(z.area_m2, 0) : "0", fixed(x.mixing_length_hj_m, 0),
                               std::isfinite(x.mixing_distance_m) ? fixed(x.mixing_distance_m, 0) : "-", reached});
                    }
                std::printf("%s", t.str().c_str());
                std::size_t defaults = 0;
                for (const auto& x : res.outfalls)
                    defaults += x.channel.width_origin == mixing::Origin::Default || x.channel.slope_origin == mixing::Origin::Default;
                if (defaults > 0)
                    std::printf("\n%zu outfall(s) use a default width or slope (缺省河宽/坡降): see the notes in mixing.csv; give width_m, "
                                "depth_m, slope in the case's mixing table.\n",
                                defaults);
                std::printf("%zu outfall(s); mixing.csv, mixing.gpkg, report.html in %s\n", res.outfalls.size(), o->out_dir.c_str());
            }
            return static_cast<int>(kOk);
        };
    });
}

}  // namespace qingliu::app
