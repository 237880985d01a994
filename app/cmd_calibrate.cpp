// qingliu calibrate CASE: decay rates (and optionally entry coefficients) fitted to observed section concentrations
// (optimize/calibrate.hpp; observations from io/observations_reader.hpp).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <cstdio>
#include <memory>

#include <spdlog/spdlog.h>

#include "app/commands.hpp"
#include "app/text_table.hpp"
#include "io/results.hpp"
#include "io/case_reader.hpp"
#include "io/observations_reader.hpp"
#include "io/export_tables.hpp"
#include "io/output.hpp"
#include "io/run_data.hpp"
#include "optimize/calibrate.hpp"

namespace qingliu::app {

namespace {

std::string g6(double v) {
    if (std::isnan(v)) return "-";
    char b[64];
    std::snprintf(b, sizeof b, "%.4g", v);
    return b;
}

struct CalibrateCli {
    std::string case_path, out_dir, observations;
    std::string params = columns("");
    bool entry = false;
};

}  // namespace

void register_calibrate(CLI::App& cli, Globals& g, Action& action) {
    auto* cmd = cli.add_subcommand("calibrate", "Fit decay rates k20 (and entry coefficients) to observed section concentrations");
    auto o = std::make_shared<CalibrateCli>();
    cmd->add_option("CASE", o->case_path, "Case folder (with case.toml) or case file")->required();
    cmd->add_option("--params", o->params, "Constituents whose k20 is fitted, comma-separated")->capture_default_str();
    cmd->add_flag("--entry", o->entry, "Also fit the inventory's entry-into-river coefficients within their low/high");
    cmd->add_option("--observations", o->observations,
                    "Observations table (section_id, date, " + columns("_mgL", "", ", ") + "); default observations.csv in the case "
                    "folder, else observed_* columns of the sections table");
    cmd->add_option("-o,--out", o->out_dir, "Output folder for calibration.csv and residuals.csv (default out/<case>/calibrate)");
    cmd->callback([&g, &action, o] {
        action = [&g, o] {
            if (o->out_dir.empty()) o->out_dir = default_out(o->case_path, "calibrate");
            io::LoadedCase lc = io::load_case(o->case_path);
            for (const auto& w : lc.warnings) spdlog::warn("{}", w);
            const io::ObservationTable obs = io::read_observations(lc, o->observations);
            scenarios::CalibrationOptions opt;
            opt.fit_k = {};
            opt.fit_entry = o->entry;
            {
                Problems probs;
                std::string cur;
                for (char ch : o->params + ",") {
                    if (ch != ',') {
                        cur += ch;
                        continue;
                    }
                    if (cur.empty()) continue;
                    if (auto c = constituent_from_key(cur)) opt.fit_k[idx(*c)] = true;
                    else probs.add("", "", "--params", cur, "expected one of " + columns("", "", ", "));
                    cur.clear();
                }
                probs.throw_if_any("calibration parameters");
            }
            spdlog::info("case {}: {} observations from {}", lc.model.name, obs.values.size(), obs.file);
            const scenarios::CalibrationResult r = scenarios::calibrate(lc.model, obs.values, opt);
            const auto& m = lc.model;

            std::unique_ptr<io::OutputDir> out;
            if (!o->out_dir.empty()) {
                out = std::make_unique<io::OutputDir>(o->out_dir);
                out->stage("calibration.csv", io::calibration_csv(r), true);
                out->stage("residuals.csv", io::residuals_csv(m, obs.values, r), true);
            }
            std::vector<io::ScenarioResult> results;
            results.push_back(io::make_result(m, scenarios::evaluate(m), "baseline"));
            results.push_back(io::make_result(r.fitted, scenarios::evaluate(r.fitted), "calibrated"));
            if (std::find(lc.input_files.begin(), lc.input_files.end(), obs.file) == lc.input_files.end() &&
                std::filesystem::exists(obs.file))
                lc.input_files.push_back(obs.file);
            io::RunData rd = io::make_run_data(lc, "calibrate", std::move(results));
            for (const auto& p : r.parameters) rd.parameters.emplace_back("calibrated." + p.key, p.fitted);
            io::RunStore store(g.store);
            const std::int64_t id = store.save(rd);
            if (out) out->commit();

            if (g.quiet) return static_cast<int>(kOk);
            std::printf("率定结果 Calibration (%zu observations, %d model runs; %s)\n", obs.values.size(), r.evaluations,
                        r.stop_reason.c_str());
            TextTable tp({"参数 Parameter", "初值 Initial", "率定值 Fitted", "范围 Range", "边界 Bound"});
            for (const auto& p : r.parameters)
                tp.row({p.key, g6(p.initial), g6(p.fitted), "[" + g6(p.low) + ", " + g6(p.high) + "]", p.at_bound ? "在边界 at bound" : ""});
            std::printf("%s", tp.str().c_str());
            TextTable ts({"指标 Constituent", "n", "RMSE 前 before", "RMSE 后 after", "偏差 Bias", "R²", "NSE"});
            for (auto c : kConstituents) {
                const auto& a = r.after[idx(c)];
                if (a.n == 0) continue;
                ts.row({std::string(label_en(c)), std::to_string(a.n), g6(r.before[idx(c)].rmse_mgL), g6(a.rmse_mgL), g6(a.bias_mgL),
                        g6(a.r2), g6(a.nse)});
            }
            std::printf("\n拟合优度 Goodness of fit (mg/L):\n%s", ts.str().c_str());
            TextTable tr({"断面 Section", "日期 Date", "指标", "实测 Observed", "模拟 Modelled", "残差 Residual"});
            for (const auto& x : r.residuals) {
                const auto& ov = obs.values[x.observation];
                tr.row({m.sections[ov.section].id, ov.date, std::string(label_en(kConstituents[x.constituent])), g6(x.observed_mgL),
                        g6(x.modelled_mgL), g6(x.residual_mgL)});
            }
            std::printf("\n残差 Residuals (observed − modelled):\n%s", tr.str().c_str());
            std::printf("Run %lld stored in %s%s%s\n", static_cast<long long>(id), g.store.c_str(),
                        o->out_dir.empty() ? "" : "; results in ", o->out_dir.c_str());
            return static_cast<int>(kOk);
        };
    });
}

}  // namespace qingliu::app
