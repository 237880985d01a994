// The self-contained HTML report: one file with inline CSS, inline SVG charts and a little inline JavaScript
// (language switch, scenario tabs, a render check); it needs no network access to open.
//
// The page marks itself when its script has run: <body data-rendered="ok" data-charts="N" data-errors="0">, with
// data-errors counting script errors caught by window.onerror, so a headless browser can check the rendered page.
#pragma once
#include <string>
#include <vector>

#include "report/layout.hpp"
#include "report/report.hpp"

namespace qingliu::report {

enum class Lang { Zh, En };

std::string render_html(const ReportData& d, const Layout& layout, Lang lang = Lang::Zh);

/// Number text shared by the report writers: fixed with `digits` decimals; "" when not finite.
std::string fixed(double v, int digits);
/// Up to 6 significant digits, no exponent for ordinary magnitudes; "" when not finite.
std::string num(double v);

}  // namespace qingliu::report
