#include "hydro/flow_series.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

namespace qingliu::hydro {

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int days_in_month(int y, int m) {
    static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}
int days_in_year(int y) { return is_leap(y) ? 366 : 365; }
int day_of_year(const Date& d) {
    int n = d.day - 1;
    for (int m = 1; m < d.month; ++m) n += days_in_month(d.year, m);
    return n;
}
Date date_from_day(int y, int doy) {
    Date d{y, 1, 1};
    while (doy >= days_in_month(y, d.month) && d.month < 12) doy -= days_in_month(y, d.month++);
    d.day = doy + 1;
    return d;
}

std::optional<Date> parse_date(std::string_view s) {
    int y = 0, m = 0, d = 0;
    std::string t(s);
    char sep1 = 0, sep2 = 0;
    int consumed = 0;
    if (std::sscanf(t.c_str(), "%4d%c%2d%c%2d%n", &y, &sep1, &m, &sep2, &d, &consumed) == 5 && sep1 == sep2 &&
        (sep1 == '-' || sep1 == '/')) {
        // optional time part " 00:00:00" from spreadsheets
        if (consumed < static_cast<int>(t.size()) && t[consumed] != ' ' && t[consumed] != 'T') return std::nullopt;
    } else if (t.size() == 8 && std::sscanf(t.c_str(), "%4d%2d%2d%n", &y, &m, &d, &consumed) == 3 && consumed == 8) {
    } else {
        return std::nullopt;
    }
    if (y < 1800 || y > 2200 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return std::nullopt;
    return Date{y, m, d};
}

std::string format_date(const Date& d) {
    char b[16];
    std::snprintf(b, sizeof b, "%04d-%02d-%02d", d.year, d.month, d.day);
    return b;
}

std::vector<double> cumulative_area(const Topology& topo, const std::vector<double>& local) {
    std::vector<double> acc(topo.size(), 0.0), cum(topo.size(), 0.0);
    for (const std::int32_t r : topo.order()) {
        cum[r] = acc[r] + (r < static_cast<std::int32_t>(local.size()) ? local[r] : 0.0);
        const std::int32_t d = topo.downstream(r), s = topo.split_to(r);
        const double f = s != kNone ? topo.split_fraction(r) : 0.0;
        if (d != kNone) acc[d] += cum[r] * (1.0 - f);
        if (s != kNone) acc[s] += cum[r] * f;
    }
    return cum;
}

FlowForcing make_flow_forcing(const Topology& topo, const FlowInputs& in) {
    const std::size_t n = topo.size();
    const auto days = static_cast<std::size_t>(in.days);
    FlowForcing out;
    if (in.design_headwater_m3s.size() != n || in.design_lateral_m3s.size() != n)
        throw std::invalid_argument("design flows do not match the reaches");
    // Own inflow weights: areas if any are known, else the design inflows.
    bool any_area = false;
    for (const double a : in.local_area_km2) any_area |= a > 0.0;
    std::vector<double> weight(n, 0.0);
    for (std::size_t r = 0; r < n; ++r) {
        if (any_area) {
            const double a = r < in.local_area_km2.size() ? in.local_area_km2[r] : 0.0;
            weight[r] = a > 0.0 ? a : 0.0;
        } else {
            weight[r] = in.design_headwater_m3s[r] + in.design_lateral_m3s[r];
        }
    }
    auto headwater_share = [&](std::size_t r) {
        const double hw = in.design_headwater_m3s[r], lat = in.design_lateral_m3s[r];
        if (hw + lat > 0.0) return hw / (hw + lat);
        return topo.is_headwater(r) ? 1.0 : 0.0;
    };
    out.base_headwater_m3s = in.design_headwater_m3s;
    out.base_lateral_m3s = in.design_lateral_m3s;
    if (in.gauge_reach != kNone && !in.gauge_m3s.empty()) {
        if (in.gauge_m3s.size() != days) throw std::invalid_argument("the gauge series does not cover the period");
        const std::vector<double> cum = cumulative_area(topo, weight);
        const double ag = cum[in.gauge_reach];
        if (!(ag > 0.0))
            throw std::invalid_argument(any_area ? "the gauge reach has no drainage area upstream (drainage_area_km2)"
                                                 : "the gauge reach has no design inflow upstream to scale");
        for (std::size_t r = 0; r < n; ++r) {
            const double own = weight[r] / ag;  // m3/s of own inflow per m3/s at the gauge
            const double h = headwater_share(r);
            out.base_headwater_m3s[r] = own * h;
            out.base_lateral_m3s[r] = own * (1.0 - h);
        }
        out.scale = in.gauge_m3s;
    }
    if (!in.reach_series.empty()) {
        out.reach_series.assign(n, kNone);
        for (const auto& [r, q] : in.reach_series) {
            if (q.size() != days) throw std::invalid_argument("a reach series does not cover the period");
            const double h = headwater_share(r);
            std::vector<double> hw(days), lat(days);
            for (std::size_t d = 0; d < days; ++d) {
                hw[d] = q[d] * h;
                lat[d] = q[d] * (1.0 - h);
            }
            out.reach_series[r] = static_cast<std::int32_t>(out.own_headwater_m3s.size());
            out.own_headwater_m3s.push_back(std::move(hw));
            out.own_lateral_m3s.push_back(std::move(lat));
        }
    }
    // Network runoff per day (sum of own inflows) for seasons and diffuse wash-off.
    std::vector<double> total(days, 0.0);
    for (std::size_t r = 0; r < n; ++r) {
        const std::int32_t own = out.reach_series.empty() ? kNone : out.reach_series[r];
        for (std::size_t d = 0; d < days; ++d) {
            total[d] += own != kNone ? out.own_headwater_m3s[own][d] + out.own_lateral_m3s[own][d]
                                     : (out.base_headwater_m3s[r] + out.base_lateral_m3s[r]) * (out.scale.empty() ? 1.0 : out.scale[d]);
        }
    }
    double mean = 0.0;
    for (const double t : total) mean += t;
    mean /= std::max<std::size_t>(days, 1);
    out.runoff_index.assign(days, 1.0);
    if (mean > 0.0)
        for (std::size_t d = 0; d < days; ++d) out.runoff_index[d] = total[d] / mean;
    out.wet_month.assign(12, -1);
    std::vector<double> msum(12, 0.0);
    std::vector<int> mcount(12, 0);
    for (std::size_t d = 0; d < days; ++d) {
        const Date dt = date_from_day(in.year, static_cast<int>(d % days_in_year(in.year)));
        msum[dt.month - 1] += out.runoff_index[d];
        ++mcount[dt.month - 1];
    }
    for (int m = 0; m < 12; ++m)
        if (mcount[m] > 0) out.wet_month[m] = msum[m] / mcount[m] >= 1.0 ? 1 : 0;
    return out;
}

double dry_year_factor(const std::vector<double>& daily_m3s, int year, double design_m3s) {
    double sum[12] = {}, days[12] = {};
    for (std::size_t d = 0; d < daily_m3s.size(); ++d) {
        const int m = date_from_day(year, static_cast<int>(d)).month - 1;
        sum[m] += daily_m3s[d];
        days[m] += 1.0;
    }
    double lowest = std::numeric_limits<double>::infinity();
    for (int m = 0; m < 12; ++m)
        if (days[m] > 0.0) lowest = std::min(lowest, sum[m] / days[m]);
    if (!std::isfinite(lowest)) throw std::invalid_argument("the flow series is empty");
    if (!(lowest > 0.0)) throw std::invalid_argument("the driest month of the flow series has no flow to scale");
    return design_m3s / lowest;
}

}  // namespace qingliu::hydro
