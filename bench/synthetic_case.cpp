#include "bench/synthetic_case.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "hydro/flow_series.hpp"

namespace qingliu::bench {
namespace {

std::string num(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

void save(const std::filesystem::path& p, const std::string& text) {
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f << text;
    if (!f) throw std::runtime_error("cannot write " + p.string());
}

constexpr double kDiffuseFlowM3s = 1e-4;  // 0.1 L/s carrying a diffuse source's load

}  // namespace

void write_case(const scenarios::CaseModel& m, const std::string& dir, std::int32_t gauge, int year,
                const std::vector<double>& gauge_m3s) {
    namespace fs = std::filesystem;
    fs::create_directories(dir);
    const reaches::Network& net = m.net;
    const std::size_t n = net.size();
    std::string conc_cols;
    for (const Constituent c : kConstituents) conc_cols += "," + std::string(key(c)) + "_mgL";

    std::string t = "reach_id,river,downstream_id,length_km,hg_a,hg_b,hg_c,hg_d,headwater_flow_m3s,lateral_inflow_m3s,split_to,"
                    "split_fraction\n";
    for (std::size_t r = 0; r < n; ++r) {
        const auto& h = net.hydraulics[r];
        if (h.kind != hydro::Hydraulics::Kind::Geometry) throw std::runtime_error("synthetic case: hydraulic geometry expected");
        const std::int32_t d = net.topo.downstream(r), sp = net.topo.split_to(r);
        t += net.topo.id(r) + "," + net.river[r] + "," + (d == kNone ? "" : net.topo.id(d)) + "," + num(net.length_m[r] / kMetresPerKm) + "," +
             num(h.a) + "," + num(h.b) + "," + num(h.c) + "," + num(h.d) + "," + num(net.headwater_flow_m3s[r]) + "," +
             num(net.lateral_flow_m3s[r]) + "," + (sp == kNone ? "" : net.topo.id(sp)) + "," +
             (sp == kNone ? "" : num(net.topo.split_fraction(r))) + "\n";
    }
    save(fs::path(dir) / "reaches.csv", t);

    t = "source_id,name,type,reach_id,position_km,flow_m3s" + conc_cols + "\n";
    for (const auto& s : m.sources) {
        const bool water = s.flow_m3s > 0.0;
        const double q = water ? s.flow_m3s : kDiffuseFlowM3s;
        const double at_m = s.end_m > s.position_m ? 0.5 * (s.position_m + s.end_m) : s.position_m;
        t += s.id + "," + s.id + "," + s.type + "," + net.topo.id(s.reach) + "," + num(at_m / kMetresPerKm) + "," + num(q);
        for (const Constituent c : kConstituents) t += "," + num(s.load_gs[idx(c)] / q);
        t += "\n";
    }
    save(fs::path(dir) / "sources.csv", t);

    t = "section_id,name,river,reach_id,position_km,level,target_class\n";
    for (const auto& s : m.sections)
        t += s.id + "," + s.id + "," + s.river + "," + net.topo.id(s.reach) + "," + num(s.position_m / kMetresPerKm) + "," + s.level + "," +
             std::to_string(s.target_class) + "\n";
    save(fs::path(dir) / "sections.csv", t);

    t = "date,flow_m3s\n";
    for (std::size_t d = 0; d < gauge_m3s.size(); ++d)
        t += hydro::format_date(hydro::date_from_day(year, static_cast<int>(d))) + "," + num(gauge_m3s[d]) + "\n";
    save(fs::path(dir) / "flows.csv", t);

    auto table = [](const PerConstituent& v) {
        std::string s = "{ ";
        for (const Constituent c : kConstituents) s += (idx(c) ? ", " : "") + std::string(key(c)) + "_mgL = " + num(v[idx(c)]);
        return s + " }";
    };
    t = "# Synthetic network written by the benchmarks (bench/synthetic_case.hpp)\n[case]\nname = \"" + m.name +
        "\"\n\n[tables]\nreaches = \"reaches.csv\"\nsources = \"sources.csv\"\nsections = \"sections.csv\"\n\n[conditions]\n"
        "temperature_c = " + num(m.temperature_c) + "\n\n[kinetics]\n";
    for (const Constituent c : kConstituents)
        t += std::string(key(c)) + " = { k20_per_d = " + num(m.kinetics.k20_per_d[idx(c)]) + ", theta = " + num(m.kinetics.theta[idx(c)]) +
             " }\n";
    t += "\n[background]\nheadwater = " + table(net.headwater_conc_mgL[0]) + "\nlateral = " + table(net.lateral_conc_mgL[0]) +
         "\n\n[dynamic]\nflows = \"flows.csv\"\ngauge_reach = \"" + net.topo.id(gauge) + "\"\n";
    save(fs::path(dir) / "case.toml", t);
}

}  // namespace qingliu::bench
