#include "io/dynamic_export.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>

#include "common/units.hpp"
#include "hydro/flow_series.hpp"
#include "io/result_rows.hpp"
#include "io/results.hpp"
#include "io/run_data.hpp"
#include "reaches/classes.hpp"
#include "reaches/wq_classes.hpp"

namespace qingliu::io {

namespace {

std::vector<std::string> dates_of(const scenarios::Simulation& sim) {
    std::vector<std::string> dates(sim.days);
    for (int d = 0; d < sim.days; ++d) dates[d] = hydro::format_date(hydro::date_from_day(sim.year, d));
    return dates;
}

std::string fixed6(double v) {
    char b[64];
    std::snprintf(b, sizeof b, "%.6f", v);
    return b;
}

// "scenario,section_id,name," of a section's rows
std::string section_head(const scenarios::ScenarioSimulation& sr, const reaches::Section& sec) {
    return sr.id + "," + csv_quote(sec.id) + "," + csv_quote(sec.name) + ",";
}

}  // namespace

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

std::string daily_sections_csv(const scenarios::Simulation& sim) {
    const std::vector<std::string> dates = dates_of(sim);
    const int days = sim.days;
    std::string out = "scenario,section_id,name,date,flow_m3s," + columns("_mgL") + ",class,target_class,meets\n";
    for (const auto& sr : sim.scenarios) {
        const auto& r = sr.result;
        for (std::size_t s = 0; s < sr.model.sections.size(); ++s) {
            const auto& sec = sr.model.sections[s];
            const std::string head = section_head(sr, sec);
            for (int d = 0; d < days; ++d) {
                const int cls = sr.daily_class[s * days + d];  // as in the NetCDF file
                out += head + dates[d] + "," + num(r.obs_flow_m3s[d * r.nobs + s]) + "," + nums(r.conc(d, s)) + "," +
                       reaches::class_roman(cls) + "," + reaches::class_roman(sec.target_class) + "," +
                       (cls <= sec.target_class ? "yes" : "no") + "\n";
            }
        }
    }
    return out;
}

std::string daily_reaches_csv(const scenarios::Simulation& sim) {
    const std::vector<std::string> dates = dates_of(sim);
    std::string out = "scenario,reach_id,date,flow_m3s," + columns("_mgL") + "\n";
    for (const auto& sr : sim.scenarios) {
        const auto& r = sr.result;
        const std::size_t n = r.reach_flow_m3s.empty() ? 0 : sr.model.net.size();
        for (std::size_t i = 0; i < n; ++i)
            for (int d = 0; d < sim.days; ++d) {
                const std::size_t at = d * n + i;
                out += sr.id + "," + csv_quote(sr.model.net.topo.id(i)) + "," + dates[d] + "," + num(r.reach_flow_m3s[at]) + "," +
                       nums(r.reach_conc(at)) + "\n";
            }
    }
    return out;
}

std::string monthly_sections_csv(const scenarios::Simulation& sim) {
    std::string out = "scenario,section_id,name,month,season,days," + columns("_mgL") + ",class,target_class,meets\n";
    for (const auto& sr : sim.scenarios)
        for (std::size_t s = 0; s < sr.model.sections.size(); ++s) {
            const auto& sec = sr.model.sections[s];
            const auto& sc = sr.compliance[s];
            const std::string head = section_head(sr, sec);
            for (int mo = 0; mo < 12; ++mo) {
                if (!sc.monthly_days[mo]) continue;
                out += head + std::to_string(mo + 1) + "," + (sr.wet_month.size() == 12 && sr.wet_month[mo] == 1 ? "wet" : "dry") + "," +
                       std::to_string(sc.monthly_days[mo]) + "," + nums(sc.monthly_mean_mgL[mo]) + "," + reaches::class_roman(sc.monthly_class[mo]) +
                       "," + reaches::class_roman(sec.target_class) + "," + (sc.monthly_class[mo] <= sec.target_class ? "yes" : "no") + "\n";
            }
        }
    return out;
}

std::string compliance_csv(const scenarios::Simulation& sim) {
    std::string out = "scenario,section_id,name,name_en,river,target_class," + columns("_mgL") +
                      ",annual_class,annual_meets,share_days_meeting,share_months_meeting,days,months\n";
    for (const auto& sr : sim.scenarios)
        for (std::size_t s = 0; s < sr.model.sections.size(); ++s) {
            const auto& sec = sr.model.sections[s];
            const auto& sc = sr.compliance[s];
            out += section_head(sr, sec) + csv_quote(sec.name_en) + "," + csv_quote(sec.river) + "," + reaches::class_roman(sec.target_class) +
                   "," + nums(sc.annual_mean_mgL) + "," + reaches::class_roman(sc.annual_class) + "," + (sc.annual_meets ? "yes" : "no") + "," +
                   num(sc.share_days()) + "," + num(sc.share_months()) + "," + std::to_string(sc.days) + "," + std::to_string(sc.months) + "\n";
        }
    return out;
}

namespace {

// item key -> column name: "do" -> "do_mgL"
std::string item_columns(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t k = 0; k < items.size(); ++k) out += (k ? "," : "") + items[k] + "_mgL";
    return out;
}

std::string class_or_blank(int cls) { return cls > 0 ? reaches::class_roman(cls) : ""; }
std::string share_or_blank(double v) { return std::isnan(v) ? "" : num(v); }

}  // namespace

std::string daily_water_quality_csv(const scenarios::Simulation& sim, const scenarios::DynamicWaterQuality& wq) {
    const std::vector<std::string> dates = dates_of(sim);
    const int days = sim.days;
    std::string out;
    for (std::size_t k = 0; k < wq.scenarios.size() && k < sim.scenarios.size(); ++k) {
        const auto& sr = sim.scenarios[k];
        const auto& w = wq.scenarios[k];
        const std::size_t ni = w.items.size();
        if (out.empty()) out = "scenario,section_id,name,date,flow_m3s," + item_columns(w.items) + ",class,target_class,meets\n";
        for (std::size_t s = 0; s < sr.model.sections.size(); ++s) {
            const auto& sec = sr.model.sections[s];
            const std::string head = section_head(sr, sec);
            for (int d = 0; d < days; ++d) {
                const std::size_t at = s * days + d;
                out += head + dates[d] + "," + num(w.daily_flow_m3s[at]);
                for (std::size_t i = 0; i < ni; ++i) out += "," + num(w.daily_mgL[at * ni + i]);
                const int cls = w.daily_class[at];
                out += "," + reaches::class_roman(cls) + "," + reaches::class_roman(sec.target_class) + "," +
                       (cls <= sec.target_class ? "yes" : "no") + "\n";
            }
        }
    }
    if (out.empty()) out = "scenario,section_id,name,date,flow_m3s,class,target_class,meets\n";
    return out;
}

std::string water_quality_compliance_csv(const scenarios::Simulation& sim, const scenarios::DynamicWaterQuality& wq) {
    std::string out = "scenario,section_id,name,name_en,target_class,item,annual_mean_mgL,annual_class,share_days_meeting,"
                      "steady_mgL,steady_class\n";
    for (const DynamicWaterQualityRow& r : dynamic_water_quality_rows(sim, wq)) {
        const auto& sec = sim.scenarios[r.scenario_index].model.sections[r.section_index];
        out += r.scenario + "," + csv_quote(sec.id) + "," + csv_quote(sec.name) + "," + csv_quote(sec.name_en) + "," +
               reaches::class_roman(sec.target_class) + "," + r.item + "," + (r.item == "all" ? "" : num(r.annual_mean_mgL)) + "," +
               class_or_blank(r.annual_class) + "," + share_or_blank(r.share_days) + "," + (r.item == "all" ? "" : num(r.steady_mgL)) +
               "," + class_or_blank(r.steady_class) + "\n";
    }
    return out;
}

std::vector<DynamicWaterQualityRow> dynamic_water_quality_rows(const scenarios::Simulation& sim,
                                                               const scenarios::DynamicWaterQuality& wq) {
    std::vector<DynamicWaterQualityRow> rows;
    for (std::size_t k = 0; k < wq.scenarios.size() && k < sim.scenarios.size(); ++k) {
        const auto& sr = sim.scenarios[k];
        const auto& w = wq.scenarios[k];
        const std::size_t ni = w.items.size();
        for (std::size_t s = 0; s < sr.model.sections.size(); ++s) {
            const auto& sec = sr.model.sections[s];
            auto row = [&] {  // the scenario and section of every row
                DynamicWaterQualityRow r;
                r.scenario = sr.id;
                r.scenario_index = k;
                r.section_index = s;
                r.section_id = sec.id;
                r.target_class = sec.target_class;
                return r;
            };
            for (std::size_t i = 0; i < ni; ++i) {
                DynamicWaterQualityRow r = row();
                r.item = w.items[i];
                r.annual_mean_mgL = w.annual_mean_mgL[s * ni + i];
                r.annual_class = w.annual[s].items[i].cls;
                r.share_days = w.share_days_item[s * ni + i];
                r.steady_mgL = w.steady[s].items[i].value_mgL;
                r.steady_class = w.steady[s].items[i].cls;
                rows.push_back(std::move(r));
            }
            DynamicWaterQualityRow all = row();
            all.item = "all";
            all.annual_class = w.annual[s].overall;
            all.share_days = w.share_days[s];
            all.steady_class = w.steady[s].overall;
            rows.push_back(std::move(all));
        }
    }
    return rows;
}

SeriesFileSpec dynamic_series_spec(const scenarios::Simulation& sim, const scenarios::CaseModel& m, const std::string& scenario) {
    SeriesFileSpec spec;
    spec.case_name = m.name;
    spec.case_name_en = m.name_en;
    spec.scenario = scenario;
    spec.year = sim.year;
    spec.steps = static_cast<std::size_t>(sim.days);
    spec.attributes = {{"design_year", sim.design_year ? "yes" : "no (flows as recorded)"}, {"dry_year_factor", fixed6(sim.dry_year_factor)}};
    return spec;
}

void write_section_series(const std::string& path, const SeriesStations& stations, SeriesFileSpec spec,
                          const scenarios::Simulation& sim, const scenarios::ScenarioSimulation& run) {
    const int days = sim.days;
    const auto& r = run.result;
    spec.double_precision = true;
    SeriesWriter nc(path, stations, spec);
    std::vector<double> q(days), c(static_cast<std::size_t>(days) * kNumConstituents);
    for (std::size_t s = 0; s < run.model.sections.size(); ++s) {
        for (int d = 0; d < days; ++d) {
            const PerConstituent v = r.conc(d, s);
            for (int ci = 0; ci < kNumConstituents; ++ci) c[ci * days + d] = v[ci];
            q[d] = r.obs_flow_m3s[d * r.nobs + s];
        }
        nc.put(s, q.data(), c.data());
        nc.put_class(s, run.daily_class.data() + s * days);
    }
    nc.close();
}

void write_water_quality_series(const std::string& path, const SeriesStations& stations, SeriesFileSpec spec, int days,
                                const scenarios::DynamicWaterQualityScenario& wq) {
    const std::size_t ni = wq.items.size(), nd = static_cast<std::size_t>(days);
    spec.double_precision = true;
    spec.title = "Daily GB 3838-2002 items at the monitoring sections, water-quality model (qingliu dynamic)";
    spec.title_zh = "监测断面逐日 GB 3838-2002 指标（清流动态水质模型）";
    spec.source = "qingliu dynamic water-quality model: nine species, QUAL2K-class kinetics in completely mixed cells per reach, "
                  "daily forcing";
    spec.variables.clear();
    for (const auto& key : wq.items)
        spec.variables.push_back({key, "mg L-1", reaches::wq::item_label_en(key), reaches::wq::item_label_zh(key)});
    SeriesWriter nc(path, stations, spec);
    std::vector<double> c(nd * ni);
    for (std::size_t s = 0; s < stations.ids.size(); ++s) {
        for (std::size_t d = 0; d < nd; ++d)
            for (std::size_t i = 0; i < ni; ++i) c[i * nd + d] = wq.daily_mgL[(s * nd + d) * ni + i];
        nc.put(s, wq.daily_flow_m3s.data() + s * nd, c.data());
        nc.put_class(s, wq.daily_class.data() + s * nd);
    }
    nc.close();
}

DynamicRunRecord dynamic_run_record(const LoadedCase& lc, const scenarios::Simulation& sim, double washoff_exponent,
                                    std::vector<std::vector<DynamicFile>> files) {
    std::vector<ScenarioResult> results;
    DynamicRunRecord rec;
    files.resize(sim.scenarios.size());
    for (std::size_t k = 0; k < sim.scenarios.size(); ++k) {
        const auto& sr = sim.scenarios[k];
        const auto& r = sr.result;
        ScenarioResult res;
        res.scenario = sr.id;
        res.max_reach_imbalance = r.max_reach_imbalance;
        res.input_kg_d = sr.input_kg_d;
        res.outlet_kg_d = sr.outlet_kg_d;
        res.decayed_kg_d = sr.decayed_kg_d;
        DynamicScenarioOutput d;
        d.scenario = sr.id;
        d.wet_month = sr.wet_month;
        d.compliance = sr.compliance;
        d.files = std::move(files[k]);
        for (std::size_t s = 0; s < sr.model.sections.size(); ++s) {
            d.section_ids.push_back(sr.model.sections[s].id);
            d.target_class.push_back(sr.model.sections[s].target_class);
            res.sections.push_back(section_row(sr.model, s, sr.mean_flow_m3s[s], sr.compliance[s].annual_mean_mgL, sr.annual[s]));
        }
        d.meta = {{"year", sim.year},
                  {"days", sim.days},
                  {"max_reach_imbalance", r.max_reach_imbalance},
                  {"network_imbalance", r.network_imbalance},
                  {"intervals_closed_form", static_cast<double>(r.intervals_relaxed)},
                  {"intervals_dopri5", static_cast<double>(r.intervals_dopri5)},
                  {"intervals_rosenbrock4", static_cast<double>(r.intervals_rosenbrock4)},
                  {"intervals_exact", static_cast<double>(r.intervals_exact)}};
        results.push_back(std::move(res));
        rec.dynamic.push_back(std::move(d));
    }
    rec.run = make_run_data(lc, "dynamic", std::move(results));
    rec.run.parameters.emplace_back("dynamic.year", sim.year);
    rec.run.parameters.emplace_back("dynamic.washoff_exponent", washoff_exponent);
    rec.run.parameters.emplace_back("dynamic.dry_year_factor", sim.dry_year_factor);
    rec.run.parameters.emplace_back("dynamic.design_year", sim.design_year ? 1.0 : 0.0);
    return rec;
}

}  // namespace qingliu::io
