// qingliu run CASE --monte-carlo N [--seed S] [--uncertainty FILE]: each section's probability of meeting its target
// and the 5-95 % band of its concentrations under coefficient uncertainty (scenarios/montecarlo.hpp).
#include <algorithm>
#include <cstdio>
#include <memory>

#include <spdlog/spdlog.h>

#include "app/commands.hpp"
#include "app/constituent_cells.hpp"
#include "app/text_table.hpp"
#include "io/results.hpp"
#include "io/case_reader.hpp"
#include "io/observations_reader.hpp"
#include "io/output.hpp"
#include "io/run_data.hpp"
#include "scenarios/montecarlo.hpp"

namespace qingliu::app {

namespace {

// A band's concentrations as a stored scenario result (sections only; reaches are not kept per quantile).
io::ScenarioResult band_result(const scenarios::CaseModel& m, const scenarios::Evaluation& base, const scenarios::MonteCarloResult& r,
                               const char* name, PerConstituent scenarios::SectionBand::*q) {
    scenarios::Evaluation e = base;
    for (std::size_t s = 0; s < m.sections.size(); ++s) {
        e.sections[s].conc_mgL = r.sections[s].*q;
        e.sections[s].cls = reaches::evaluate_section(m.classes, e.sections[s].conc_mgL, m.sections[s].water_body, m.sections[s].target_class);
    }
    io::ScenarioResult out = io::make_result(m, e, name);
    out.reaches.clear();
    return out;
}

}  // namespace

void add_monte_carlo_options(CLI::App* run, MonteCarloCli& o) {
    run->add_option("--monte-carlo", o.draws,
                    "Monte Carlo: number of draws of rates and coefficients; writes montecarlo.csv (probability of meeting "
                    "the target, 5-50-95 % bands)");
    run->add_option("--seed", o.seed, "Monte Carlo seed (same seed, same result, on any number of threads)")->capture_default_str();
    run->add_option("--uncertainty", o.uncertainty,
                    "Ranges table (parameter, low, high, distribution, mode); default uncertainty.csv in the case folder, "
                    "else k20 x [0.5, 1.5] triangular");
    run->add_flag("--no-coefficients", o.no_coefficients, "Do not draw the inventory's coefficients from their low/high");
}

int run_monte_carlo(Globals& g, const std::string& case_path, const std::string& out_dir, const MonteCarloCli& o) {
    io::LoadedCase lc = io::load_case(case_path);
    for (const auto& w : lc.warnings) spdlog::warn("{}", w);
    const io::UncertaintyTable ut = io::read_uncertainty(lc, o.uncertainty);
    const std::vector<scenarios::UncertainParameter> params = ut.file.empty() ? scenarios::default_uncertainty(lc.model) : ut.params;
    if (ut.file.empty()) spdlog::info("no uncertainty table: k20 of each constituent triangular on [0.5, 1.5] x its value");
    scenarios::MonteCarloOptions opt;
    opt.draws = o.draws;
    opt.seed = o.seed;
    opt.draw_coefficients = !o.no_coefficients;
    Progress progress("monte carlo", !g.quiet);
    opt.progress = [&](double f) { progress(f); };
    const auto& m = lc.model;
    const scenarios::Evaluation base = scenarios::evaluate(m);
    const scenarios::MonteCarloResult r = scenarios::monte_carlo(m, params, opt);
    spdlog::info("{} draws, seed {}, {} parameters drawn", r.draws, r.seed, r.drawn.size());

    std::string csv = "section_id,name,river,target_class,p_meets," + columns("", "p_meets_");
    for (auto c : kConstituents)
        for (const char* s : {"_det", "_p5", "_p50", "_p95", "_mean"}) csv += "," + std::string(key(c)) + s + "_mgL";
    csv += "\n";
    for (std::size_t s = 0; s < m.sections.size(); ++s) {
        const auto& b = r.sections[s];
        csv += io::csv_quote(m.sections[s].id) + "," + io::csv_quote(m.sections[s].name) + "," + io::csv_quote(m.sections[s].river) + "," +
               reaches::class_roman(m.sections[s].target_class) + "," + io::num(b.p_meets);
        for (int c = 0; c < kNumConstituents; ++c) csv += "," + io::num(b.p_meets_c[c]);
        for (int c = 0; c < kNumConstituents; ++c)
            csv += "," + io::num(base.sections[s].conc_mgL[c]) + "," + io::num(b.p5[c]) + "," + io::num(b.p50[c]) + "," + io::num(b.p95[c]) +
                   "," + io::num(b.mean[c]);
        csv += "\n";
    }
    std::string drawn = "parameter\n";
    for (const auto& k : r.drawn) drawn += io::csv_quote(k) + "\n";

    io::OutputDir out(out_dir);
    io::ScenarioResult det = io::make_result(m, base, "baseline");
    out.stage("montecarlo.csv", csv, true);
    out.stage("montecarlo_parameters.csv", drawn, true);
    out.stage("sections.csv", io::sections_csv(det.sections), true);
    out.stage("reaches.csv", io::reaches_csv(det.reaches), true);
    std::vector<io::ScenarioResult> results;
    results.push_back(std::move(det));
    results.push_back(band_result(m, base, r, "mc_p5", &scenarios::SectionBand::p5));
    results.push_back(band_result(m, base, r, "mc_p50", &scenarios::SectionBand::p50));
    results.push_back(band_result(m, base, r, "mc_p95", &scenarios::SectionBand::p95));
    if (!ut.file.empty() && std::find(lc.input_files.begin(), lc.input_files.end(), ut.file) == lc.input_files.end())
        lc.input_files.push_back(ut.file);
    io::RunData rd = io::make_run_data(lc, "run --monte-carlo", std::move(results));
    rd.parameters.emplace_back("montecarlo.draws", static_cast<double>(r.draws));
    rd.parameters.emplace_back("montecarlo.seed", static_cast<double>(r.seed));
    rd.parameters.emplace_back("montecarlo.coefficients", opt.draw_coefficients ? 1.0 : 0.0);
    for (std::size_t s = 0; s < m.sections.size(); ++s)
        rd.parameters.emplace_back("montecarlo.p_meets." + m.sections[s].id, r.sections[s].p_meets);
    io::RunStore store(g.store);
    const std::int64_t id = store.save(rd);
    out.commit();

    if (g.quiet) return kOk;
    std::printf("不确定性分析 Monte Carlo: %zu draws, seed %llu, %zu parameters drawn\n", r.draws,
                static_cast<unsigned long long>(r.seed), r.drawn.size());
    TextTable t(with_labels({"断面 Section", "目标 Target", "达标概率 P(meets)"}, " p5–p95"));
    for (std::size_t s = 0; s < m.sections.size(); ++s) {
        const auto& b = r.sections[s];
        t.row(with_each({m.sections[s].name + " [" + m.sections[s].id + "]", reaches::class_roman(m.sections[s].target_class),
                         fixed(100.0 * b.p_meets, 1) + " %"},
                        [&](Constituent c) {
                            const int d = variable(c).conc_digits;
                            return fixed(b.p5[idx(c)], d) + "–" + fixed(b.p95[idx(c)], d);
                        }));
    }
    std::printf("%s", t.str().c_str());
    std::printf("Run %lld stored in %s; results in %s\n", static_cast<long long>(id), g.store.c_str(), out_dir.c_str());
    return kOk;
}

}  // namespace qingliu::app
