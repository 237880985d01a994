// qingliu dynamic CASE --out DIR [--scenario ID ...] [--year YYYY] [--recorded-year] [--daily-csv auto|yes|no]
// A year of daily flows and loads (case.toml [dynamic]) under the baseline and each scenario: daily concentrations
// at sections and reach ends, monthly means and classes, annual mean class, and the share of days and months that
// meet each section's target. By default the year judged is a design year: the gauge series scaled so that its
// driest month carries the design flow (the condition steady judges); --recorded-year keeps the flows as recorded.
// The daily series go to NetCDF (daily_reaches_<scenario>.nc, daily_sections_<scenario>.nc), each reach written as
// soon as it is solved; the daily CSV tables too when they fit in a spreadsheet (--daily-csv). A case with
// [water_quality] also runs the dynamic water-quality model on the same year (analyses/dynamic_water_quality.hpp):
// daily_water_quality.csv and daily_water_quality_<scenario>.nc (every GB 3838 item, or those [water_quality] items
// names, and the class per section and day) and water_quality_compliance.csv
// (per item the share of days meeting the target, the annual mean and its class, the steady verdict beside it).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <tuple>

#include <spdlog/spdlog.h>

#include "app/commands.hpp"
#include "app/text_table.hpp"
#include "common/item_set.hpp"
#include "hydro/flow_series.hpp"
#include "io/case_reader.hpp"
#include "io/case_selection.hpp"
#include "io/dynamic_export.hpp"
#include "io/dynamic_inputs.hpp"
#include "io/netcdf_series.hpp"
#include "io/output.hpp"
#include "io/store_dynamic.hpp"
#include "io/store_verdicts.hpp"
#include "analyses/dynamic_water_quality.hpp"
#include "analyses/simulate.hpp"
#include "reaches/wq_classes.hpp"

namespace qingliu::app {

namespace {

struct DynOpts {
    std::string case_path, out_dir;
    std::vector<std::string> scenarios;
    int year = 0;
    bool dry_year = false;       ///< --dry-year (the default where a gauge series exists)
    bool recorded_year = false;  ///< --recorded-year
    std::string daily_csv = "auto";
    double oxygen_tolerance = 0.0;  ///< --oxygen-tolerance (0: the solver's default)
    double exchange_step = 0.0;     ///< --exchange-step (0: the models' default, scenarios::kExchangeStepD, 1/8 d)
};

// The NetCDF files of each scenario, written as the run goes: the reach ends streamed while the scenario is solved,
// the sections once it is done; then their digests for the run store. The output folder is opened when the first
// scenario starts, after every input has been checked.
class SeriesFiles {
public:
    SeriesFiles(std::string out_dir, const io::LoadedCase& lc, std::size_t scenarios)
        : out_dir_(std::move(out_dir)), lc_(lc), reaches_(io::reach_stations(lc.model)), sections_(io::section_stations(lc.model)),
          files_(scenarios) {}

    void begin(const scenarios::Simulation& sim, const std::string& stem, const std::string& id, reaches::DynamicOptions& solver) {
        if (!out_) out_ = std::make_unique<io::OutputDir>(out_dir_);
        reach_file_ = "daily_reaches_" + stem + ".nc";
        section_file_ = "daily_sections_" + stem + ".nc";
        reach_tmp_ = out_->stage_path(reach_file_);
        section_tmp_ = out_->stage_path(section_file_);
        spec_ = io::dynamic_series_spec(sim, lc_.model, id);
        reach_nc_ = std::make_unique<io::SeriesWriter>(reach_tmp_, reaches_, spec_);
        solver.reach_series = [w = reach_nc_.get()](std::int32_t r, const float* q, const float* c) { w->put(static_cast<std::size_t>(r), q, c); };
    }

    void end(const scenarios::Simulation& sim, std::size_t k) {
        reach_nc_->close();
        reach_nc_.reset();
        io::write_section_series(section_tmp_, sections_, spec_, sim, sim.scenarios[k]);
        record(k, "reaches", reach_tmp_, reach_file_);
        record(k, "sections", section_tmp_, section_file_);
    }

    /// daily_water_quality_<stem>.nc of scenario k beside its other files, at the same stations and days.
    void water_quality(const scenarios::Simulation& sim, std::size_t k, const std::string& stem, const scenarios::DynamicWaterQualityScenario& w) {
        const std::string name = "daily_water_quality_" + stem + ".nc";
        const std::string tmp = out_->stage_path(name);
        io::write_water_quality_series(tmp, sections_, io::dynamic_series_spec(sim, lc_.model, sim.scenarios[k].id), sim.days, w);
        record(k, "water_quality", tmp, name);
    }

    std::vector<std::vector<io::DynamicFile>>& files() { return files_; }
    io::OutputDir& out() { return *out_; }

private:
    // the staged file `tmp`, to be renamed `name` in the output folder, for the run store: its kind, final path and digest
    void record(std::size_t k, const char* kind, const std::string& tmp, const std::string& name) {
        io::DynamicFile df;
        df.kind = kind;
        df.path = std::filesystem::absolute(std::filesystem::path(out_dir_) / name).string();
        df.sha256 = io::sha256_file_blocks(tmp, &df.bytes);
        files_[k].push_back(std::move(df));
    }

    std::string out_dir_;
    std::unique_ptr<io::OutputDir> out_;
    const io::LoadedCase& lc_;
    io::SeriesStations reaches_, sections_;
    std::vector<std::vector<io::DynamicFile>> files_;
    std::unique_ptr<io::SeriesWriter> reach_nc_;
    io::SeriesFileSpec spec_;
    std::string reach_file_, section_file_, reach_tmp_, section_tmp_;
};

// The annual verdicts beside the steady ones as the report shows them (report/verdicts.hpp), stored with the run.
report::VerdictTable verdict_table(const scenarios::Simulation& sim) {
    report::VerdictTable vt;
    vt.year = sim.year;
    vt.design_year = sim.design_year;
    vt.dry_factor = sim.dry_year_factor;
    for (const auto& sr : sim.scenarios)
        for (std::size_t s = 0; s < sr.model.sections.size() && s < sr.steady.size() && s < sr.compliance.size(); ++s) {
            const auto& sec = sr.model.sections[s];
            const auto& sc = sr.compliance[s];
            const auto& st = sr.steady[s];
            report::VerdictRow v;
            v.scenario = sr.id;
            v.section_id = sec.id;
            v.name = sec.name;
            v.name_en = sec.name_en;
            v.target_class = sec.target_class;
            v.steady_class = st.steady.overall;
            v.steady_meets = st.steady.meets;
            v.steady_exceeding = scenarios::exceeding_text(st.steady.exceedance);
            v.dynamic_class = sc.annual_class;
            v.share_days = sc.share_days();
            v.share_months = sc.share_months();
            v.agree = st.explanation.agree;
            v.why_zh = st.explanation.zh;
            v.why_en = st.explanation.en;
            vt.rows.push_back(std::move(v));
        }
    return vt;
}

// The annual verdicts beside the steady ones, and where the two differ, why.
void print_summary(const scenarios::Simulation& sim, const std::string& store, const std::string& out_dir, std::int64_t run_id,
                   bool reach_csv, bool section_csv) {
    TextTable t({"情景 Scenario", "断面 Section", "年均类别 Annual class", "目标 Target", "达标天数比例 Days meeting",
                 "达标月份比例 Months meeting", "稳态设计条件 Steady (design flow)"});
    std::vector<std::string> why;
    for (const auto& sr : sim.scenarios)
        for (std::size_t s = 0; s < sr.model.sections.size(); ++s) {
            const auto& sec = sr.model.sections[s];
            const auto& sc = sr.compliance[s];
            const auto& st = sr.steady[s];
            t.row({sr.id, sec.name + (sec.name_en != sec.name ? " " + sec.name_en : ""), reaches::class_roman(sc.annual_class),
                   reaches::class_roman(sec.target_class), fixed(100.0 * sc.share_days(), 1) + " %", fixed(100.0 * sc.share_months(), 1) + " %",
                   reaches::class_roman(st.steady.overall) + (st.steady.meets ? " ✓" : " ✗ " + scenarios::exceeding_text(st.steady.exceedance))});
            if (!st.explanation.agree)
                why.push_back(sr.id + " " + sec.id + ": " +
                              (st.steady.meets ? "steady meets, dynamic misses on some days" : "steady misses, dynamic meets on every day") +
                              " — " + st.explanation.zh + " / " + st.explanation.en);
        }
    std::printf("%s", t.str().c_str());
    if (!why.empty()) {
        std::printf("\n稳态与动态结论不一致 Steady and dynamic verdicts differ:\n");
        for (const auto& w : why) std::printf("  %s\n", w.c_str());
    }
    std::printf("\n动态模拟 %d 年 Dynamic run of %d", sim.year, sim.year);
    if (sim.design_year)
        std::printf("（设计枯水年：实测流量 × %s，最枯月为设计流量）(design year: recorded flows × %s, driest month at the design flow)",
                    fixed(sim.dry_year_factor, 3).c_str(), fixed(sim.dry_year_factor, 3).c_str());
    else
        std::printf("（实测年，流量未缩放）(recorded year, flows unscaled)");
    std::printf(". Run %lld stored in %s; results in %s (daily series: daily_reaches_*.nc, daily_sections_*.nc%s)\n",
                static_cast<long long>(run_id), store.c_str(), out_dir.c_str(),
                reach_csv && section_csv ? ", and as CSV" : section_csv ? ", sections also as CSV" : "");
}

// The dynamic water-quality verdicts beside the steady ones: per section the class of the annual means, the share of
// days meeting the target over every chosen item, the item with the fewest such days, and the steady class.
void print_water_quality(const scenarios::Simulation& sim, const scenarios::DynamicWaterQuality& wq, const ItemSet& items) {
    TextTable t({"情景 Scenario", "断面 Section", "年均类别 Annual class", "目标 Target", "达标天数比例 Days meeting",
                 "最少达标因子 Item meeting least (< 100 %)", "稳态设计条件 Steady (design flow)"});
    for (std::size_t k = 0; k < wq.scenarios.size(); ++k) {
        const auto& sr = sim.scenarios[k];
        const auto& w = wq.scenarios[k];
        const std::size_t ni = w.items.size();
        for (std::size_t s = 0; s < sr.model.sections.size(); ++s) {
            const auto& sec = sr.model.sections[s];
            std::size_t least = ni;
            for (std::size_t i = 0; i < ni; ++i) {
                const double v = w.share_days_item[s * ni + i];
                if (!std::isnan(v) && (least == ni || v < w.share_days_item[s * ni + least])) least = i;
            }
            const std::string least_text = least == ni || w.share_days_item[s * ni + least] >= 1.0 ? "-" : std::string(reaches::wq::item_label_zh(w.items[least])) + " " +
                                           reaches::wq::item_label_en(w.items[least]) + " " + fixed(100.0 * w.share_days_item[s * ni + least], 1) + " %";
            const auto& st = w.steady[s];
            t.row({sr.id, sec.name + (sec.name_en != sec.name ? " " + sec.name_en : ""), reaches::class_roman(w.annual[s].overall),
                   reaches::class_roman(sec.target_class), fixed(100.0 * w.share_days[s], 1) + " %", least_text,
                   reaches::class_roman(st.overall) + (st.meets ? " ✓" : " ✗ " + reaches::wq::exceeding_text(st, false))});
        }
    }
    // the items judged: every GB 3838 item, or those the case names ([water_quality] items)
    const std::string zh = items.label_zh(), en = items.label_en();
    char tol_zh[64] = "", tol_en[64] = "";
    if (wq.oxygen_effects && wq.oxygen_tolerance > 0.0) {
        std::snprintf(tol_zh, sizeof tol_zh, "，误差控制 %.0e", wq.oxygen_tolerance);
        std::snprintf(tol_en, sizeof tol_en, " (tolerance %.0e)", wq.oxygen_tolerance);
    }
    std::printf("\n水质模型动态模拟（%s，每河段 %d 个单元%s%s） Dynamic water-quality model, %s, %d cells per "
                "reach%s%s:\n%s", zh.c_str(), wq.cells_per_reach, wq.oxygen_effects ? "，含溶解氧影响" : "", tol_zh, en.c_str(),
                wq.cells_per_reach, wq.oxygen_effects ? ", oxygen effects on" : "", tol_en, t.str().c_str());
}

int run_dynamic(const Globals& g, DynOpts& o) {
    if (o.out_dir.empty()) o.out_dir = default_out(o.case_path, "dynamic");
    io::LoadedCase lc = io::load_case(o.case_path);
    for (const auto& w : lc.warnings) spdlog::warn("{}", w);
    const scenarios::DynamicInputs inputs = io::read_dynamic_inputs(lc, o.year);
    const std::vector<scenarios::Scenario> chosen = io::chosen_scenarios(lc, o.scenarios, "scenario");
    scenarios::SimulateOptions opt;
    opt.year = o.dry_year ? scenarios::DynamicYear::Design : o.recorded_year ? scenarios::DynamicYear::Recorded : scenarios::DynamicYear::Auto;
    if (opt.year == scenarios::DynamicYear::Auto && inputs.gauge_m3s.empty())
        spdlog::warn("no gauge series in {}: the recorded year is judged, not a design year", inputs.flows_file);
    opt.compare_steady = true;  // the steady verdicts beside the dynamic ones are stored with the run for its report
    if (o.exchange_step > 0.0) opt.solver.exchange_step_d = o.exchange_step;  // (else kExchangeStepD)

    const std::size_t runs = chosen.size() + 1, days = static_cast<std::size_t>(hydro::days_in_year(inputs.year));
    const auto sheet_fits = [&](std::size_t per_day) { return runs * per_day * days <= io::kSheetRows; };
    const bool reach_csv = o.daily_csv == "yes" || (o.daily_csv == "auto" && sheet_fits(lc.model.net.size()));
    const bool section_csv = o.daily_csv == "yes" || (o.daily_csv == "auto" && sheet_fits(lc.model.sections.size()));
    if (o.daily_csv == "auto" && (!reach_csv || !section_csv))
        spdlog::info("daily {} in NetCDF only: more than {} rows for a spreadsheet (--daily-csv yes writes them)",
                     reach_csv ? "section table" : section_csv ? "reach table" : "tables", io::kSheetRows);
    opt.solver.record_reach_ends = reach_csv;
    spdlog::info("dynamic run of {} for {}: {} reaches, {} days, {} scenario(s)", lc.model.name, inputs.year, lc.model.net.size(), days, runs);

    std::vector<std::string> ids{"baseline"};
    for (const auto& s : chosen) ids.push_back(s.id);
    const std::vector<std::string> stems = io::file_stems(ids);
    SeriesFiles series(o.out_dir, lc, runs);
    std::unique_ptr<Progress> progress;
    opt.before_scenario = [&](const scenarios::Simulation& sim, std::size_t k, const std::string& id, reaches::DynamicOptions& solver) {
        if (k == 0 && sim.design_year)
            spdlog::info("dry year: the {} gauge series scaled by {:.4g}, so that its driest month carries the design flow "
                         "{:.4g} m3/s at {}", sim.year, sim.dry_year_factor, sim.design_flow_m3s, lc.dynamic.gauge_reach);
        series.begin(sim, stems[k], id, solver);
        progress = std::make_unique<Progress>("dynamic " + id, !g.quiet);
        solver.progress = [&p = *progress](double x) { p(x); };
    };
    opt.after_scenario = [&](const scenarios::Simulation& sim, std::size_t k) {
        progress.reset();
        series.end(sim, k);
        const auto& r = sim.scenarios[k].result;
        spdlog::debug("{}: mass balance: largest reach imbalance {:.3g}, network {:.3g}; intervals: {} closed form, "
                      "{} dopri5, {} rosenbrock4, {} exact", ids[k], r.max_reach_imbalance, r.network_imbalance, r.intervals_relaxed,
                      r.intervals_dopri5, r.intervals_rosenbrock4, r.intervals_exact);
    };
    const scenarios::Simulation sim = scenarios::simulate(lc.model, chosen, inputs, opt);
    io::OutputDir& out = series.out();
    std::unique_ptr<scenarios::DynamicWaterQuality> wq;
    if (lc.water_quality.present) {
        const int cells = lc.water_quality.model == "elements" ? lc.water_quality.elements_per_reach : 4;
        Progress p("dynamic water quality", !g.quiet);
        wq = std::make_unique<scenarios::DynamicWaterQuality>(
            scenarios::simulate_water_quality(sim, inputs, lc.water_quality.options, cells, [&p](double x) { p(x); },
                                              o.oxygen_tolerance, o.exchange_step));
        out.stage("daily_water_quality.csv", io::daily_water_quality_csv(sim, *wq), true);
        if (!lc.model.sections.empty())
            for (std::size_t k = 0; k < wq->scenarios.size() && k < sim.scenarios.size(); ++k) series.water_quality(sim, k, stems[k], wq->scenarios[k]);
        out.stage("water_quality_compliance.csv", io::water_quality_compliance_csv(sim, *wq), true);
    }

    if (section_csv) out.stage("daily_sections.csv", io::daily_sections_csv(sim), true);
    if (reach_csv) out.stage("daily_reaches.csv", io::daily_reaches_csv(sim), true);
    out.stage("monthly_sections.csv", io::monthly_sections_csv(sim), true);
    out.stage("compliance.csv", io::compliance_csv(sim), true);
    io::DynamicRunRecord rec = io::dynamic_run_record(lc, sim, inputs.washoff_exponent, std::move(series.files()));
    if (wq && o.oxygen_tolerance > 0.0) rec.run.parameters.emplace_back("dynamic.oxygen_tolerance", o.oxygen_tolerance);
    if (o.exchange_step > 0.0) rec.run.parameters.emplace_back("dynamic.exchange_step_d", o.exchange_step);
    io::RunStore store(g.store);
    const report::VerdictTable verdicts = verdict_table(sim);
    const std::int64_t run_id = store.save(rec.run, [&](std::int64_t id) {
        io::save_dynamic(store, id, rec.dynamic);
        io::save_verdicts(store, id, verdicts);
        if (wq) io::save_dynamic_water_quality(store, id, io::dynamic_water_quality_rows(sim, *wq));
    });
    out.commit();
    if (!g.quiet) {
        print_summary(sim, g.store, o.out_dir, run_id, reach_csv, section_csv);
        if (wq) print_water_quality(sim, *wq, lc.water_quality.options.items);
        if (wq && reaches::wq::has_dispersion(lc.water_quality.options.reaches, lc.water_quality.options.steady))
            std::printf("动态单元间按QUAL2K纵向离散交换水量，与稳态单元相同（离散河段链整体求解） The dynamic cells exchange "
                        "water with their neighbours as the steady elements do (QUAL2K's dispersion; a chain of dispersive "
                        "reaches is solved as one system)\n");
    }
    return static_cast<int>(kOk);
}

}  // namespace

void register_dynamic(CLI::App& cli, Globals& g, Action& action) {
    auto* cmd = cli.add_subcommand("dynamic", "A year of daily flows and loads: daily, monthly and annual section classes and "
                                              "the share of days and months meeting each target");
    auto o = std::make_shared<DynOpts>();
    cmd->add_option("CASE", o->case_path, "Case folder (with case.toml and its [dynamic] section) or case file")->required();
    cmd->add_option("-o,--out", o->out_dir, "Output folder for daily_reaches_<scenario>.nc, daily_sections_<scenario>.nc, monthly_sections.csv, compliance.csv "
                    "and the daily CSV tables (default out/<case>/dynamic)")
        ;
    cmd->add_option("--scenario", o->scenarios, "Scenario ids to run besides the baseline (default: every scenario)");
    cmd->add_option("--year", o->year, "Year to simulate (default: [dynamic] year, else the year of the first flow record)")
        ->check(CLI::Range(1800, 2200));
    cmd->add_option("--daily-csv", o->daily_csv,
                    "Daily tables daily_sections.csv and daily_reaches.csv besides the NetCDF files: auto (each when it "
                    "fits in one spreadsheet sheet, 1,048,575 rows), yes, no")
        ->check(CLI::IsMember({"auto", "yes", "no"}));
    auto* dry = cmd->add_flag("--dry-year", o->dry_year,
                              "Judge a design year (the default with a gauge series): the gauge series scaled so that its driest "
                              "month's mean equals the natural design flow at the gauge, shape from the recorded year");
    cmd->add_flag("--recorded-year", o->recorded_year, "Judge the year as recorded, flows unscaled")->excludes(dry);
    cmd->add_option("--oxygen-tolerance", o->oxygen_tolerance,
                    "Error control of the dynamic water-quality model where rates depend on DO: each sub-piece's "
                    "tolerance, mg/L absolute and relative (default 1e-7). Looser is faster on large networks: at the "
                    "default 1/8-d pieces 1e-5 takes about half the solves (within about 2e-6 of a tight reference), "
                    "at one piece a day about a seventh (within about 3e-5)")
        ->check(CLI::Validator(
            [](std::string& v) -> std::string {
                char* end = nullptr;
                const double x = std::strtod(v.c_str(), &end);
                if (end == v.c_str() || *end != '\0' || !(x >= 1e-10 && x <= 1e-3))
                    return "a tolerance from 1e-10 to 1e-3 (mg/L) expected, not " + v;
                return {};
            },
            "1e-10 to 1e-3"));
    cmd->add_option("--exchange-step", o->exchange_step,
                    "Pieces of the exchange between reaches in both dynamic models, days (default 0.125): each reach "
                    "takes its feeders' mean outflow over a piece, so longer pieces lag their transients (one piece a "
                    "day moved the cases' daily section values by up to 2.2 % and 18 daily classes, Leshan's daily DO "
                    "by up to 0.19 mg/L) but run faster on large networks")
        ->check(CLI::Range(1.0 / 96.0, 1.0));
    cmd->callback([&g, &action, o] { action = [&g, o] { return run_dynamic(g, *o); }; });
}

}  // namespace qingliu::app
