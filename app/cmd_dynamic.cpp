// qingliu dynamic CASE --out DIR [--scenario ID ...] [--year YYYY] [--recorded-year] [--daily-csv auto|yes|no]
// A year of daily flows and loads (case.toml [dynamic]) under the baseline and each scenario: daily concentrations
// at sections and reach ends, monthly means and classes, annual mean class, and the share of days and months that
// meet each section's target. By default the year judged is a design year: the gauge series scaled so that its
// driest month carries the design flow (the condition steady judges); --recorded-year keeps the flows as recorded.
// The daily series go to NetCDF (daily_reaches_<scenario>.nc, daily_sections_<scenario>.nc), each reach written as
// soon as it is solved; the daily CSV tables too when they fit in a spreadsheet (--daily-csv).
#include <cmath>
#include <cstdio>
#include <memory>
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>
#include <tuple>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "app/commands.hpp"
#include "app/text_table.hpp"
#include "hydro/flow_series.hpp"
#include "io/case_reader.hpp"
#include "io/netcdf_series.hpp"
#include "io/output.hpp"
#include "io/results.hpp"
#include "io/run_data.hpp"
#include "io/series_reader.hpp"
#include "io/store_dynamic.hpp"
#include "loads/load_series.hpp"
#include "reaches/dynamic.hpp"
#include "reaches/steady.hpp"
#include "analyses/verdict.hpp"

namespace qingliu::app {

namespace {

struct DynOpts {
    std::string case_path, out_dir;
    std::vector<std::string> scenarios;
    int year = 0;
    bool dry_year = false;       ///< --dry-year (the default where a gauge series exists)
    bool recorded_year = false;  ///< --recorded-year
    std::string daily_csv = "auto";
};

struct ScenarioRun {
    std::string id;
    scenarios::CaseModel model;
    reaches::DynamicResult result;
    std::vector<reaches::SectionCompliance> compliance;
    std::vector<std::int8_t> daily_class;  ///< section * days + day
    std::vector<io::DynamicFile> files;
};

// Rows a spreadsheet shows in one sheet (Excel: 1,048,576 with the header): larger daily tables go to NetCDF only.
constexpr std::size_t kSheetRows = 1048575;

// Scenario ids as parts of file names: letters, digits, '-' and '_' kept, anything else '_'; a name already taken
// gets "_2", "_3" ...
std::vector<std::string> file_stems(const std::vector<std::string>& ids) {
    std::vector<std::string> out;
    std::set<std::string> taken;
    for (const auto& id : ids) {
        std::string s;
        for (unsigned char ch : id) s += std::isalnum(ch) || ch == '-' || ch == '_' ? static_cast<char>(ch) : '_';
        if (s.empty()) s = "scenario";
        std::string t = s;
        for (int k = 2; taken.count(t); ++k) t = s + "_" + std::to_string(k);
        taken.insert(t);
        out.push_back(t);
    }
    return out;
}

reaches::DynamicForcing make_forcing(const scenarios::CaseModel& m, const io::DynamicSettings& ds, const io::DailyFlows& flows,
                                     std::int32_t gauge, const std::vector<loads::LoadFactorSeries>& load_series,
                                     const std::string& flows_file, std::vector<int>& wet_month) {
    const std::size_t n = m.net.size();
    hydro::FlowInputs fi;
    fi.year = flows.year;
    fi.days = hydro::days_in_year(flows.year);
    fi.design_headwater_m3s = m.net.headwater_flow_m3s;
    fi.design_lateral_m3s = m.net.lateral_flow_m3s;
    fi.local_area_km2 = ds.drainage_area_km2;
    fi.local_area_km2.resize(n, std::nan(""));
    fi.gauge_reach = gauge;
    fi.gauge_m3s = flows.gauge_m3s;
    for (const auto& [id, q] : flows.reaches) fi.reach_series.emplace_back(m.net.topo.find(id), q);
    hydro::FlowForcing ff;
    try {
        ff = hydro::make_flow_forcing(m.net.topo, fi);
    } catch (const std::invalid_argument& e) {
        throw InputError("flows cannot be scaled", {{flows_file, "", "flow_m3s", "", e.what()}});
    }
    wet_month = ff.wet_month;
    // Runoff washing off diffuse loads: the reach's own series, or the network's runoff index.
    auto own_total = std::make_shared<std::vector<std::vector<double>>>();
    for (std::size_t i = 0; i < ff.own_headwater_m3s.size(); ++i) {
        std::vector<double> t(ff.own_headwater_m3s[i].size());
        for (std::size_t d = 0; d < t.size(); ++d) t[d] = ff.own_headwater_m3s[i][d] + ff.own_lateral_m3s[i][d];
        own_total->push_back(std::move(t));
    }
    std::vector<const std::vector<double>*> runoff(n, &ff.runoff_index);
    for (std::size_t r = 0; r < n && !ff.reach_series.empty(); ++r)
        if (ff.reach_series[r] != kNone) runoff[r] = &(*own_total)[ff.reach_series[r]];
    const loads::LoadPatterns lp = loads::make_load_patterns(m.sources, load_series, runoff, ds.washoff_exponent);

    reaches::DynamicForcing f;
    f.steps = static_cast<std::size_t>(fi.days);
    f.step_days = 1.0;
    f.flow_scale = ff.scale;
    f.base_headwater_m3s = ff.base_headwater_m3s;
    f.base_lateral_m3s = ff.base_lateral_m3s;
    f.reach_series = ff.reach_series;
    f.own_headwater_m3s = ff.own_headwater_m3s;
    f.own_lateral_m3s = ff.own_lateral_m3s;
    f.load_patterns = lp.patterns;
    f.input_pattern = lp.source_pattern;
    if (ds.monthly_temperature_c.size() == 12) {
        for (int d = 0; d < fi.days; ++d) {
            const hydro::Date dt = hydro::date_from_day(flows.year, d);
            f.k_per_d.push_back(m.kinetics.at(ds.monthly_temperature_c[dt.month - 1]));
        }
    } else {
        f.k_per_d = {m.kinetics.at(m.temperature_c)};
    }
    return f;
}

scenarios::CaseModel model_for(const io::LoadedCase& lc, const std::string& id) {
    if (id == "baseline") return lc.model;
    for (const auto& s : lc.scenarios)
        if (s.id == id) return scenarios::apply_scenario(lc.model, s);
    std::string known = "baseline";
    for (const auto& s : lc.scenarios) known += ", " + s.id;
    throw InputError("unknown scenario", {{lc.case_file, "", "scenario", id, "no such scenario (known: " + known + ")"}});
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
    cmd->callback([&g, &action, o] {
        action = [&g, o] {
            if (o->out_dir.empty()) o->out_dir = default_out(o->case_path, "dynamic");
            io::LoadedCase lc = io::load_case(o->case_path);
            for (const auto& w : lc.warnings) spdlog::warn("{}", w);
            const io::DynamicSettings& ds = lc.dynamic;
            if (!ds.present)
                throw InputError("no dynamic inputs", {{lc.case_file, "", "dynamic", "",
                                                        "a dynamic run needs a [dynamic] section naming the daily flows "
                                                        "(flows = \"flows.csv\", gauge_reach = \"...\")"}});
            Problems probs;
            const int year = o->year ? o->year : ds.year;
            io::DailyFlows flows = io::read_flow_series({ds.flows, ""}, year, probs);
            std::int32_t gauge = kNone;
            if (!flows.gauge_m3s.empty()) {
                if (ds.gauge_reach.empty())
                    probs.add(lc.case_file, "[dynamic]", "dynamic.gauge_reach", "", "required with a gauge flow table (date, flow_m3s)");
                else if ((gauge = lc.model.net.topo.find(ds.gauge_reach)) == kNone)
                    probs.add(lc.case_file, "[dynamic]", "dynamic.gauge_reach", ds.gauge_reach, "unknown reach id");
            }
            for (const auto& [id, q] : flows.reaches)
                if (lc.model.net.topo.find(id) == kNone) probs.add(ds.flows, "reach " + id, "reach_id", id, "unknown reach id");
            std::vector<loads::LoadFactorSeries> load_series;
            if (!ds.loads.empty() && probs.empty()) {
                std::set<std::string> ids, types;
                for (const auto& s : lc.model.sources) {
                    ids.insert(s.id);
                    types.insert(s.type);
                }
                load_series = io::read_load_series({ds.loads, ""}, flows.year, ids, types, probs);
            }
            probs.throw_if_any("dynamic inputs of " + lc.dir + " have problems");
            double dry_factor = 1.0;
            // A design year by default, as steady judges the design flow; without a gauge series there is nothing
            // to scale, and the recorded year is judged (said below).
            const bool design_year = o->dry_year || (!o->recorded_year && !flows.gauge_m3s.empty());
            if (!design_year && !o->recorded_year)
                spdlog::warn("no gauge series in {}: the recorded year is judged, not a design year", ds.flows);
            if (design_year) {
                if (flows.gauge_m3s.empty())
                    throw InputError("no gauge series to scale", {{ds.flows, "", "flow_m3s", "",
                                                                   "--dry-year needs a gauge flow table (date, flow_m3s)"}});
                // Natural design flow at the gauge: the design inflows routed without effluent, as the gauge series
                // stands for the natural flow (the model adds the sources' water to it).
                const double design = reaches::steady_flows(lc.model.net, {}).flow_out_m3s[gauge];
                try {
                    dry_factor = hydro::dry_year_factor(flows.gauge_m3s, flows.year, design);
                } catch (const std::invalid_argument& e) {
                    throw InputError("flows cannot be scaled to a dry year", {{ds.flows, "", "flow_m3s", "", e.what()}});
                }
                for (double& q : flows.gauge_m3s) q *= dry_factor;
                spdlog::info("dry year: the {} gauge series scaled by {:.4g}, so that its driest month carries the design flow "
                             "{:.4g} m3/s at {}", flows.year, dry_factor, design, ds.gauge_reach);
            }
            if (std::find(lc.input_files.begin(), lc.input_files.end(), ds.flows) == lc.input_files.end()) lc.input_files.push_back(ds.flows);
            if (!ds.loads.empty() && std::find(lc.input_files.begin(), lc.input_files.end(), ds.loads) == lc.input_files.end())
                lc.input_files.push_back(ds.loads);

            std::vector<std::string> ids{"baseline"};
            if (o->scenarios.empty())
                for (const auto& s : lc.scenarios) ids.push_back(s.id);
            else
                for (const auto& s : o->scenarios)
                    if (s != "baseline") ids.push_back(s);
            const int days = hydro::days_in_year(flows.year);
            std::vector<std::string> dates(days);
            std::vector<int> month_of_day(days);
            for (int d = 0; d < days; ++d) {
                const hydro::Date dt = hydro::date_from_day(flows.year, d);
                dates[d] = hydro::format_date(dt);
                month_of_day[d] = dt.month;
            }
            spdlog::info("dynamic run of {} for {}: {} reaches, {} days, {} scenario(s)", lc.model.name, flows.year,
                         lc.model.net.size(), days, ids.size());

            const std::size_t n_reaches = lc.model.net.size(), n_sections = lc.model.sections.size();
            const auto sheet_fits = [&](std::size_t per_day) { return ids.size() * per_day * static_cast<std::size_t>(days) <= kSheetRows; };
            const bool reach_csv = o->daily_csv == "yes" || (o->daily_csv == "auto" && sheet_fits(n_reaches));
            const bool section_csv = o->daily_csv == "yes" || (o->daily_csv == "auto" && sheet_fits(n_sections));
            if (o->daily_csv == "auto" && (!reach_csv || !section_csv))
                spdlog::info("daily {} in NetCDF only: more than {} rows for a spreadsheet (--daily-csv yes writes them)",
                             reach_csv ? "section table" : section_csv ? "reach table" : "tables", kSheetRows);
            io::OutputDir out(o->out_dir);
            const std::vector<std::string> stems = file_stems(ids);
            const io::SeriesStations reach_stations = io::reach_stations(lc.model);
            const io::SeriesStations section_stations = io::section_stations(lc.model);

            std::vector<ScenarioRun> runs;
            std::vector<int> wet_month;
            for (std::size_t k = 0; k < ids.size(); ++k) {
                const std::string& id = ids[k];
                ScenarioRun sr;
                sr.id = id;
                sr.model = model_for(lc, id);
                const reaches::DynamicForcing f = make_forcing(sr.model, ds, flows, gauge, load_series, ds.flows, wet_month);
                io::SeriesFileSpec spec;
                spec.case_name = lc.model.name;
                spec.case_name_en = lc.model.name_en;
                spec.scenario = id;
                spec.year = flows.year;
                spec.steps = static_cast<std::size_t>(days);
                spec.attributes = {{"design_year", design_year ? "yes" : "no (flows as recorded)"}, {"dry_year_factor", fixed(dry_factor, 6)}};
                const std::string reach_file = "daily_reaches_" + stems[k] + ".nc", section_file = "daily_sections_" + stems[k] + ".nc";
                const std::string reach_tmp = out.stage_path(reach_file), section_tmp = out.stage_path(section_file);
                io::SeriesWriter reach_nc(reach_tmp, reach_stations, spec);
                reaches::DynamicOptions opt;
                opt.record_reach_ends = reach_csv;
                opt.reach_series = [&reach_nc](std::int32_t r, const float* q, const float* c) { reach_nc.put(static_cast<std::size_t>(r), q, c); };
                Progress progress("dynamic " + id, !g.quiet);
                opt.progress = [&](double x) { progress(x); };
                sr.result = reaches::solve_dynamic(sr.model.net, scenarios::point_inputs(sr.model), scenarios::observations(sr.model), f, opt);
                reach_nc.close();
                sr.compliance = reaches::section_compliance(sr.result, sr.model.sections, sr.model.classes, month_of_day);
                // the sections' daily series and classes
                spec.double_precision = true;
                io::SeriesWriter section_nc(section_tmp, section_stations, spec);
                sr.daily_class.assign(n_sections * static_cast<std::size_t>(days), 0);
                std::vector<double> q(days), c(static_cast<std::size_t>(days) * kNumConstituents);
                for (std::size_t s = 0; s < n_sections; ++s) {
                    const auto& sec = sr.model.sections[s];
                    for (int d = 0; d < days; ++d) {
                        const PerConstituent v = sr.result.conc(d, s);
                        for (int ci = 0; ci < kNumConstituents; ++ci) c[ci * days + d] = v[ci];
                        q[d] = sr.result.obs_flow_m3s[d * sr.result.nobs + s];
                        sr.daily_class[s * days + d] =
                            static_cast<std::int8_t>(reaches::evaluate_section(sr.model.classes, v, sec.water_body, sec.target_class).overall);
                    }
                    section_nc.put(s, q.data(), c.data());
                    section_nc.put_class(s, sr.daily_class.data() + s * days);
                }
                section_nc.close();
                for (const auto& [kind, tmp, name] : {std::tuple{"reaches", reach_tmp, reach_file}, std::tuple{"sections", section_tmp, section_file}}) {
                    io::DynamicFile df;
                    df.kind = kind;
                    df.path = std::filesystem::absolute(std::filesystem::path(o->out_dir) / name).string();
                    df.sha256 = io::sha256_file_blocks(tmp, &df.bytes);
                    sr.files.push_back(std::move(df));
                }
                spdlog::debug("{}: mass balance: largest reach imbalance {:.3g}, network {:.3g}; intervals: {} closed form, "
                              "{} dopri5, {} rosenbrock4, {} exact", id, sr.result.max_reach_imbalance, sr.result.network_imbalance,
                              sr.result.intervals_relaxed, sr.result.intervals_dopri5, sr.result.intervals_rosenbrock4,
                              sr.result.intervals_exact);
                runs.push_back(std::move(sr));
            }

            // CSV outputs.
            const std::string conc = columns("_mgL");
            std::string daily = "scenario,section_id,name,date,flow_m3s," + conc + ",class,target_class,meets\n";
            std::string reach_daily = "scenario,reach_id,date,flow_m3s," + conc + "\n";
            std::string monthly = "scenario,section_id,name,month,season,days," + conc + ",class,target_class,meets\n";
            std::string comp = "scenario,section_id,name,name_en,river,target_class," + conc +
                               ",annual_class,annual_meets,share_days_meeting,share_months_meeting,days,months\n";
            for (const auto& sr : runs) {
                const auto& m = sr.model;
                const auto& r = sr.result;
                for (std::size_t s = 0; s < m.sections.size(); ++s) {
                    const auto& sec = m.sections[s];
                    const std::string head = sr.id + "," + io::csv_quote(sec.id) + "," + io::csv_quote(sec.name) + ",";
                    for (int d = 0; d < days && section_csv; ++d) {
                        const int cls = sr.daily_class[s * days + d];  // evaluate_section(...).overall, as in the NetCDF file
                        daily += head + dates[d] + "," + io::num(r.obs_flow_m3s[d * r.nobs + s]) + "," + io::nums(r.conc(d, s)) + "," +
                                 reaches::class_roman(cls) + "," + reaches::class_roman(sec.target_class) + "," +
                                 (cls <= sec.target_class ? "yes" : "no") + "\n";
                    }
                    const auto& sc = sr.compliance[s];
                    for (int mo = 0; mo < 12; ++mo) {
                        if (!sc.monthly_days[mo]) continue;
                        monthly += head + std::to_string(mo + 1) + "," + (wet_month.size() == 12 && wet_month[mo] == 1 ? "wet" : "dry") +
                                   "," + std::to_string(sc.monthly_days[mo]) + "," + io::nums(sc.monthly_mean_mgL[mo]) + "," +
                                   reaches::class_roman(sc.monthly_class[mo]) + "," + reaches::class_roman(sec.target_class) + "," +
                                   (sc.monthly_class[mo] <= sec.target_class ? "yes" : "no") + "\n";
                    }
                    comp += head + io::csv_quote(sec.name_en) + "," + io::csv_quote(sec.river) + "," + reaches::class_roman(sec.target_class) +
                            "," + io::nums(sc.annual_mean_mgL) + "," + reaches::class_roman(sc.annual_class) + "," +
                            (sc.annual_meets ? "yes" : "no") + "," + io::num(sc.share_days()) + "," + io::num(sc.share_months()) +
                            "," + std::to_string(sc.days) + "," + std::to_string(sc.months) + "\n";
                }
                const std::size_t n = reach_csv ? m.net.size() : 0;
                for (std::size_t i = 0; i < n; ++i)
                    for (int d = 0; d < days; ++d) {
                        const std::size_t at = d * n + i;
                        reach_daily += sr.id + "," + io::csv_quote(m.net.topo.id(i)) + "," + dates[d] + "," + io::num(r.reach_flow_m3s[at]) +
                                       "," + io::nums(r.reach_conc(at)) + "\n";
                    }
            }
            if (section_csv) out.stage("daily_sections.csv", daily, true);
            if (reach_csv) out.stage("daily_reaches.csv", reach_daily, true);
            out.stage("monthly_sections.csv", monthly, true);
            out.stage("compliance.csv", comp, true);

            // Run store: the annual means as the run's section results, the daily and monthly detail in the
            // dynamic tables.
            std::vector<io::ScenarioResult> results;
            std::vector<io::DynamicScenarioOutput> dyn;
            for (const auto& sr : runs) {
                io::ScenarioResult res;
                res.scenario = sr.id;
                res.max_reach_imbalance = sr.result.max_reach_imbalance;
                for (int c = 0; c < kNumConstituents; ++c) {
                    res.input_kg_d[c] = sr.result.input_g[c] / kGramsPerKg / days;
                    res.outlet_kg_d[c] = sr.result.outlet_g[c] / kGramsPerKg / days;
                    res.decayed_kg_d[c] = sr.result.decayed_g[c] / kGramsPerKg / days;
                }
                io::DynamicScenarioOutput d;
                d.scenario = sr.id;
                d.wet_month = wet_month;
                d.compliance = sr.compliance;
                d.files = sr.files;
                for (std::size_t s = 0; s < sr.model.sections.size(); ++s) {
                    const auto& sec = sr.model.sections[s];
                    const auto& sc = sr.compliance[s];
                    d.section_ids.push_back(sec.id);
                    d.target_class.push_back(sec.target_class);
                    io::SectionRow row;
                    row.section_id = sec.id;
                    row.name = sec.name;
                    row.name_en = sec.name_en;
                    row.river = sec.river;
                    row.reach_id = sr.model.net.topo.id(sec.reach);
                    row.level = sec.level;
                    row.position_km = sec.position_m / kMetresPerKm;
                    row.target_class = sec.target_class;
                    double qsum = 0.0;
                    for (int dd = 0; dd < days; ++dd) qsum += sr.result.obs_flow_m3s[dd * sr.result.nobs + s];
                    row.flow_m3s = qsum / days;
                    const auto cls = reaches::evaluate_section(sr.model.classes, sc.annual_mean_mgL, sec.water_body, sec.target_class);
                    for (int c = 0; c < kNumConstituents; ++c) {
                        row.conc_mgL[c] = sc.annual_mean_mgL[c];
                        row.cls[c] = cls.cls[c];
                        row.exceedance[c] = cls.exceedance[c];
                    }
                    row.overall = cls.overall;
                    row.worst = cls.worst;
                    row.meets = cls.meets;
                    row.exceedance_max = cls.exceedance_max;
                    res.sections.push_back(std::move(row));
                }
                d.meta = {{"year", flows.year},
                          {"days", days},
                          {"max_reach_imbalance", sr.result.max_reach_imbalance},
                          {"network_imbalance", sr.result.network_imbalance},
                          {"intervals_closed_form", static_cast<double>(sr.result.intervals_relaxed)},
                          {"intervals_dopri5", static_cast<double>(sr.result.intervals_dopri5)},
                          {"intervals_rosenbrock4", static_cast<double>(sr.result.intervals_rosenbrock4)},
                          {"intervals_exact", static_cast<double>(sr.result.intervals_exact)}};
                results.push_back(std::move(res));
                dyn.push_back(std::move(d));
            }
            io::RunData rd = io::make_run_data(lc, "dynamic", std::move(results));
            rd.parameters.emplace_back("dynamic.year", flows.year);
            rd.parameters.emplace_back("dynamic.washoff_exponent", ds.washoff_exponent);
            rd.parameters.emplace_back("dynamic.dry_year_factor", dry_factor);
            rd.parameters.emplace_back("dynamic.design_year", design_year ? 1.0 : 0.0);
            io::RunStore store(g.store);
            const std::int64_t run_id = store.save(rd, [&](std::int64_t id) { io::save_dynamic(store, id, dyn); });
            out.commit();

            if (!g.quiet) {
                // the steady verdict of the same scenario in the design condition, side by side
                TextTable t({"情景 Scenario", "断面 Section", "年均类别 Annual class", "目标 Target", "达标天数比例 Days meeting",
                             "达标月份比例 Months meeting", "稳态设计条件 Steady (design flow)"});
                std::vector<std::string> why;
                for (const auto& sr : runs) {
                    const scenarios::Evaluation steady = scenarios::evaluate(sr.model);
                    bool diffuse = false;
                    for (const auto& src : sr.model.sources) diffuse = diffuse || src.diffuse;
                    for (std::size_t s = 0; s < sr.model.sections.size(); ++s) {
                        const auto& sec = sr.model.sections[s];
                        const auto& sc = sr.compliance[s];
                        const auto& st = steady.sections[s];
                        t.row({sr.id, sec.name + (sec.name_en != sec.name ? " " + sec.name_en : ""), reaches::class_roman(sc.annual_class),
                               reaches::class_roman(sec.target_class), fixed(100.0 * sc.share_days(), 1) + " %",
                               fixed(100.0 * sc.share_months(), 1) + " %",
                               reaches::class_roman(st.cls.overall) + (st.cls.meets ? " ✓" : " ✗ " + scenarios::exceeding_text(st.cls.exceedance))});
                        double lowest = 1e300, sum[12] = {}, n[12] = {};
                        for (int d = 0; d < days; ++d) {
                            sum[month_of_day[d] - 1] += sr.result.obs_flow_m3s[d * sr.result.nobs + s];
                            n[month_of_day[d] - 1] += 1.0;
                        }
                        for (int mo = 0; mo < 12; ++mo)
                            if (n[mo] > 0.0) lowest = std::min(lowest, sum[mo] / n[mo]);
                        const auto e = scenarios::explain_steady_dynamic(
                            {st.cls.meets, sc.share_days(), st.flow_m3s > 0.0 ? lowest / st.flow_m3s : 1.0, diffuse});
                        if (!e.agree)
                            why.push_back(sr.id + " " + sec.id + ": " + (st.cls.meets ? "steady meets, dynamic misses on some days" :
                                                                                        "steady misses, dynamic meets on every day") +
                                          " — " + e.zh + " / " + e.en);
                    }
                }
                std::printf("%s", t.str().c_str());
                if (!why.empty()) {
                    std::printf("\n稳态与动态结论不一致 Steady and dynamic verdicts differ:\n");
                    for (const auto& w : why) std::printf("  %s\n", w.c_str());
                }
                std::printf("\n动态模拟 %d 年 Dynamic run of %d", flows.year, flows.year);
                if (design_year)
                    std::printf("（设计枯水年：实测流量 × %s，最枯月为设计流量）(design year: recorded flows × %s, driest month at the design flow)",
                                fixed(dry_factor, 3).c_str(), fixed(dry_factor, 3).c_str());
                else
                    std::printf("（实测年，流量未缩放）(recorded year, flows unscaled)");
                std::printf(". Run %lld stored in %s; results in %s (daily series: daily_reaches_*.nc, daily_sections_*.nc%s)\n",
                            static_cast<long long>(run_id), g.store.c_str(), o->out_dir.c_str(),
                            reach_csv && section_csv ? ", and as CSV" : section_csv ? ", sections also as CSV" : "");
            }
            return static_cast<int>(kOk);
        };
    });
}

}  // namespace qingliu::app
