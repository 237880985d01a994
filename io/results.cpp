#include "io/results.hpp"

#include "report/html.hpp"

namespace qingliu::io {

std::string num(double v) { return report::num(v); }

std::string nums(const PerConstituent& v, double scale) {
    return join_each([&](int c) { return num(v[c] * scale); });
}

std::string csv_quote(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string o = "\"";
    for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
    return o + "\"";
}

}  // namespace qingliu::io
