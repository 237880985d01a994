// qingliu run CASE --monte-carlo N [--scenario ID ...] [--seed S] [--uncertainty FILE]: each section's probability of
// meeting its target under the baseline and each scenario, and the 5-95 % band of its concentrations, under
// coefficient uncertainty (optimize/montecarlo.hpp). Started by mpirun, the draws are shared among the processes
// (mpi/world.hpp) and rank 0 writes exactly what one process would.
#include <algorithm>
#include <cstdio>
#include <memory>

#include <spdlog/spdlog.h>

#include "app/commands.hpp"
#include "app/design_allocation.hpp"
#include "app/draw_progress.hpp"
#include "app/constituent_cells.hpp"
#include "app/text_table.hpp"
#include "io/case_reader.hpp"
#include "io/export_tables.hpp"
#include "io/observations_reader.hpp"
#include "io/output.hpp"
#include "io/results.hpp"
#include "io/run_data.hpp"
#include "io/store_montecarlo.hpp"
#include "io/store_report.hpp"
#include "mpi/world.hpp"
#include "report/collect.hpp"
#include "report/montecarlo.hpp"
#include "optimize/montecarlo.hpp"
#include "analyses/solve.hpp"

namespace qingliu::app {

namespace {

// The scenarios named (every scenario of the case when none is); "baseline" names no scenario (it is always run).
std::vector<scenarios::Scenario> chosen_scenarios(const io::LoadedCase& lc, const std::vector<std::string>& ids) {
    if (ids.empty()) return lc.scenarios;
    std::vector<scenarios::Scenario> out;
    Problems probs;
    std::string known = "baseline";
    for (const auto& s : lc.scenarios) known += ", " + s.id;
    for (const auto& id : ids) {
        if (id == "baseline") continue;
        auto it = std::find_if(lc.scenarios.begin(), lc.scenarios.end(), [&](const auto& s) { return s.id == id; });
        if (it == lc.scenarios.end()) probs.add(lc.case_file, "", "--scenario", id, "no such scenario (the case has: " + known + ")");
        else if (std::none_of(out.begin(), out.end(), [&](const auto& s) { return s.id == id; })) out.push_back(*it);
    }
    probs.throw_if_any("unknown scenario");
    return out;
}

report::MonteCarloTable table_of(const scenarios::CaseModel& m, const std::vector<scenarios::SolvedScenario>& solved,
                                 const std::vector<scenarios::ScenarioMonteCarlo>& mc) {
    report::MonteCarloTable t;
    t.draws = mc.front().result.draws;
    t.seed = mc.front().result.seed;
    t.drawn = mc.front().result.drawn;
    for (std::size_t j = 0; j < mc.size(); ++j)
        for (std::size_t s = 0; s < m.sections.size(); ++s) {
            const auto& b = mc[j].result.sections[s];
            const auto& det = solved[j].evaluation.sections[s];
            report::MonteCarloRow r;
            r.scenario = mc[j].id;
            r.scenario_name = mc[j].name;
            r.scenario_name_en = mc[j].name_en;
            r.section_id = m.sections[s].id;
            r.name = m.sections[s].name;
            r.river = m.sections[s].river;
            r.target_class = m.sections[s].target_class;
            r.det_meets = det.cls.meets;
            r.p_meets = b.p_meets;
            r.p_meets_c = b.p_meets_c;
            r.det_mgL = det.conc_mgL;
            r.p5_mgL = b.p5;
            r.p50_mgL = b.p50;
            r.p95_mgL = b.p95;
            r.mean_mgL = b.mean;
            t.rows.push_back(std::move(r));
        }
    return t;
}

std::string p_grid_text(const scenarios::CaseModel& m, const report::MonteCarloTable& t, std::size_t models) {
    std::vector<std::string> header = {"断面 Section", "目标", "base"};
    for (std::size_t k = 1; k < models; ++k) header.push_back(std::to_string(k));
    TextTable tt(header);
    const std::size_t ns = m.sections.size();
    for (std::size_t s = 0; s < ns; ++s) {
        std::vector<std::string> row = {m.sections[s].name + " [" + m.sections[s].id + "]", reaches::class_roman(m.sections[s].target_class)};
        for (std::size_t k = 0; k < models; ++k) {
            const auto& r = t.rows[k * ns + s];
            row.push_back(fixed(100.0 * r.p_meets, 1) + (r.det_meets ? "" : "✗"));
        }
        tt.row(row);
    }
    std::string out = tt.str();
    for (std::size_t k = 1; k < models; ++k) {
        const auto& r = t.rows[k * ns];
        out += std::to_string(k) + " = " + r.scenario;
        if (!r.scenario_name.empty()) out += "  " + r.scenario_name;
        if (!r.scenario_name_en.empty() && r.scenario_name_en != r.scenario_name) out += " / " + r.scenario_name_en;
        out += "\n";
    }
    return out + "达标概率 P(meets target) in %, base = 基线 baseline; ✗ = the deterministic run misses the target 确定性计算未达标; "
                 "sampling error (95 %) at most ±" +
           fixed(100.0 * report::p_meets_half_width(0.5, t.draws), 1) + " points\n";
}

}  // namespace

void add_monte_carlo_options(CLI::App* run, MonteCarloCli& o) {
    auto* draws = run->add_option("--monte-carlo", o.draws,
                    "Monte Carlo: number of draws of rates and coefficients; writes montecarlo.csv (probability of meeting "
                    "the target under the baseline and each scenario, 5-50-95 % bands)");
    run->add_option("--scenario", o.scenarios,
                    "Monte Carlo: scenario ids to run besides the baseline (default: every scenario; 'baseline': none)")
        ->needs(draws);
    run->add_option("--seed", o.seed, "Monte Carlo seed (same seed, same result, on any number of threads or processes)")->capture_default_str();
    run->add_option("--uncertainty", o.uncertainty,
                    "Ranges table (parameter, low, high, distribution, mode); default uncertainty.csv in the case folder, "
                    "else k20 x [0.5, 1.5] triangular");
    run->add_flag("--no-coefficients", o.no_coefficients, "Do not draw the inventory's coefficients from their low/high");
}

int run_monte_carlo(Globals& g, const std::string& case_path, const std::string& out_dir, const MonteCarloCli& o) {
    mpi::World world;  // the processes of an MPI job; one process otherwise
    const bool root = world.root();
    io::LoadedCase lc = io::load_case(case_path);
    if (root)
        for (const auto& w : lc.warnings) spdlog::warn("{}", w);
    const io::UncertaintyTable ut = io::read_uncertainty(lc, o.uncertainty);
    const std::vector<scenarios::UncertainParameter> params = ut.file.empty() ? scenarios::default_uncertainty(lc.model) : ut.params;
    if (ut.file.empty() && root) spdlog::info("no uncertainty table: k20 of each constituent triangular on [0.5, 1.5] x its value");
    const std::vector<scenarios::Scenario> chosen = chosen_scenarios(lc, o.scenarios);
    const auto& m = lc.model;
    scenarios::MonteCarloOptions opt;
    opt.draws = o.draws;
    opt.seed = o.seed;
    opt.draw_coefficients = !o.no_coefficients;

    // Work items (scenario, draw) shared among the processes; each samples its block, rank 0 gathers them in item order.
    const std::size_t items = scenarios::ensemble_items(chosen.size(), o.draws);
    const auto [first, count] = scenarios::ensemble_share(items, world.rank(), world.size());
    if (root && world.size() > 1)
        spdlog::info("{} draws x {} models = {} runs over {} MPI processes ({} on this one)", o.draws, chosen.size() + 1, items,
                     world.size(), count);
    std::string failure;
    scenarios::DrawBlock mine;
    {
        DrawProgress progress(world.size() > 1 ? "monte carlo, rank 0 of " + std::to_string(world.size()) : "monte carlo", count,
                              root && !g.quiet);
        opt.progress = [&](double f) { progress(f); };
        try {
            mine = scenarios::sample_ensemble(m, chosen, params, opt, first, count);
        } catch (const ModelError& e) {
            failure = e.what();
        }
        opt.progress = nullptr;
    }
    if (world.any(!failure.empty())) {
        if (!failure.empty()) throw ModelError(failure);
        throw ModelError("Monte Carlo: a draw failed in another MPI process (its message is printed by that process)");
    }
    scenarios::DrawBlock all;
    all.first = 0;
    all.count = items;
    all.sections = m.sections.size();
    all.conc_mgL = world.gather(mine.conc_mgL);
    all.meets = world.gather(mine.meets);
    if (!root) return kOk;
    const auto mc = scenarios::summarise_ensemble(m, chosen, params, opt, all);
    spdlog::info("{} draws, seed {}, {} parameters drawn, {} models", o.draws, o.seed, mc.front().result.drawn.size(), mc.size());

    // the deterministic runs of the same models: the report's profiles and the det_ columns
    scenarios::SolveOptions so;
    so.profile_step_m = report::default_profile_step_m(m);
    const auto solved = scenarios::solve_scenarios(m, chosen, so);
    const report::MonteCarloTable table = table_of(m, solved, mc);

    io::OutputDir out(out_dir);
    std::vector<io::ScenarioResult> results = io::make_results(solved);
    out.stage("montecarlo.csv", io::montecarlo_csv(table), true);
    out.stage("montecarlo_parameters.csv", io::montecarlo_parameters_csv(table.drawn), true);
    if (!ut.file.empty() && std::find(lc.input_files.begin(), lc.input_files.end(), ut.file) == lc.input_files.end())
        lc.input_files.push_back(ut.file);
    io::RunData rd = io::make_run_data(lc, "run --monte-carlo", std::move(results));
    rd.parameters.emplace_back("montecarlo.draws", static_cast<double>(o.draws));
    rd.parameters.emplace_back("montecarlo.seed", static_cast<double>(o.seed));
    rd.parameters.emplace_back("montecarlo.coefficients", opt.draw_coefficients ? 1.0 : 0.0);
    rd.parameters.emplace_back("montecarlo.processes", static_cast<double>(world.size()));
    report::ReportExtras extras = report::collect_extras(m, solved);
    extras.allocation = design_allocation(lc, solved.front());
    io::RunStore store(g.store);
    const std::int64_t id = store.save(rd, [&](std::int64_t run_id) {
        io::save_report_extras(store, run_id, extras);
        io::save_montecarlo(store, run_id, table);
    });
    // the baseline's tables in the layout of the report's
    const report::ReportData d = io::load_report_data(store, id);
    out.stage("sections.csv", io::sections_csv(d, io::ScenarioRows::Baseline), true);
    out.stage("reaches.csv", io::reaches_csv(d, io::ScenarioRows::Baseline), true);
    out.commit();

    if (g.quiet) return kOk;
    std::printf("不确定性分析 Monte Carlo: %zu draws, seed %llu, %zu parameters drawn, %zu models%s\n", o.draws,
                static_cast<unsigned long long>(o.seed), table.drawn.size(), mc.size(),
                world.size() > 1 ? (", " + std::to_string(world.size()) + " MPI processes").c_str() : "");
    std::printf("%s", p_grid_text(m, table, mc.size()).c_str());
    std::printf("\n基线浓度 5–95 %% 区间 Baseline 5–95 %% bands (every scenario's: montecarlo.csv):\n");
    TextTable t(with_labels({"断面 Section"}, " p5–p95"));
    for (std::size_t s = 0; s < m.sections.size(); ++s) {
        const auto& r = table.rows[s];
        t.row(with_each({m.sections[s].name + " [" + m.sections[s].id + "]"}, [&](Constituent c) {
            const int d = variable(c).conc_digits;
            return fixed(r.p5_mgL[idx(c)], d) + "–" + fixed(r.p95_mgL[idx(c)], d);
        }));
    }
    std::printf("%s", t.str().c_str());
    std::printf("Run %lld stored in %s; results in %s\n", static_cast<long long>(id), g.store.c_str(), out_dir.c_str());
    return kOk;
}

}  // namespace qingliu::app
