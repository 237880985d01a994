#include "io/series_reader.hpp"

#include <map>

namespace qingliu::io {

namespace {

std::string date_count_message(int missing, int year, const std::vector<char>& have) {
    for (std::size_t d = 0; d < have.size(); ++d)
        if (!have[d])
            return std::to_string(missing) + " day(s) of " + std::to_string(year) + " have no value (first: " +
                   hydro::format_date(hydro::date_from_day(year, static_cast<int>(d))) + ")";
    return {};
}

}  // namespace

DailyFlows read_flow_series(const TableRef& ref, int year, Problems& probs) {
    DailyFlows out;
    Problems p;
    Table t = read_table(ref, p, "flows");
    if (!t.columns.empty()) require_columns(t, {"date", "flow_m3s"}, p);
    if (!p.empty()) {
        probs.append(p);
        return out;
    }
    const bool per_reach = t.column("reach_id") >= 0;
    struct Series {
        std::vector<double> q;
        std::vector<char> have;
    };
    std::map<std::string, Series> series;  // "" = the gauge
    std::vector<std::string> order;
    for (const auto& rec : t.records) {
        RowReader r(t, rec, p);
        auto ds = r.text("date", true);
        auto q = r.number("flow_m3s", true, 0.0, 1e6);
        std::string id;
        if (per_reach) id = r.text("reach_id", true).value_or("");
        if (!ds) continue;
        auto d = hydro::parse_date(*ds);
        if (!d) {
            r.problem("date", *ds, "expected a date YYYY-MM-DD");
            continue;
        }
        if (year == 0) year = d->year;
        if (d->year != year) continue;  // other years are not simulated
        if (!q || (per_reach && id.empty())) continue;
        auto [it, fresh] = series.try_emplace(id);
        if (fresh) {
            it->second.q.assign(hydro::days_in_year(year), 0.0);
            it->second.have.assign(hydro::days_in_year(year), 0);
            order.push_back(id);
        }
        const int doy = hydro::day_of_year(*d);
        if (it->second.have[doy]) r.problem("date", *ds, "duplicate date" + (id.empty() ? std::string() : " for reach " + id));
        it->second.have[doy] = 1;
        it->second.q[doy] = *q;
    }
    out.year = year;
    if (p.empty() && series.empty())
        p.add(t.file, "", "date", "", year ? "no records for the year " + std::to_string(year) : "the flow table has no records");
    for (const auto& id : order) {
        const Series& s = series[id];
        int missing = 0;
        for (const char h : s.have) missing += h ? 0 : 1;
        if (missing)
            p.add(t.file, id.empty() ? "" : "reach " + id, "date", "", date_count_message(missing, year, s.have));
        if (id.empty()) out.gauge_m3s = s.q;
        else out.reaches.emplace_back(id, s.q);
    }
    probs.append(p);
    return out;
}

std::vector<loads::LoadFactorSeries> read_load_series(const TableRef& ref, int year, const std::set<std::string>& source_ids,
                                                      const std::set<std::string>& types, Problems& probs) {
    std::vector<loads::LoadFactorSeries> out;
    Problems p;
    Table t = read_table(ref, p, "load_factors");
    if (!t.columns.empty()) {
        require_columns(t, {"date", "factor"}, p);
        if (t.column("source_id") < 0 && t.column("type") < 0)
            p.add(t.file, "header", "source_id", "", "required column missing (source_id, or type)");
    }
    if (!p.empty()) {
        probs.append(p);
        return out;
    }
    const int days = hydro::days_in_year(year);
    std::map<std::pair<bool, std::string>, std::size_t> index;
    std::map<std::size_t, std::vector<char>> seen;
    for (const auto& rec : t.records) {
        RowReader r(t, rec, p);
        auto ds = r.text("date", true);
        auto f = r.number("factor", true, 0.0, 1e4);
        std::string key;
        bool by_type = false;
        if (r.has("source_id")) {
            key = *r.text("source_id", true);
            if (!source_ids.count(key)) r.problem("source_id", key, "unknown source id");
        } else if (r.has("type")) {
            key = *r.text("type", true);
            by_type = true;
            if (!types.count(key)) r.problem("type", key, "no source of this type in the case");
        } else {
            r.problem(t.column("source_id") >= 0 ? "source_id" : "type", "", "required value is empty");
            continue;
        }
        if (!ds) continue;
        auto d = hydro::parse_date(*ds);
        if (!d) {
            r.problem("date", *ds, "expected a date YYYY-MM-DD");
            continue;
        }
        if (d->year != year || !f) continue;
        auto [it, fresh] = index.try_emplace({by_type, key}, out.size());
        if (fresh) {
            out.push_back({key, by_type, std::vector<double>(days, 1.0)});
            seen[it->second].assign(days, 0);
        }
        const int doy = hydro::day_of_year(*d);
        if (seen[it->second][doy]) r.problem("date", *ds, "duplicate date for " + key);
        seen[it->second][doy] = 1;
        out[it->second].factor[doy] = *f;
    }
    probs.append(p);
    return out;
}

}  // namespace qingliu::io
