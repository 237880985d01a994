// qingliu loads CASE [--out DIR]: the load inventory of a case, per source and per source type (t/a).
#include <cstdio>
#include <memory>

#include <spdlog/spdlog.h>

#include "app/commands.hpp"
#include "app/constituent_cells.hpp"
#include "app/text_table.hpp"
#include "io/case_reader.hpp"
#include "io/export_tables.hpp"
#include "io/output.hpp"
#include "io/results.hpp"

namespace qingliu::app {

namespace {
}  // namespace

void register_loads(CLI::App& cli, Globals& g, Action& action) {
    auto* cmd = cli.add_subcommand("loads", "Load inventory: " + labels_en() + " entering the rivers per source and type (t/a)");
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
            PerConstituent all{};
            for (const auto& t : tot)
                for (int c = 0; c < kNumConstituents; ++c) all[c] += t.t_a[c];
            if (!g.quiet) {
                std::printf("%s (%s): %zu sources\n\n", m.name.c_str(), m.name_en.c_str(), m.sources.size());
                if (o->all_sources) {
                    std::vector<std::string> head{"编号 Id", "名称 Name", "类型 Type", "乡镇 Town", "河段 Reach"};
                    for (auto c : kConstituents) head.push_back(std::string(label_en(c)) + " t/a");
                    TextTable ts(head);
                    for (const auto& s : m.sources) {
                        const loads::SourceType* d = loads::find_source_type(s.type);
                        std::vector<std::string> row{s.id, s.name, d ? d->zh : s.type, s.town, m.net.topo.id(s.reach)};
                        for (auto c : kConstituents)
                            row.push_back(fixed(s.load_gs[idx(c)] * kTonnePerYearPerGramPerSecond, variable(c).conc_digits));
                        ts.row(row);
                    }
                    std::printf("%s\n", ts.str().c_str());
                }
                std::vector<std::string> head{"类型 Type", "数量 Count"};
                for (auto c : kConstituents) head.insert(head.end(), {std::string(label_en(c)) + " t/a", "%"});
                TextTable tt(head);
                // each constituent's t/a and its share of the total (%)
                auto with_shares = [&](std::vector<std::string> row, const PerConstituent& v) {
                    for (auto c : kConstituents) {
                        const int k = idx(c);
                        row.push_back(fixed(v[k], variable(c).load_digits));
                        row.push_back(fixed(all[k] > 0 ? 100.0 * v[k] / all[k] : 0.0, 1));
                    }
                    return row;
                };
                for (const auto& t : tot) {
                    const loads::SourceType* d = loads::find_source_type(t.type);
                    tt.row(with_shares({d ? std::string(d->zh) + " " + d->en : t.type, std::to_string(t.count)}, t.t_a));
                }
                tt.row(with_shares({"合计 Total", std::to_string(m.sources.size())}, all));
                std::printf("%s", tt.str().c_str());
            }
            if (!o->out_dir.empty()) {
                io::OutputDir out(o->out_dir);
                out.stage("loads_by_source.csv", io::loads_by_source_csv(m), true);
                out.stage("loads_by_type.csv", io::loads_by_type_csv({{"baseline", tot}}), true);
                for (const auto& f : out.commit()) spdlog::info("wrote {}", f);
            }
            return static_cast<int>(kOk);
        };
    });
}

}  // namespace qingliu::app
