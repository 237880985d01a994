#include "io/observations_reader.hpp"

#include <array>
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <unordered_map>

#include "io/table.hpp"
#include "io/text_encoding.hpp"

namespace qingliu::io {

namespace fs = std::filesystem;

namespace {

std::string resolve(const LoadedCase& lc, const std::string& p) {
    if (fs::path(p).is_relative() && !fs::exists(p)) return (fs::path(lc.dir) / p).lexically_normal().string();
    return p;
}

// Section ids of the case, and the section a record names (kNone after a problem).
struct SectionIndex {
    std::unordered_map<std::string, std::int32_t> by_id;
    explicit SectionIndex(const LoadedCase& lc) {
        for (std::size_t i = 0; i < lc.model.sections.size(); ++i)
            by_id.emplace(lc.model.sections[i].id, static_cast<std::int32_t>(i));
    }
    std::int32_t of(RowReader& r) const {
        const auto id = r.text("section_id", true);
        if (!id) return kNone;
        auto it = by_id.find(*id);
        if (it != by_id.end()) return it->second;
        r.problem("section_id", *id, "unknown section id");
        return kNone;
    }
};

// The observed concentrations a record gives (columns <prefix><key>_mgL); true when any.
bool read_observed(RowReader& r, const std::string& prefix, PerConstituent& conc, std::array<bool, kNumConstituents>& has) {
    bool any = false;
    for (auto c : kConstituents) {
        const std::string col = column(c, "_mgL", prefix);
        if (!r.has(col)) continue;
        if (auto v = r.number(col, false, 0.0, 1e5)) {
            conc[idx(c)] = *v;
            has[idx(c)] = true;
            any = true;
        }
    }
    return any;
}

}  // namespace

ObservationTable read_observations(const LoadedCase& lc, const std::string& path) {
    Problems probs;
    TableRef ref;
    std::string prefix;  // column prefix: "" (observations table) or "observed_" (sections table)
    if (!path.empty()) {
        ref.path = resolve(lc, path);
    } else if (lc.observations) {
        ref = *lc.observations;
    } else if (fs::exists(fs::path(lc.dir) / "observations.csv")) {
        ref.path = (fs::path(lc.dir) / "observations.csv").string();
    } else {
        auto s = named_case_table(lc, "sections", probs);
        if (!s && probs.empty()) probs.add(lc.case_file, "[tables]", "sections", "", "no sections table named");
        probs.throw_if_any("cannot find observations");
        ref = *s;
        prefix = "observed_";
    }
    ObservationTable out;
    out.file = ref.label();
    const Table t = read_table(ref, probs, prefix.empty() ? "observations" : "");
    probs.throw_if_any("cannot read observations");
    require_columns(t, {"section_id"}, probs);
    bool any_column = false;
    for (auto c : kConstituents) any_column = any_column || t.column(column(c, "_mgL", prefix)) >= 0;
    const std::string first = column(kConstituents.front(), "_mgL", prefix);
    if (!any_column)
        probs.add(t.file, "header", first, "", "no observed concentrations: give " + columns_listed("_mgL", prefix, " and/or "));
    probs.throw_if_any("cannot read observations");

    const SectionIndex sections(lc);
    for (const auto& rec : t.records) {
        RowReader r(t, rec, probs);
        scenarios::ObservedValue o;
        o.file = t.file;
        o.record = rec.label;
        o.section = sections.of(r);
        if (r.has("date")) o.date = r.text("date", false).value_or("");
        const bool any = read_observed(r, prefix, o.conc_mgL, o.has);
        if (any && o.section != kNone) out.values.push_back(o);
    }
    if (probs.empty() && out.values.empty()) probs.add(t.file, "", first, "", "no observed value in the table");
    probs.throw_if_any("observations");
    return out;
}

ObservedStatusTable read_observed_statuses(const LoadedCase& lc, const std::string& path) {
    Problems probs;
    TableRef ref;
    if (!path.empty()) ref.path = resolve(lc, path);
    else if (lc.observations) ref = *lc.observations;
    else if (fs::exists(fs::path(lc.dir) / "observations.csv")) ref.path = (fs::path(lc.dir) / "observations.csv").string();
    else {
        probs.add(lc.case_file, "[tables]", "observations", "",
                  "no observations table: name one in [tables] or put observations.csv in the case folder");
        probs.throw_if_any("cannot find observed statuses");
    }
    ObservedStatusTable out;
    out.file = ref.label();
    const Table t = read_table(ref, probs);
    probs.throw_if_any("cannot read observations");
    require_columns(t, {"section_id", "source"}, probs);
    probs.throw_if_any("cannot read observations");
    const SectionIndex sections(lc);
    for (const auto& rec : t.records) {
        RowReader r(t, rec, probs);
        scenarios::ObservedStatus o;
        o.file = t.file;
        o.record = rec.label;
        o.section = sections.of(r);
        o.source = r.text("source", true).value_or("");
        o.date = r.text("date", false).value_or("");
        o.limiting = r.text("limiting", false).value_or("");
        o.statement = r.text("statement", false).value_or("");
        if (auto c = r.text("observed_class", false)) {
            std::string s = *c;
            if (s == "劣V" || s == "劣Ⅴ" || s == "劣Ⅴ类" || s == "劣V类" || s == "6" || ascii_lower(s) == "worse than v") o.observed_class = 6;
            else if (auto k = reaches::parse_class(s)) o.observed_class = *k;
            else r.problem("observed_class", s, "expected a class I to V or 劣V (Ⅰ–Ⅴ, 1–6)");
        }
        const bool any = read_observed(r, "", o.conc_mgL, o.has);
        if (!any && o.observed_class == 0 && !r.has("observed_class") && o.statement.empty())
            r.problem("observed_class", "", "row has no observed class, concentration or statement");
        out.rows.push_back(std::move(o));
    }
    if (probs.empty() && out.rows.empty()) probs.add(t.file, "", "", "", "the observations table has no rows");
    probs.throw_if_any("observations");
    return out;
}

UncertaintyTable read_uncertainty(const LoadedCase& lc, const std::string& path) {
    Problems probs;
    UncertaintyTable out;
    TableRef ref;
    if (!path.empty()) ref.path = resolve(lc, path);
    else if (lc.uncertainty) ref = *lc.uncertainty;
    else if (fs::exists(fs::path(lc.dir) / "uncertainty.csv")) ref.path = (fs::path(lc.dir) / "uncertainty.csv").string();
    else return out;
    out.file = ref.path;
    const Table t = read_table(ref, probs, "uncertainty");
    probs.throw_if_any("cannot read uncertainty ranges");
    require_columns(t, {"parameter", "low", "high"}, probs);
    probs.throw_if_any("cannot read uncertainty ranges");
    for (const auto& rec : t.records) {
        RowReader r(t, rec, probs);
        scenarios::UncertainParameter p;
        p.file = t.file;
        p.record = rec.label;
        const auto k = r.text("parameter", true);
        const auto lo = r.number("low", true);
        const auto hi = r.number("high", true);
        if (r.has("distribution")) {
            const std::string d = ascii_lower(r.text("distribution", false).value_or(""));
            if (d == "triangular") p.dist = scenarios::Distribution::Triangular;
            else if (d != "uniform") r.problem("distribution", d, "expected uniform or triangular");
        }
        if (r.has("mode")) {
            if (auto m = r.number("mode", false)) p.mode = *m;
            if (p.dist != scenarios::Distribution::Triangular) r.problem("mode", "", "a mode is given only for a triangular distribution");
        }
        if (!k || !lo || !hi) continue;
        p.key = *k;
        p.low = *lo;
        p.high = *hi;
        out.params.push_back(p);
    }
    scenarios::check_uncertainty(lc.model, out.params, probs);
    std::vector<std::string> seen;
    for (const auto& p : out.params) {
        if (std::find(seen.begin(), seen.end(), p.key) != seen.end()) probs.add(p.file, p.record, "parameter", p.key, "given twice");
        seen.push_back(p.key);
    }
    probs.throw_if_any("uncertainty ranges");
    return out;
}

}  // namespace qingliu::io
