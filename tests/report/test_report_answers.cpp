// What the report says a bureau must defend, checked against independent computations on the shipped Leshan case and
// the mini case:
//   - the load allocation (总量分配) tables of `qingliu run` + `qingliu report`: every unit's allowed load and cut, cut
//     from that unit's sources in a full steady re-evaluation, put the section exactly on its target with the margin
//     of safety (limit x 0.9); allowed + cut = current; allocation.csv is the workbook's allocation sheet;
//   - the Monte Carlo 5-95 % bands on the profile charts: the 5 % and 95 % quantiles of each section under each model,
//     recomputed here draw by draw (draw_case, the scenario's measures, evaluate) with a quantile written out by hand.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>
#include <tuple>
#include <cmath>
#include <map>
#include <regex>

#include "../common/command_output.hpp"
#include "../io/helpers.hpp"
#include "common/csv_text.hpp"
#include "io/case_reader.hpp"
#include "io/observations_reader.hpp"
#include "scenarios/measures.hpp"
#include "optimize/montecarlo.hpp"
#include "analyses/solve.hpp"

using namespace qingliu;
using namespace qingliu::test;

namespace {

std::map<std::string, std::string> attrs(const std::string& tag) {
    std::map<std::string, std::string> a;
    static const std::regex re(R"re(([a-z0-9-]+)="([^"]*)")re");
    for (auto it = std::sregex_iterator(tag.begin(), tag.end(), re); it != std::sregex_iterator(); ++it) a[(*it)[1]] = (*it)[2];
    return a;
}

std::string unxml(std::string s) {
    for (auto [from, to] : {std::pair<const char*, const char*>{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&amp;", "&"}})
        for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + 1)) s.replace(p, std::string(from).size(), to);
    return s;
}

struct Cell {
    std::string by, section, var, unit, method;
    double allowed = 0.0, cut = 0.0, current = 0.0;
};

/// Each element opened by `open` up to the next `close`: the rest of its opening tag and its body. Found by string
/// search: std::regex recurses once per character of a lazy [\s\S]*? and overflows the stack on a body this long
/// under the address sanitizer.
std::vector<std::pair<std::string, std::string>> elements(const std::string& html, const std::string& open, const std::string& close) {
    std::vector<std::pair<std::string, std::string>> out;
    for (std::size_t a = html.find(open); a != std::string::npos; a = html.find(open, a + 1)) {
        const std::size_t gt = html.find('>', a + open.size());
        const std::size_t end = gt == std::string::npos ? gt : html.find(close, gt);
        if (end == std::string::npos) break;
        out.emplace_back(html.substr(a + open.size(), gt - a - open.size()), html.substr(gt + 1, end - gt - 1));
    }
    return out;
}

/// Every (unit, method) cell of the report's allocation tables.
std::vector<Cell> allocation_cells(const std::string& html) {
    std::vector<Cell> out;
    static const std::regex row_re(R"re(<tr data-unit="([^"]*)" data-current="([^"]*)"><td>[\s\S]*?</td><td class="n">[^<]*</td>([\s\S]*?)</tr>)re");
    static const std::regex cell_re(R"re(data-method="([^"]*)" data-allowed="([^"]*)">[^<]*</td><td class="n" data-cut="([^"]*)")re");
    for (const auto& [open_tag, body] : elements(html, "<table class=\"allocation\"", "</table>")) {
        const auto a = attrs(open_tag);
        for (auto r = std::sregex_iterator(body.begin(), body.end(), row_re); r != std::sregex_iterator(); ++r) {
            const std::string cells = (*r)[3];
            for (auto c = std::sregex_iterator(cells.begin(), cells.end(), cell_re); c != std::sregex_iterator(); ++c) {
                Cell x;
                x.by = a.at("data-by");
                x.section = unxml(a.at("data-section"));
                x.var = a.at("data-var");
                x.unit = unxml((*r)[1]);
                x.current = std::stod((*r)[2]);
                x.method = (*c)[1];
                x.allowed = std::stod((*c)[2]);
                x.cut = std::stod((*c)[3]);
                out.push_back(x);
            }
        }
    }
    return out;
}

/// Quantile by Hyndman & Fan's definition 7, written out: h = (n - 1) p, x_(floor h) + (h - floor h)(x_(floor h + 1) -
/// x_(floor h)) over the sorted values.
double quantile7(std::vector<double> x, double p) {
    std::sort(x.begin(), x.end());
    const double h = (static_cast<double>(x.size()) - 1.0) * p;
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, x.size() - 1);
    return x[lo] + (h - std::floor(h)) * (x[hi] - x[lo]);
}

}  // namespace

TEST_CASE("report: load allocation on Leshan, each method's cuts re-evaluated in full land on the target with the 10 % margin",
          "[report][allocation]") {
    const fs::path work = temp_dir("rep-alloc");
    const fs::path leshan = source_dir() / "data/cases/leshan";
    const std::string store = "--store " + (work / "runs.sqlite").string() + " -q ";
    std::string log;
    REQUIRE(run_cli(store + "run " + leshan.string() + " --out " + (work / "run").string(), &log) == 0);
    REQUIRE(run_cli(store + "report latest --out " + (work / "report").string(), &log) == 0);
    INFO(log);
    const std::string html = read_file(work / "report" / "report.html");
    REQUIRE(html.find("id=\"allocation\"") != std::string::npos);
    const std::vector<Cell> cells = allocation_cells(html);
    REQUIRE(!cells.empty());

    const io::LoadedCase lc = io::load_case(leshan.string());
    const scenarios::CaseModel& m = lc.model;
    const double mos = 0.10;
    std::map<std::tuple<std::string, std::string, std::string, std::string>, std::vector<const Cell*>> blocks;  // by, section, var, method
    for (const auto& c : cells) {
        // allowed + cut = current (t/a, three decimals shown, six significant digits in the attributes)
        CHECK(c.allowed + c.cut == Approx(c.current).epsilon(1e-5).margin(2e-3));
        CHECK(c.cut >= -1e-12);
        CHECK(c.allowed >= -1e-12);
        blocks[{c.by, c.section, c.var, c.method}].push_back(&c);
    }
    int on_target = 0, methods_seen = 0;
    std::set<std::string> methods, groupings;
    for (const auto& [block, units] : blocks) {
        const auto& [by, section, var, method] = block;
        INFO(by << " " << section << " " << var << " " << method);
        methods.insert(method);
        groupings.insert(by);
        ++methods_seen;
        std::size_t s = 0;
        while (s < m.sections.size() && m.sections[s].id != section) ++s;
        REQUIRE(s < m.sections.size());
        const auto c = constituent_from_key(var);
        REQUIRE(c);
        const int k = idx(*c);
        // every source of a unit keeps the unit's allowed share of its load (loads of the unit that do not reach the
        // section do not change its concentration: the steady model is linear in the loads and they carry 0 there)
        scenarios::CaseModel cut = m;
        for (auto& src : cut.sources) {
            const std::string unit = by == "town" ? (src.town.empty() ? "(none)" : src.town) : src.type;
            for (const Cell* u : units)
                if (u->unit == unit && u->current > 0.0) src.load_gs[k] *= u->allowed / u->current;
        }
        const double before = scenarios::evaluate(m).sections[s].conc_mgL[k];
        const double after = scenarios::evaluate(cut).sections[s].conc_mgL[k];
        const double limit = m.classes.limit(std::string(key(*c)), m.sections[s].water_body, m.sections[s].target_class);
        const double target = limit * (1.0 - mos);
        REQUIRE(before > target);  // the report allocates only where a cut is needed
        // the page's loads carry 6 significant digits (allowed / current to 2e-6): the section lands on the target to
        // 1e-5 of its concentration now
        if (after > target * (1.0 + 1e-4)) {
            // infeasible within the units: every unit cut entirely, the rest is upstream's
            for (const Cell* u : units) CHECK(u->allowed == Approx(0.0).margin(1e-3 * std::max(1.0, u->current)));
        } else {
            CHECK(after == Approx(target).epsilon(1e-5 * before / target + 1e-9));
            ++on_target;
        }
    }
    CHECK(methods == std::set<std::string>{"contribution", "equal_ratio", "gini", "least_cost"});
    CHECK(groupings == std::set<std::string>{"town", "type"});
    CHECK(on_target > 0);
    INFO(methods_seen << " tables, " << on_target << " on target");

    // every exceeding parameter with its multiple in the baseline's section table, the largest first: the multiples
    // C / limit - 1 of the design-condition evaluation, printed with 2 decimals
    {
        const auto e = scenarios::evaluate(m);
        const std::string base_panel = html.substr(html.find("<div class=\"scen-panel\" data-scen=\"baseline\""));
        int failing = 0;
        for (std::size_t s = 0; s < m.sections.size(); ++s) {
            std::vector<std::pair<double, std::string>> over;
            for (auto c : kConstituents) {
                const double lim = m.classes.limit(std::string(key(c)), m.sections[s].water_body, m.sections[s].target_class);
                const double x = e.sections[s].conc_mgL[idx(c)] / lim - 1.0;
                if (x > 0.0) over.emplace_back(x, std::string(label_en(c)));
            }
            if (over.empty()) continue;
            ++failing;
            std::sort(over.rbegin(), over.rend());
            std::string want;
            for (const auto& [x, name] : over) {
                char b[64];
                std::snprintf(b, sizeof b, "%.2f", x);
                want += (want.empty() ? "" : "<br>") + name + " " + b;
            }
            const std::size_t row = base_panel.find("data-section=\"" + m.sections[s].id + "\"");
            REQUIRE(row != std::string::npos);
            const std::string tr = base_panel.substr(row, base_panel.find("</tr>", row) - row);
            INFO(m.sections[s].id << ": " << want);
            CHECK(tr.find("<td class=\"n\">" + want + "</td>") != std::string::npos);
            if (m.sections[s].id == "LS07") CHECK(over.size() == 3);  // TP, NH3-N and COD all over class III at the mouth
        }
        CHECK(failing == 2);  // LS06 and LS07 miss class III in the design condition
    }

    // allocation.csv beside the report is the workbook's sheet and holds the same numbers as the page
    const auto csv = parse_csv_text(read_file(work / "report" / "allocation.csv"));
    REQUIRE(csv.size() == cells.size() + 1);
    const std::string book = unzip_member((work / "report" / "report.xlsx").string(), "xl/workbook.xml");
    CHECK(book.find("总量分配 allocation") != std::string::npos);

    // qingliu allocate with the same condition and margin gives the report's rows, line for line, in one layout
    for (const char* by : {"town", "type"}) {
        INFO(by);
        REQUIRE(run_cli(store + "allocate " + leshan.string() + " --by " + by + " --out " + (work / ("alloc-" + std::string(by))).string()) == 0);
        const auto mine = parse_csv_text(read_file(work / ("alloc-" + std::string(by)) / "allocation.csv"));
        REQUIRE(!mine.empty());
        CHECK(mine.front() == csv.front());
        std::vector<std::vector<std::string>> report_rows;
        for (std::size_t r = 1; r < csv.size(); ++r)
            if (csv[r][2] == by) report_rows.push_back(csv[r]);
        REQUIRE(mine.size() == report_rows.size() + 1);
        for (std::size_t r = 1; r < mine.size(); ++r) CHECK(mine[r] == report_rows[r - 1]);
    }
}

TEST_CASE("report: the Monte Carlo 5-95 % band on the profiles equals the quantiles of the draws recomputed here",
          "[report][montecarlo]") {
    const fs::path dir = copy_case(source_dir() / "tests/data/mini", "rep-band");
    write_file(dir / "uncertainty.csv",
               "parameter,low,high,distribution,mode\n"
               "kinetics.cod.k20_per_d,0.1,0.4,triangular,0.2\n"
               "kinetics.tp.k20_per_d,0.01,0.2,uniform,\n"
               "load.sewage_plant,0.7,1.6,uniform,\n");
    const std::string store = " -q --store " + (dir / "s.sqlite").string();
    constexpr std::size_t kDraws = 240;
    REQUIRE(run_cli(store + " run " + dir.string() + " -o " + (dir / "mc").string() + " --monte-carlo " + std::to_string(kDraws) +
                    " --seed 11") == 0);
    REQUIRE(run_cli(store + " report latest -o " + (dir / "rep").string()) == 0);
    const std::string html = read_file(dir / "rep" / "report.html");

    // the draws again, one by one, outside the ensemble code
    const io::LoadedCase lc = io::load_case(dir.string());
    const io::UncertaintyTable ut = io::read_uncertainty(lc, "");
    REQUIRE(!ut.params.empty());
    scenarios::MonteCarloOptions opt;
    opt.draws = kDraws;
    opt.seed = 11;
    const std::size_t ns = lc.model.sections.size();
    std::vector<std::string> models = {"baseline"};
    for (const auto& s : lc.scenarios) models.push_back(s.id);
    // conc[model][section][k] = the draws' values
    std::vector<std::vector<std::array<std::vector<double>, kNumConstituents>>> conc(
        models.size(), std::vector<std::array<std::vector<double>, kNumConstituents>>(ns));
    for (std::size_t i = 0; i < kDraws; ++i) {
        const scenarios::CaseModel drawn = scenarios::draw_case(lc.model, ut.params, opt, i);
        for (std::size_t j = 0; j < models.size(); ++j) {
            const scenarios::CaseModel mj = j == 0 ? drawn : scenarios::apply_scenario(drawn, lc.scenarios[j - 1]);
            const auto e = scenarios::evaluate(mj);
            for (std::size_t s = 0; s < ns; ++s)
                for (int k = 0; k < kNumConstituents; ++k) conc[j][s][k].push_back(e.sections[s].conc_mgL[k]);
        }
    }

    // every band drawn: <figure data-param="KEY"> ... <g class="mcband" data-scen= data-section= data-p5= data-p95=>
    static const std::regex band_re(R"re(<g class="mcband"([^>]*)>)re");
    int checked = 0;
    std::set<std::pair<std::string, std::string>> seen;  // (model, section)
    for (const auto& [param, svg] : elements(html, "<figure data-param=\"", "</figure>")) {
        const auto c = constituent_from_key(param.substr(0, param.find('"')));
        REQUIRE(c);
        const int k = idx(*c);
        // the chart's legend entry where it has bands
        CHECK((svg.find("Monte Carlo 5–95 % band") != std::string::npos) == (svg.find("class=\"mcband\"") != std::string::npos));
        for (auto b = std::sregex_iterator(svg.begin(), svg.end(), band_re); b != std::sregex_iterator(); ++b) {
            const auto a = attrs((*b)[1]);
            const std::size_t j = static_cast<std::size_t>(std::find(models.begin(), models.end(), a.at("data-scen")) - models.begin());
            REQUIRE(j < models.size());
            std::size_t s = 0;
            while (s < ns && lc.model.sections[s].id != unxml(a.at("data-section"))) ++s;
            REQUIRE(s < ns);
            INFO(models[j] << " " << lc.model.sections[s].id << " " << key(*c));
            // the page keeps 6 significant digits: 1e-5 relative
            CHECK(std::stod(a.at("data-p5")) == Approx(quantile7(conc[j][s][k], 0.05)).epsilon(1e-5).margin(1e-12));
            CHECK(std::stod(a.at("data-p95")) == Approx(quantile7(conc[j][s][k], 0.95)).epsilon(1e-5).margin(1e-12));
            seen.insert({models[j], lc.model.sections[s].id});
            ++checked;
        }
    }
    // every model at every section has its band on its river's chart of every state variable
    CHECK(seen.size() == models.size() * ns);
    CHECK(checked == static_cast<int>(models.size() * ns * kNumConstituents));
    // the band is wide where a parameter is drawn: COD's 5 % and 95 % quantiles differ at the last section
    CHECK(quantile7(conc[0][ns - 1][0], 0.95) > quantile7(conc[0][ns - 1][0], 0.05) * 1.01);
    // the page's legend entry
    CHECK(html.find("Monte Carlo 5–95 % band at each section") != std::string::npos);
}

TEST_CASE("report: steady and dynamic verdicts side by side for a dynamic run of Leshan, each difference explained",
          "[report][verdict]") {
    const fs::path work = temp_dir("rep-verdict");
    const fs::path leshan = source_dir() / "data/cases/leshan";
    const std::string store = "--store " + (work / "runs.sqlite").string() + " -q ";
    REQUIRE(run_cli(store + "dynamic " + leshan.string() + " --out " + (work / "dyn").string()) == 0);
    REQUIRE(run_cli(store + "report latest --out " + (work / "report").string()) == 0);
    const std::string html = read_file(work / "report" / "report.html");
    REQUIRE(html.find("id=\"verdicts\"") != std::string::npos);
    CHECK(html.find("二、断面水质与达标情况") != std::string::npos);
    CHECK(html.find("三、稳态与动态结论对照") != std::string::npos);  // right after the section tables

    // the dynamic side is the run's compliance.csv; the steady side the design-condition evaluation of the same model
    const io::LoadedCase lc = io::load_case(leshan.string());
    auto comp_text = read_file(work / "dyn" / "compliance.csv");
    if (comp_text.rfind("\xEF\xBB\xBF", 0) == 0) comp_text.erase(0, 3);
    const auto comp = parse_csv_text(comp_text);
    const auto& head = comp.front();
    auto col = [&](const std::string& n) { return static_cast<std::size_t>(std::find(head.begin(), head.end(), n) - head.begin()); };
    static const std::regex row_re(R"re(<tr class="(agree|differ)" data-scen="([^"]*)" data-section="([^"]*)">([\s\S]*?)</tr>)re");
    std::map<std::pair<std::string, std::string>, std::pair<bool, std::string>> rows;
    for (auto it = std::sregex_iterator(html.begin(), html.end(), row_re); it != std::sregex_iterator(); ++it)
        rows[{(*it)[2], (*it)[3]}] = {(*it)[1] == "agree", (*it)[4]};
    REQUIRE(rows.size() == comp.size() - 1);  // every scenario and section of the dynamic run
    const auto steady = scenarios::evaluate(lc.model);
    int differ = 0;
    for (std::size_t r = 1; r < comp.size(); ++r) {
        const std::string sc = comp[r][col("scenario")], sec = comp[r][col("section_id")];
        INFO(sc << " " << sec);
        REQUIRE(rows.count({sc, sec}));
        const auto& [agree, cells] = rows.at({sc, sec});
        // agreement as analyses/verdict.hpp defines it: steady meets and every day meets, or steady misses and some
        // day misses
        if (sc == "baseline") {
            std::size_t s = 0;
            while (lc.model.sections[s].id != sec) ++s;
            const bool steady_meets = steady.sections[s].cls.meets;
            const bool all_days = std::stod(comp[r][col("share_days_meeting")]) == 1.0;
            CHECK(agree == (steady_meets == all_days));
            CHECK(cells.find(std::string(steady_meets ? "meets" : "misses")) != std::string::npos);
        }
        CHECK(cells.find(comp[r][col("annual_class")] + "</td>") != std::string::npos);
        char pct[32];
        std::snprintf(pct, sizeof pct, "%.1f %%", 100.0 * std::stod(comp[r][col("share_days_meeting")]));
        CHECK(cells.find(pct) != std::string::npos);
        if (!agree) {
            ++differ;
            CHECK(cells.find("differ: ") != std::string::npos);
            CHECK(std::regex_search(cells, std::regex("<span class=\"en\">[^<]{20,}</span>")));  // the reason, in English too
        }
    }
    // Leshan in its design year: the Mangxi sections miss in steady and meet every day (the dry-month diffuse loads)
    CHECK(differ > 0);
}
