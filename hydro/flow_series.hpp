// Daily flow series for the dynamic model: calendar days, a gauge series scaled to every reach by drainage area,
// per-reach series, and dry/wet seasons.
//
// Scaling by drainage area. Each reach has its own (local) catchment area A_r (drainage_area_km2; the model sums
// upstream areas). The cumulative area at a reach's downstream end is
//     A_cum(r) = A_r + sum over links into r of A_cum(u) * share(u -> r)
// (a main link carries the parent's area times (1 - split fraction), a side channel its split fraction; transfers
// carry none). A gauge at the downstream end of reach g measures Q_g(d); the specific runoff q(d) = Q_g(d) / A_cum(g)
// is applied to every reach, so a reach's own inflow on day d is q(d) A_r (the drainage-area ratio method of
// transferring gauge flows to ungauged sites; see e.g. Archfield & Vogel 2010, Water Resources Research 46, W10513).
// Without areas, the
// design inflows (headwater + lateral flows of the reach table) stand in for A_r, so that the gauge series scales the
// design hydrograph. The own inflow is split between headwater and lateral flow as in the design (a headwater reach
// with neither gets it all at its top).
//
// Per-reach series give a reach's own inflow (headwater + lateral), not its total flow: the routed flow from upstream
// is added by the model.
//
// Seasons: a month is wet (丰水期) when its mean gauge flow (or mean total own inflow) is at least the period mean,
// otherwise dry (枯水期).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/topology.hpp"
#include "hydro/flow_forcing.hpp"

namespace qingliu::hydro {

struct Date {
    int year = 2000, month = 1, day = 1;
    bool operator==(const Date&) const = default;
};

bool is_leap(int year);
int days_in_month(int year, int month);
int days_in_year(int year);
/// 0-based day of the year.
int day_of_year(const Date& d);
Date date_from_day(int year, int doy0);
/// YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD (a spreadsheet date as text); nullopt when not a valid date.
std::optional<Date> parse_date(std::string_view s);
std::string format_date(const Date& d);

/// Cumulative drainage area at every reach's downstream end (see the header comment).
std::vector<double> cumulative_area(const Topology& topo, const std::vector<double>& local_area);

struct FlowInputs {
    int year = 2000;
    int days = 365;
    /// Design flows of the reach table (headwater and lateral, m3/s), per reach.
    std::vector<double> design_headwater_m3s, design_lateral_m3s;
    /// Own catchment area per reach (km2); NaN or <= 0: unknown. All unknown: design inflows stand in.
    std::vector<double> local_area_km2;
    std::int32_t gauge_reach = kNone;  ///< reach whose downstream end the gauge series describes
    std::vector<double> gauge_m3s;     ///< per day (empty: no gauge, design flows constant)
    /// Per-reach own-inflow series: reach index and per-day flows.
    std::vector<std::pair<std::int32_t, std::vector<double>>> reach_series;
};

/// Throws std::invalid_argument (turned into input problems by the caller) when the gauge reach has no area
/// upstream or series lengths do not match.
FlowForcing make_flow_forcing(const Topology& topo, const FlowInputs& in);

/// Dry year of the design frequency built from a recorded year: the factor that scales a daily series (day 0 =
/// 1 January of `year`) so that its lowest monthly mean equals design_m3s. Planning in China takes the driest-month
/// mean flow of 90 % guarantee as the design flow (the "design flow" of the steady model), so the scaled year is one
/// whose driest month is that design month. Throws std::invalid_argument for an empty series or a driest month
/// without flow.
double dry_year_factor(const std::vector<double>& daily_m3s, int year, double design_m3s);

}  // namespace qingliu::hydro
