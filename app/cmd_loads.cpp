// qingliu loads CASE [--out DIR]: the load inventory of a case, per source and per source type (t/a).
#include <cstdio>
#include <memory>

#include <spdlog/spdlog.h>

#include "app/commands.hpp"
#include "app/text_table.hpp"
#include "io/case_reader.hpp"
#include "io/output.hpp"
#include "io/results.hpp"

namespace qingliu::app {

namespace {
}  // namespace

void register_loads(CLI::App& cli, Globals& g, Action& action) {
    auto* cmd = cli.add_subcommand("loads", "Load inventory: COD, NH3-N and TP entering the rivers per source and type (t/a)");
    struct Opts {
        std::string case_path, out_dir;
        bool all_sources = false;
    };
    auto o = std::make_shared<Opts>();
    cmd->add_option("CASE", o->case_path, "Case folder (with case.toml) or case file")->required();
    cmd->add_option("--out", o->out_dir, "Write loads_by_source.csv and loads_by_type.csv to this folder (default out/<case>/loads)");
    cmd->add_flag("--sources", o->all_sources, "Also print every source (default: the per-type table only)");
    cmd->callback([&g, &action, o] {
        action = [&g, o] {
            if (o->out_dir.empty()) o->out_dir = default_out(o->case_path, "loads");
            io::LoadedCase lc = io::load_case(o->case_path);
            for (const auto& w : lc.warnings) spdlog::warn("{}", w);
            const auto& m = lc.model;
            const auto tot = loads::totals_by_type(m.sources);
            PerConstituent all{0, 0, 0};
            for (const auto& t : tot)
                for (int c = 0; c < 3; ++c) all[c] += t.t_a[c];
            if (!g.quiet) {
                std::printf("%s (%s): %zu sources\n\n", m.name.c_str(), m.name_en.c_str(), m.sources.size());
                if (o->all_sources) {
                    TextTable ts({"编号 Id", "名称 Name", "类型 Type", "乡镇 Town", "河段 Reach", "COD t/a", "NH3-N t/a", "TP t/a"});
                    for (const auto& s : m.sources) {
                        const loads::SourceType* d = loads::find_source_type(s.type);
                        ts.row({s.id, s.name, d ? d->zh : s.type, s.town, m.net.topo.id(s.reach),
                                fixed(s.load_gs[0] * kTonnePerYearPerGramPerSecond, 2),
                                fixed(s.load_gs[1] * kTonnePerYearPerGramPerSecond, 3),
                                fixed(s.load_gs[2] * kTonnePerYearPerGramPerSecond, 3)});
                    }
                    std::printf("%s\n", ts.str().c_str());
                }
                TextTable tt({"类型 Type", "数量 Count", "COD t/a", "%", "NH3-N t/a", "%", "TP t/a", "%"});
                auto pct = [&](const PerConstituent& v, int c) { return fixed(all[c] > 0 ? 100.0 * v[c] / all[c] : 0.0, 1); };
                for (const auto& t : tot) {
                    const loads::SourceType* d = loads::find_source_type(t.type);
                    tt.row({d ? std::string(d->zh) + " " + d->en : t.type, std::to_string(t.count), fixed(t.t_a[0], 1),
                            pct(t.t_a, 0), fixed(t.t_a[1], 2), pct(t.t_a, 1), fixed(t.t_a[2], 3), pct(t.t_a, 2)});
                }
                tt.row({"合计 Total", std::to_string(m.sources.size()), fixed(all[0], 1), "100.0", fixed(all[1], 2), "100.0",
                        fixed(all[2], 3), "100.0"});
                std::printf("%s", tt.str().c_str());
            }
            if (!o->out_dir.empty()) {
                io::OutputDir out(o->out_dir);
                out.stage("loads_by_source.csv", io::loads_by_source_csv(m), true);
                out.stage("loads_by_type.csv", io::loads_by_type_csv(m), true);
                for (const auto& f : out.commit()) spdlog::info("wrote {}", f);
            }
            return static_cast<int>(kOk);
        };
    });
}

}  // namespace qingliu::app
