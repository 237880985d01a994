#include "serve/session.hpp"

#include "report/collect.hpp"
#include "analyses/solve.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <random>
#include <regex>

#include <toml++/toml.h>

#include "io/observations_reader.hpp"
#include "io/results.hpp"
#include "io/run_data.hpp"
#include "io/store_report.hpp"
#include "loads/inventory.hpp"
#include "report/html.hpp"
#include "report/layout.hpp"
#include "optimize/montecarlo.hpp"
#include "optimize/optimize.hpp"
#include "serve/scenario_file.hpp"

namespace qingliu::serve {

namespace fs = std::filesystem;

namespace {

Json finite(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

Json per_constituent(const PerConstituent& v) {
    Json a = Json::array();
    for (double x : v) a.push_back(finite(x));
    return a;
}

/// The scenarios file named under [tables] of the case file, resolved against the case folder ("" if none).
std::string scenarios_file_of(const io::LoadedCase& lc) {
    toml::table root;
    try {
        root = toml::parse_file(lc.case_file);
    } catch (const toml::parse_error&) {
        return "";
    }
    const toml::node* n = root["tables"]["scenarios"].node();
    if (!n) return "";
    std::string p;
    if (auto s = n->value<std::string>()) p = *s;
    else if (auto t = n->as_table())
        if (auto s2 = (*t)["path"].value<std::string>()) p = *s2;
    if (p.empty()) return "";
    const fs::path path(p);
    return (path.is_absolute() ? path : fs::path(lc.dir) / path).lexically_normal().string();
}

std::string get_text(const Json& j, const char* key, const std::string& where, bool required) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
        if (required) throw RequestError(400, where + ": '" + key + "' is required");
        return "";
    }
    if (!it->is_string()) throw RequestError(400, where + ": '" + key + "' must be text");
    const std::string s = it->get<std::string>();
    if (s.size() > 200) throw RequestError(400, where + ": '" + key + "' is longer than 200 characters");
    return s;
}
std::optional<double> get_number(const Json& j, const char* key, const std::string& where) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return std::nullopt;
    if (!it->is_number()) throw RequestError(400, where + ": '" + key + "' must be a number");
    return it->get<double>();
}

/// Along-river distance of each reach's upstream end, by river (report::river_axes), as JSON and a lookup.
struct Axes {
    std::vector<report::RiverAxis> axes;
    std::vector<std::int32_t> river_of;  ///< per reach: index into axes, or -1
    std::vector<double> offset_km;       ///< per reach
};
Axes axes_of(const std::vector<report::Reach>& net) {
    Axes a;
    a.axes = report::river_axes(net);
    a.river_of.assign(net.size(), -1);
    a.offset_km.assign(net.size(), 0.0);
    for (std::size_t r = 0; r < a.axes.size(); ++r)
        for (std::size_t i = 0; i < a.axes[r].reaches.size(); ++i) {
            a.river_of[a.axes[r].reaches[i]] = static_cast<std::int32_t>(r);
            a.offset_km[a.axes[r].reaches[i]] = a.axes[r].offset_km[i];
        }
    return a;
}

double profile_step_m(const std::vector<report::RiverAxis>& axes) {
    double longest = 0.0;
    for (const auto& a : axes) longest = std::max(longest, a.length_km);
    return std::max(longest * 1000.0 / 300.0, 50.0);
}

/// Profiles of a case along every river: [{river, points:[[km, c...], ...]}], points sorted by km.
Json profile_json(const scenarios::CaseModel& m, const Axes& ax) {
    scenarios::EvaluateOptions eo;
    eo.profile_step_m = profile_step_m(ax.axes);
    const auto ev = scenarios::evaluate(m, eo);
    std::vector<std::vector<std::array<double, 1 + kNumConstituents>>> pts(ax.axes.size());
    for (const auto& p : ev.steady.profile) {
        const std::int32_t r = ax.river_of[p.reach];
        if (r < 0) continue;
        std::array<double, 1 + kNumConstituents> row{};
        row[0] = ax.offset_km[p.reach] + p.position_m / 1000.0;
        for (int c = 0; c < kNumConstituents; ++c) row[1 + c] = p.conc_mgL[c];
        pts[r].push_back(row);
    }
    Json out = Json::array();
    for (std::size_t r = 0; r < ax.axes.size(); ++r) {
        auto& v = pts[r];
        std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a[0] < b[0]; });
        Json pj = Json::array();
        for (const auto& row : v) {
            Json rj = Json::array();
            for (double x : row) rj.push_back(finite(std::round(x * 1e6) / 1e6));
            pj.push_back(std::move(rj));
        }
        out.push_back({{"river", ax.axes[r].river}, {"points", std::move(pj)}});
    }
    return out;
}


Json build_info(const Snapshot& s) {
    const auto& m = s.lc.model;
    Json j;
    j["name"] = m.name;
    j["name_en"] = m.name_en;
    j["can_save"] = !s.scenarios_file.empty();
    j["scenarios_file"] = s.scenarios_file.empty() ? "" : fs::path(s.scenarios_file).filename().string();
    Json cons = Json::array();
    for (auto c : kConstituents) {
        Json lim = Json::array();
        for (int k = 1; k <= 5; ++k) lim.push_back(finite(m.classes.limit(key(c), reaches::WaterBody::River, k)));
        cons.push_back({{"key", key(c)}, {"label", label_en(c)}, {"label_zh", label_zh(c)}, {"limits", lim}});
    }
    j["constituents"] = cons;

    // map: the case's reach lines when it has them, else the schematic (report/layout.hpp)
    report::ReportData d;
    // reach lines as the case model keeps them (the schematic where it has none)
    d.network = report::network_of(m);
    d.srs_wkt = m.crs_wkt;
    d.geographic = m.geographic;
    report::Scenario base;
    for (const auto& sec : m.sections) {
        report::SectionResult r;
        r.id = sec.id;
        r.reach_id = m.net.topo.id(sec.reach);
        r.position_km = sec.position_m / 1000.0;
        base.sections.push_back(r);
    }
    d.scenarios.push_back(base);
    const report::Layout lay = report::make_layout(d);
    j["schematic"] = lay.schematic;
    j["geographic"] = lay.geographic;
    Json reaches = Json::array();
    for (std::size_t r = 0; r < m.net.size(); ++r) {
        Json line = Json::array();
        for (const auto& p : lay.reach_lines[r]) line.push_back({p.x, p.y});
        reaches.push_back({{"id", m.net.topo.id(r)}, {"river", m.net.river[r]}, {"name", m.net.name[r]},
                           {"length_km", m.net.length_m[r] / 1000.0}, {"line", line}});
    }
    j["reaches"] = reaches;
    const Axes ax = axes_of(d.network);
    Json secs = Json::array();
    for (std::size_t k = 0; k < m.sections.size(); ++k) {
        const auto& sec = m.sections[k];
        secs.push_back({{"id", sec.id}, {"name", sec.name}, {"name_en", sec.name_en}, {"river", sec.river},
                        {"reach", m.net.topo.id(sec.reach)}, {"level", sec.level}, {"target", sec.target_class},
                        {"xy", {lay.section_points[k].x, lay.section_points[k].y}},
                        {"river_axis", ax.river_of[sec.reach]}, {"river_km", ax.offset_km[sec.reach] + sec.position_m / 1000.0}});
    }
    Json colours = Json::array();
    for (int c = 1; c <= 6; ++c) colours.push_back(report::class_colour(c));
    j["class_colours"] = colours;
    j["sections"] = secs;
    Json srcs = Json::array();
    for (const auto& so : m.sources) {
        if (so.reach < 0) continue;
        const double len = m.net.length_m[so.reach];
        const double at = so.diffuse && so.end_m > so.position_m ? 0.5 * (so.position_m + so.end_m) : so.position_m;
        const report::XY p = report::point_along(lay.reach_lines[so.reach], len > 0 ? at / len : 0.0);
        srcs.push_back({{"id", so.id}, {"name", so.name}, {"type", so.type}, {"reach", m.net.topo.id(so.reach)},
                        {"diffuse", so.diffuse}, {"flow_m3s", so.flow_m3s}, {"load_kg_d", per_constituent({so.load_gs[0] * kKgPerDayPerGramPerSecond,
                                                                                   so.load_gs[1] * kKgPerDayPerGramPerSecond,
                                                                                   so.load_gs[2] * kKgPerDayPerGramPerSecond})},
                        {"xy", {p.x, p.y}}});
    }
    j["sources"] = srcs;
    Json plants = Json::array(), outfalls = Json::array();
    for (std::size_t i : s.whatif->plants()) plants.push_back({{"id", m.sources[i].id}, {"name", m.sources[i].name}});
    for (std::size_t i : s.whatif->outfalls()) outfalls.push_back(m.sources[i].id);
    j["plants"] = plants;
    j["outfalls"] = outfalls;
    Json standards = Json::array();
    std::vector<std::string> keys;
    auto add_std = [&](const loads::EffluentStandard& e) {
        if (std::find(keys.begin(), keys.end(), e.key) != keys.end()) return;
        keys.push_back(e.key);
        standards.push_back({{"key", e.key}, {"name_zh", e.name_zh}, {"name_en", e.name_en}});
    };
    for (const auto& e : m.inventory.standards.all()) add_std(e);
    for (const auto& e : loads::default_standards().all()) add_std(e);
    j["standards"] = standards;
    Json measures = Json::array();
    for (const auto& spec : s.whatif->measures()) {
        Json mj = {{"id", spec.id}, {"name", spec.name.empty() ? spec.id : spec.name}, {"name_en", spec.name_en.empty() ? spec.name : spec.name_en},
                   {"kind", spec.kind}, {"invest_wan", spec.invest_wan}, {"annual_wan", spec.annual_wan}};
        for (const auto& d2 : scenarios::measure_kinds())
            if (spec.kind == d2.key) mj["kind_zh"] = d2.zh, mj["kind_en"] = d2.en;
        if (auto k = scenarios::measure_knob(spec)) {
            Json kj = {{"param", k->param}, {"choice", k->choice}};
            if (k->choice) kj["value"] = k->text;
            else kj.update({{"value", k->value}, {"min", k->min}, {"max", k->max}, {"step", k->step}, {"unit", k->unit}});
            mj["knob"] = kj;
        }
        measures.push_back(std::move(mj));
    }
    j["measures"] = measures;
    Json scen = Json::array();
    for (const auto& sc : s.lc.scenarios) {
        Json ids = Json::array();
        for (const auto& x : sc.measures) ids.push_back(x.id);
        scen.push_back({{"id", sc.id}, {"name", sc.name}, {"name_en", sc.name_en}, {"measures", ids}});
    }
    j["scenarios"] = scen;
    Json rivers = Json::array();
    for (const auto& a : ax.axes) rivers.push_back({{"river", a.river}, {"length_km", a.length_km}});
    j["rivers"] = rivers;
    j["baseline"] = outcome_json(m, s.whatif->evaluate(scenarios::Scenario{}));
    j["baseline"]["profile"] = profile_json(m, ax);
    return j;
}

/// The request's selection compiled against the snapshot, with records named for `scenario_id`.
scenarios::SelectionRecords records_of(const Snapshot& s, const Json& req, const std::string& scenario_id) {
    auto it = req.find("selection");
    if (it == req.end()) throw RequestError(400, "'selection' is required");
    return s.whatif->records(parse_selection(*it), scenario_id);
}

}  // namespace

scenarios::Selection parse_selection(const Json& j) {
    if (!j.is_object()) throw RequestError(400, "selection: expected an object with 'measures' and 'outfalls'");
    for (auto it = j.begin(); it != j.end(); ++it)
        if (it.key() != "measures" && it.key() != "outfalls") throw RequestError(400, "selection: unknown key '" + it.key() + "'");
    scenarios::Selection sel;
    if (auto it = j.find("measures"); it != j.end()) {
        if (!it->is_array()) throw RequestError(400, "selection.measures: expected a list");
        if (it->size() > 1000) throw RequestError(400, "selection.measures: more than 1000 entries");
        for (std::size_t i = 0; i < it->size(); ++i) {
            const Json& e = (*it)[i];
            const std::string where = "selection.measures[" + std::to_string(i) + "]";
            if (!e.is_object()) throw RequestError(400, where + ": expected an object");
            scenarios::MeasureChoice c;
            c.id = get_text(e, "id", where, true);
            c.value = get_number(e, "value", where);
            if (e.contains("standard") && !e["standard"].is_null()) c.standard = get_text(e, "standard", where, true);
            sel.measures.push_back(std::move(c));
        }
    }
    if (auto it = j.find("outfalls"); it != j.end()) {
        if (!it->is_array()) throw RequestError(400, "selection.outfalls: expected a list");
        if (it->size() > 10000) throw RequestError(400, "selection.outfalls: more than 10000 entries");
        for (std::size_t i = 0; i < it->size(); ++i) {
            const Json& e = (*it)[i];
            const std::string where = "selection.outfalls[" + std::to_string(i) + "]";
            if (!e.is_object()) throw RequestError(400, where + ": expected an object");
            scenarios::OutfallChoice c;
            c.outfall = get_text(e, "outfall", where, true);
            c.action = get_text(e, "action", where, true);
            c.plant = get_text(e, "plant", where, false);
            c.reduction_pct = get_number(e, "reduction_pct", where);
            if (e.contains("standard") && !e["standard"].is_null()) c.standard = get_text(e, "standard", where, true);
            sel.outfalls.push_back(std::move(c));
        }
    }
    return sel;
}

Json outcome_json(const scenarios::CaseModel& m, const scenarios::WhatIfOutcome& o) {
    Json secs = Json::array();
    for (std::size_t k = 0; k < o.sections.size(); ++k) {
        const auto& so = o.sections[k];
        const auto& r = so.result;
        Json cls = Json::array(), exc = Json::array(), over = Json::array();
        for (int c = 0; c < kNumConstituents; ++c) {
            cls.push_back(r.cls.cls[c]);
            exc.push_back(finite(r.cls.exceedance[c]));
        }
        for (int c : so.exceeding)
            over.push_back({{"key", key(kConstituents[c])}, {"label", label_en(kConstituents[c])}, {"class", r.cls.cls[c]},
                            {"multiple", finite(r.cls.exceedance[c])}});
        secs.push_back({{"id", m.sections[k].id}, {"class", r.cls.overall}, {"target", m.sections[k].target_class},
                        {"meets", r.cls.meets}, {"conc_mgL", per_constituent(r.conc_mgL)}, {"flow_m3s", finite(r.flow_m3s)},
                        {"classes", cls}, {"exceedance", exc}, {"exceeding", over}, {"margin", finite(so.margin)}});
    }
    Json ms = Json::array();
    for (const auto& x : o.scenario.measures) ms.push_back(x.id);
    return {{"sections", secs}, {"linear", o.linear}, {"invest_wan", o.invest_wan}, {"annual_wan", o.annual_wan},
            {"meeting", o.meeting}, {"measures", ms}};
}

std::shared_ptr<const Snapshot> make_snapshot(io::LoadedCase lc, io::ScenarioRecords records, std::string scenarios_file) {
    auto s = std::make_shared<Snapshot>();
    s->lc = std::move(lc);
    s->records = std::move(records);
    s->scenarios_file = std::move(scenarios_file);
    s->whatif = std::make_unique<scenarios::WhatIf>(s->lc.model, s->records.measures);
    s->info = build_info(*s);
    return s;
}

std::shared_ptr<const Snapshot> load_snapshot(const std::string& case_path) {
    io::LoadedCase lc = io::load_case(case_path);
    const std::string file = scenarios_file_of(lc);
    io::ScenarioRecords records;
    if (!file.empty()) {
        Problems p;
        records = io::read_scenario_records(file, p);
        p.throw_if_any("cannot read " + file);
    }
    return make_snapshot(std::move(lc), std::move(records), file);
}

Session::Session(const std::string& case_path) : case_path_(case_path), snap_(load_snapshot(case_path)) {}
Session::Session(std::shared_ptr<const Snapshot> snapshot) : snap_(std::move(snapshot)) {}

Session::~Session() {
    stopping_ = true;
    for (auto& t : threads_)
        if (t.joinable()) t.join();
}

std::shared_ptr<const Snapshot> Session::snapshot() const {
    std::lock_guard<std::mutex> lock(mu_);
    return snap_;
}

Json Session::case_info() const { return snapshot()->info; }

Json Session::evaluate(const Json& req) const {
    const auto t0 = std::chrono::steady_clock::now();
    const auto s = snapshot();
    if (!req.is_object()) throw RequestError(400, "expected a JSON object");
    const scenarios::Scenario sc = s->whatif->compile(records_of(*s, req, "whatif"));
    Json out = outcome_json(s->lc.model, s->whatif->evaluate(sc));
    const auto prof = req.find("profile");
    if (prof != req.end() && !prof->is_boolean() && !prof->is_null()) throw RequestError(400, "'profile' must be true or false");
    if (prof != req.end() && prof->is_boolean() && prof->get<bool>()) {
        const Axes ax = axes_of(report::network_of(s->lc.model));
        out["profile"] = profile_json(scenarios::apply_scenario(s->lc.model, sc), ax);
    }
    out["elapsed_ms"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return out;
}

Json Session::save(const Json& req) {
    if (!req.is_object()) throw RequestError(400, "expected a JSON object");
    std::lock_guard<std::mutex> save_lock(save_mu_);
    const auto s = snapshot();
    if (s->scenarios_file.empty() || case_path_.empty())
        throw RequestError(409, "the case names no scenarios file under [tables] (add scenarios = \"scenarios.toml\" to case.toml)");
    const std::string id = get_text(req, "id", "scenario", true);
    static const std::regex id_re("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$");
    if (!std::regex_match(id, id_re))
        throw RequestError(400, "scenario id '" + id + "': use 1-64 letters, digits, '_', '-' or '.'");
    if (id == "baseline") throw RequestError(409, "scenario id 'baseline' is reserved");
    for (const auto& sc : s->records.scenarios)
        if (sc.id == id) throw RequestError(409, "scenario '" + id + "' exists already in " + fs::path(s->scenarios_file).filename().string());
    auto rec = records_of(*s, req, id);
    rec.scenario.name = get_text(req, "name", "scenario", false);
    rec.scenario.name_en = get_text(req, "name_en", "scenario", false);
    if (rec.scenario.name.empty()) rec.scenario.name = id;
    const scenarios::Scenario compiled = s->whatif->compile(rec);  // refuses what the file would not accept
    const std::string text = scenario_toml(rec);
    const std::string before = append_atomically(s->scenarios_file, text);
    std::shared_ptr<const Snapshot> next;
    try {
        next = load_snapshot(case_path_);
    } catch (...) {
        replace_atomically(s->scenarios_file, before);  // put the file back as it was
        throw;
    }
    {
        std::lock_guard<std::mutex> lock(mu_);
        snap_ = next;
    }
    Json out = {{"id", id}, {"file", fs::path(s->scenarios_file).filename().string()}, {"added_measures", rec.added}};
    for (const auto& sc : next->lc.scenarios)
        if (sc.id == id) out["outcome"] = outcome_json(next->lc.model, next->whatif->evaluate(sc));
    return out;
}

std::string Session::report_html(const Json& req) const {
    const auto s = snapshot();
    if (!req.is_object()) throw RequestError(400, "expected a JSON object");
    auto rec = records_of(*s, req, "selection");
    rec.scenario.name = "当前选择";
    rec.scenario.name_en = "Current selection";
    const scenarios::Scenario sc = s->whatif->compile(rec);
    std::string lang = get_text(req, "lang", "report", false);
    if (lang.empty()) lang = "zh";
    if (lang != "zh" && lang != "en") throw RequestError(400, "lang: expected zh or en");
    const auto& base = s->lc.model;
    scenarios::SolveOptions so;
    so.profile_step_m = report::default_profile_step_m(base);
    const auto solved = scenarios::solve_scenarios(base, {sc}, so);
    std::vector<io::ScenarioResult> results;
    for (const auto& x : solved) results.push_back(io::make_result(x.model, x.evaluation, x.id));
    // a private, temporary run store: the report is made from stored data exactly as `qingliu report` makes it
    std::random_device rd;
    const fs::path tmp = fs::temp_directory_path() / ("qingliu-serve-report-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(tmp);
    struct Cleanup {
        fs::path p;
        ~Cleanup() {
            std::error_code ec;
            fs::remove_all(p, ec);
        }
    } cleanup{tmp};
    std::string html;
    {
        io::RunStore store((tmp / "report.sqlite").string());
        const std::int64_t id = io::save_run_with_report(store, io::make_run_data(s->lc, "serve", std::move(results)),
                                                         report::collect_extras(base, solved));
        const report::ReportData d = io::load_report_data(store, id);
        html = report::render_html(d, report::make_layout(d), lang == "en" ? report::Lang::En : report::Lang::Zh);
    }
    return html;
}

Json Session::start_job(const Json& req) {
    if (!req.is_object()) throw RequestError(400, "expected a JSON object");
    const std::string kind = get_text(req, "kind", "job", true);
    if (kind != "optimize" && kind != "montecarlo") throw RequestError(400, "job kind: expected optimize or montecarlo");
    const auto s = snapshot();
    scenarios::Scenario sc;
    std::size_t draws = 0;
    if (kind == "montecarlo") {
        sc = s->whatif->compile(records_of(*s, req, "selection"));
        const auto d = get_number(req, "draws", "job");
        if (!d || !(*d >= 10) || *d > static_cast<double>(kMaxDraws) || std::floor(*d) != *d)
            throw RequestError(400, "draws: a whole number from 10 to " + std::to_string(kMaxDraws));
        draws = static_cast<std::size_t>(*d);
    }
    auto job = std::make_shared<Job>();
    job->kind = kind;
    {
        std::lock_guard<std::mutex> lock(mu_);
        std::size_t running = 0;
        for (const auto& [k, j] : jobs_) running += j->state == 0 ? 1 : 0;
        if (running >= kMaxRunningJobs) throw RequestError(429, "two jobs are running already; wait for one to finish");
        job->id = std::to_string(next_job_++);
        jobs_[job->id] = job;
        // the thread is started under the lock so that concurrent requests never touch threads_ at once
        start_thread(job, s, sc, draws);
        // keep the 50 newest jobs
        while (jobs_.size() > 50) {
            auto oldest = std::min_element(jobs_.begin(), jobs_.end(), [](const auto& a, const auto& b) { return std::stoull(a.first) < std::stoull(b.first); });
            if (oldest->second->state == 0) break;
            jobs_.erase(oldest);
        }
    }
    return {{"id", job->id}, {"kind", kind}};
}

void Session::start_thread(std::shared_ptr<Job> job, std::shared_ptr<const Snapshot> s, scenarios::Scenario sc, std::size_t draws) {
    const std::string kind = job->kind;
    threads_.emplace_back([job, s, sc, draws, kind] {
        try {
            const auto& lc = s->lc;
            Json r;
            if (kind == "optimize") {
                // candidates as `qingliu optimize` takes them: the measures named by the case's scenarios
                std::vector<scenarios::Measure> ms;
                for (const auto& x : lc.scenarios)
                    for (const auto& m : x.measures) ms.push_back(m);
                const auto cands = scenarios::candidates_from(ms);
                const auto res = scenarios::optimize(lc.model, cands);
                Json chosen = Json::array(), sel = Json::array(), secs = Json::array();
                for (std::size_t i : res.chosen) {
                    chosen.push_back({{"id", cands[i].measure.id}, {"name", cands[i].measure.name}, {"name_en", cands[i].measure.name_en}});
                    sel.push_back({{"id", cands[i].measure.id}});
                }
                for (std::size_t k = 0; k < res.sections.size(); ++k)
                    secs.push_back({{"id", lc.model.sections[k].id}, {"class", res.sections[k].plan_cls.overall}, {"meets", res.sections[k].plan_cls.meets}});
                r = {{"status", scenarios::plan_status_text(res.status)}, {"chosen", chosen}, {"invest_wan", res.invest_wan},
                     {"annual_wan", res.annual_wan}, {"cost_wan", res.cost_wan}, {"sections", secs},
                     {"selection", {{"measures", sel}, {"outfalls", Json::array()}}}};
            } else {
                const auto model = scenarios::apply_scenario(lc.model, sc);
                const io::UncertaintyTable ut = io::read_uncertainty(lc, "");
                scenarios::MonteCarloOptions opt;
                opt.draws = draws;
                opt.progress = [job](double f) { job->progress = f; };
                const auto res = scenarios::monte_carlo(model, ut.file.empty() ? scenarios::default_uncertainty(model) : ut.params, opt);
                Json secs = Json::array();
                for (std::size_t k = 0; k < res.sections.size(); ++k) {
                    const auto& b = res.sections[k];
                    secs.push_back({{"id", model.sections[k].id}, {"p_meets", b.p_meets}, {"p5", per_constituent(b.p5)},
                                    {"p50", per_constituent(b.p50)}, {"p95", per_constituent(b.p95)}});
                }
                r = {{"draws", res.draws}, {"seed", res.seed}, {"ranges", ut.file.empty() ? "default: k20 x [0.5, 1.5] triangular" : fs::path(ut.file).filename().string()},
                     {"sections", secs}};
            }
            job->result = std::move(r);
            job->progress = 1.0;
            job->state = 1;
        } catch (const std::exception& e) {
            job->error = e.what();
            job->state = 2;
        }
    });
}

Json Session::job(const std::string& id) const {
    std::shared_ptr<Job> j;
    {
        std::lock_guard<std::mutex> lock(mu_);
        auto it = jobs_.find(id);
        if (it == jobs_.end()) throw RequestError(404, "no job " + id);
        j = it->second;
    }
    const int st = j->state;
    Json out = {{"id", j->id}, {"kind", j->kind}, {"state", st == 0 ? "running" : st == 1 ? "done" : "failed"}};
    // the plan has no intermediate progress to show (one solver call); Monte Carlo counts its draws
    out["progress"] = j->kind == "optimize" && st == 0 ? Json(nullptr) : Json(j->progress.load());
    if (st == 1) out["result"] = j->result;
    if (st == 2) out["error"] = j->error;
    return out;
}

}  // namespace qingliu::serve
