// qingliu validate CASE: modelled against observed section class and concentrations (analyses/validate.hpp;
// observations from io/observations_reader.hpp), with the agreement counted.
#include <cmath>
#include <cstdio>
#include <memory>

#include <spdlog/spdlog.h>

#include "app/commands.hpp"
#include "app/constituent_cells.hpp"
#include "app/text_table.hpp"
#include "io/case_reader.hpp"
#include "io/observations_reader.hpp"
#include "io/output.hpp"
#include "io/results.hpp"
#include "io/validation_output.hpp"
#include "analyses/validate.hpp"

namespace qingliu::app {

namespace {

struct ValidateCli {
    std::string case_path, out_dir, observations;
};

std::string conc_pair(const scenarios::ObservedStatus& o, const scenarios::ValidationRow& r, Constituent c) {
    char b[64];
    const int k = idx(c);
    const int digits = variable(c).conc_digits;
    if (o.has[k]) std::snprintf(b, sizeof b, "%.*f / %.*f", digits, o.conc_mgL[k], digits, r.modelled_mgL[k]);
    else std::snprintf(b, sizeof b, "- / %.*f", digits, r.modelled_mgL[k]);
    return b;
}

}  // namespace

void register_validate(CLI::App& cli, Globals& g, Action& action) {
    auto* cmd = cli.add_subcommand("validate", "Modelled against observed section classes and concentrations, agreement counted");
    auto o = std::make_shared<ValidateCli>();
    cmd->add_option("CASE", o->case_path, "Case folder (with case.toml) or case file")->required();
    cmd->add_option("--observations", o->observations,
                    "Observations table (section_id, date, observed_class, limiting, cod_mgL, nh3n_mgL, tp_mgL, source); "
                    "default the case's [tables] observations, else observations.csv in the case folder");
    cmd->add_option("-o,--out", o->out_dir, "Output folder for validation.csv and validation_summary.csv (default out/<case>/validate)");
    cmd->callback([&g, &action, o] {
        action = [&g, o] {
            if (o->out_dir.empty()) o->out_dir = default_out(o->case_path, "validate");
            const io::LoadedCase lc = io::load_case(o->case_path);
            for (const auto& w : lc.warnings) spdlog::warn("{}", w);
            const io::ObservedStatusTable obs = io::read_observed_statuses(lc, o->observations);
            const scenarios::Validation v = scenarios::validate(lc.model, obs.rows);
            if (!o->out_dir.empty()) {
                io::OutputDir out(o->out_dir);
                out.stage("validation.csv", io::validation_csv(lc.model, obs.rows, v), true);
                out.stage("validation_summary.csv", io::validation_summary_csv(v), true);
                out.commit();
            }
            if (g.quiet) return static_cast<int>(kOk);
            const auto& m = lc.model;
            std::printf("模拟与实测 Modelled against observed: %s (%s, design condition)\n", m.name.c_str(), obs.file.c_str());
            TextTable t(then(with_labels({"断面 Section", "日期 Date", "实测 Observed", "模拟 Modelled", "一致 Agreement"}, " obs/mod"),
                             {"出处 Source"}));
            for (const auto& r : v.rows) {
                const auto& ob = obs.rows[r.observation];
                const std::string oc = ob.observed_class > 0
                                           ? reaches::class_roman(ob.observed_class) + (ob.limiting.empty() ? "" : " (" + ob.limiting + ")")
                                           : (ob.statement.empty() ? "-" : "见下 statement");
                const std::string mc = reaches::class_roman(r.modelled_class) + " (" +
                                       std::string(label_en(kConstituents[r.modelled_worst])) + ")";
                std::string src = ob.source;
                if (src.size() > 60) {  // cut at a UTF-8 character boundary
                    std::size_t n = 57;
                    while (n > 0 && (static_cast<unsigned char>(src[n]) & 0xC0) == 0x80) --n;
                    src = src.substr(0, n) + "...";
                }
                t.row(then(with_each({m.sections[r.section].id + " " + m.sections[r.section].name, ob.date, oc, mc,
                                      io::agreement_label(ob.observed_class, r.difference)},
                                     [&](Constituent c) { return conc_pair(ob, r, c); }),
                           {src}));
            }
            std::printf("%s", t.str().c_str());
            bool header = false;
            for (const auto& r : v.rows) {
                const auto& ob = obs.rows[r.observation];
                if (ob.statement.empty()) continue;
                if (!header) std::printf("说明 Statements:\n");
                header = true;
                std::printf("  %s %s: %s\n", m.sections[r.section].id.c_str(), ob.date.c_str(), ob.statement.c_str());
            }
            const auto& s = v.summary;
            std::printf("类别一致 Class agrees: %d of %d observed classes (within one class: %d; model worse: %d; model better: %d)\n",
                        s.agree, s.compared, s.within_one, s.model_worse, s.model_better);
            for (auto c : kConstituents)
                if (s.conc_n[idx(c)] > 0)
                    std::printf("%s: %d observed values, modelled/observed geometric mean %.2f\n", std::string(label_en(c)).c_str(),
                                s.conc_n[idx(c)], s.conc_ratio_geomean[idx(c)]);
            if (!o->out_dir.empty()) std::printf("Results in %s (validation.csv, validation_summary.csv)\n", o->out_dir.c_str());
            return static_cast<int>(kOk);
        };
    });
}

}  // namespace qingliu::app
