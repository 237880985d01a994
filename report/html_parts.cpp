#include "report/html_parts.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>

#include "loads/source.hpp"
#include "reaches/classes.hpp"
#include "report/html.hpp"
#include "report/names.hpp"

namespace qingliu::report {

std::string fixed(double v, int digits) {
    if (!std::isfinite(v)) return "";
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", digits, v);
    return b;
}

std::string num(double v) {
    if (!std::isfinite(v)) return "";
    char b[64];
    // whole numbers (counts, seeds, ids, years) print whole; everything else with 6 significant digits. std::to_chars
    // with a precision prints as printf's "%.0f" / "%.6g" in the C locale (the standard defines it so), several
    // times faster: daily tables print millions of numbers.
    const bool whole = v == std::trunc(v) && std::abs(v) < 1e15;
    const auto r = whole ? std::to_chars(b, b + sizeof b, v == 0.0 ? 0.0 : v, std::chars_format::fixed, 0)
                         : std::to_chars(b, b + sizeof b, v, std::chars_format::general, 6);
    return std::string(b, r.ptr);
}

namespace html {

std::string esc(const std::string& s) {
    std::string o;
    o.reserve(s.size());
    for (char c : s) switch (c) {
            case '&': o += "&amp;"; break;
            case '<': o += "&lt;"; break;
            case '>': o += "&gt;"; break;
            case '"': o += "&quot;"; break;
            default: o += c;
        }
    return o;
}

/// Both languages; CSS shows one.
std::string bi(const std::string& zh, const std::string& en) {
    return "<span class=\"zh\">" + esc(zh) + "</span><span class=\"en\">" + esc(en) + "</span>";
}

std::string class_bi(int cls) { return bi(reaches::class_label_zh(cls), reaches::class_label_en(cls)); }

const std::string& or_if_empty(const std::string& a, const std::string& b) { return a.empty() ? b : a; }

std::string scen_name_zh(const Scenario& s) {
    if (s.id == "baseline" && s.name.empty()) return "基准（现状）";
    return or_if_empty(s.name, s.id);
}
std::string scen_name_en(const Scenario& s) {
    if (s.id == "baseline" && s.name_en.empty()) return "Baseline (current)";
    return or_if_empty(s.name_en, or_if_empty(s.name, s.id));
}

std::string type_zh(const std::string& t) {
    if (auto* st = loads::find_source_type(t)) return st->zh;
    return t;
}
std::string type_en(const std::string& t) {
    if (auto* st = loads::find_source_type(t)) return st->en;
    return t;
}

const char* type_colour(const std::string& t) {
    static const std::map<std::string, const char*> c = {
        {"background", "#bab0ac"}, {"boundary_inflow", "#79706e"}, {"sewage_plant", "#4e79a7"}, {"outfall", "#f28e2b"},
        {"industry", "#e15759"},   {"livestock", "#76b7b2"},    {"cropland", "#59a14f"},
        {"rural_domestic", "#edc948"}, {"urban_uncollected", "#b07aa1"}, {"aquaculture", "#ff9da7"}};
    auto it = c.find(t);
    return it == c.end() ? "#9c755f" : it->second;
}

// scenario line styles in profile charts
// The baseline is the one black solid line. The others cycle through 10 colours (Okabe-Ito's colour-blind-safe set
// and darker tones, all distinct from the pale class bands) and, independently, 7 dash patterns: as 10 and 7 are
// coprime, the first 70 scenarios after the baseline each get their own (colour, dash) pair, and neighbours in the
// list differ in both, so lines stay apart in greyscale print too.
const char* scen_colour(std::size_t i) {
    static const char* c[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#6a3d9a", "#8c564b", "#b15928", "#4d4d4d"};
    return i == 0 ? "#111111" : c[(i - 1) % 10];
}
const char* scen_dash(std::size_t i) {
    static const char* d[] = {"9 4", "2 3", "12 3 3 3", "5 3", "1 4", "14 4 4 4 4 4", "7 2 2 2"};
    return i == 0 ? "" : d[(i - 1) % 7];
}

std::string param_key(int k) { return std::string(key(kConstituents[k])); }

int conc_digits(int k) { return variable(k).conc_digits; }

double limit_of(const ReportData& d, int k, int cls) {
    return d.classes.limit(key(kConstituents[k]), reaches::WaterBody::River, cls);
}

double nice_step(double range, int n) {
    if (!(range > 0.0)) return 1.0;
    const double raw = range / n, p = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (raw <= m * p) return m * p;
    return 10.0 * p;
}

std::string tick_text(double v, double step) {
    const int digits = step >= 1.0 ? 0 : std::min(4, static_cast<int>(std::ceil(-std::log10(step))));
    return fixed(v, digits);
}

std::string td_num(double v, int digits) { return "<td class=\"n\">" + fixed(v, digits) + "</td>"; }

std::string td_class(int cls) {
    const bool dark = cls == 1 || cls == 6 || cls == 3;
    return std::string("<td class=\"cls\" style=\"background:") + class_colour(cls) + ";color:" + (dark ? "#fff" : "#222") + "\">" +
           class_cell_bi(cls) + "</td>";
}

std::string class_cell_bi(int cls) { return bi(reaches::class_roman(cls), class_roman_en(cls)); }

std::string label_tspans(const std::string& zh, const std::string& en, double font_px, double* width_px) {
    auto width = [&](const std::string& s) {  // CJK characters about one em, others about 0.58 em
        double w = 0.0;
        for (std::size_t i = 0; i < s.size();) {
            const unsigned char c = static_cast<unsigned char>(s[i]);
            const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
            w += (n >= 3 ? 1.0 : 0.58) * font_px;
            i += static_cast<std::size_t>(n);
        }
        return w;
    };
    if (width_px) *width_px = std::max(width(zh), width(en));
    return "<tspan class=\"zh\">" + esc(zh) + "</tspan><tspan class=\"en\">" + esc(en) + "</tspan>";
}

std::string label_cells(const std::string& open, const std::string& close) {
    return join_each([&](int k) { return open + esc(std::string(label_en(kConstituents[k]))) + close; }, "");
}

std::string load_cells(const PerConstituent& v, int extra_digits, double scale) {
    return join_each([&](int k) { return td_num(v[k] * scale, variable(k).load_digits + extra_digits); }, "");
}

std::string td_conc(double v, int cls, int k) {
    return std::string("<td class=\"n\" style=\"box-shadow:inset 4px 0 0 ") + class_colour(cls) + "\">" + fixed(v, conc_digits(k)) + "</td>";
}

}  // namespace html

}  // namespace qingliu::report
