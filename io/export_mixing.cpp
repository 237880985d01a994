// montecarlo.csv and mixing.csv (io/export_tables.hpp).
#include <cmath>

#include "io/export_tables.hpp"
#include "io/results.hpp"
#include "reaches/classes.hpp"

namespace qingliu::io {

namespace {
std::string finite_or_empty(double v) { return std::isfinite(v) ? num(v) : ""; }
}  // namespace

std::string montecarlo_csv(const report::MonteCarloTable& t) {
    std::string h = "scenario,scenario_name,scenario_name_en,section_id,name,river,target_class,det_meets,p_meets";
    for (auto c : kConstituents) h += ",p_meets_" + std::string(key(c));
    for (auto c : kConstituents)
        for (const char* s : {"_det", "_p5", "_p50", "_p95", "_mean"}) h += "," + std::string(key(c)) + s + "_mgL";
    h += "\n";
    for (const auto& r : t.rows) {
        h += csv_quote(r.scenario) + "," + csv_quote(r.scenario_name) + "," + csv_quote(r.scenario_name_en) + "," + csv_quote(r.section_id) + "," +
             csv_quote(r.name) + "," + csv_quote(r.river) + "," + reaches::class_roman(r.target_class) + "," + (r.det_meets ? "yes" : "no") + "," +
             num(r.p_meets);
        for (int c = 0; c < kNumConstituents; ++c) h += "," + num(r.p_meets_c[c]);
        for (int c = 0; c < kNumConstituents; ++c)
            h += "," + num(r.det_mgL[c]) + "," + num(r.p5_mgL[c]) + "," + num(r.p50_mgL[c]) + "," + num(r.p95_mgL[c]) + "," + num(r.mean_mgL[c]);
        h += "\n";
    }
    return h;
}

std::string mixing_csv(const report::MixingSection& s) {
    std::string t =
        "outfall_id,name,type,reach_id,position_km,scenario,discharge,bank,distance_from_bank_m,parameter,target_class,"
        "target_section,limit_mgL,background_mgL,effluent_mgL,mixed_mgL,network_model_mgL,zone,zone_length_m,"
        "zone_max_width_m,zone_area_m2,zone_open_at_reach_end,background_exceeds,reaches,reaches_zh,mixing_length_hj_m,"
        "complete_mixing_m,field_length_m,river_flow_m3s,effluent_flow_m3s,velocity_ms,width_m,depth_m,slope,"
        "shear_velocity_ms,alpha,reach_type,ey_m2s,width_from,depth_from,slope_from,notes\n";
    for (const auto& o : s.result.outfalls) {
        std::string notes;
        for (const auto& n : o.notes) notes += (notes.empty() ? "" : "; ") + n;
        for (const auto& p : o.params) {
            const auto c = kConstituents[p.constituent];
            const auto& z = p.zone;
            t += csv_quote(o.source_id) + "," + csv_quote(o.name) + "," + csv_quote(o.type) + "," + csv_quote(o.reach_id) + "," +
                 num(o.position_m / 1000.0) + "," + csv_quote(s.scenario) + "," + (o.discharge == mixing::Discharge::Bank ? "bank" : "mid") +
                 "," + (o.bank == mixing::Bank::Left ? "left" : "right") + "," + num(o.source_y_m) + "," + std::string(key(c)) + "," +
                 (o.target_class > 0 ? reaches::class_roman(o.target_class) : "") + "," + csv_quote(o.target_section) + "," +
                 finite_or_empty(p.limit_mgL) + "," + num(p.background_mgL) + "," + finite_or_empty(p.effluent_mgL) + "," +
                 num(p.mixed_mgL) + "," + num(p.one_d_mgL) + "," + (z.exists ? "1" : "0") + "," + (z.exists ? num(z.length_m) : "0") +
                 "," + (z.exists ? num(z.max_width_m) : "0") + "," + (z.exists ? num(z.area_m2) : "0") + "," +
                 (z.open_at_end ? "1" : "0") + "," + (z.background_exceeds ? "1" : "0") + "," +
                 csv_quote(report::reached_text(p.reached, false)) + "," + csv_quote(report::reached_text(p.reached, true)) + "," +
                 num(o.mixing_length_hj_m) + "," + finite_or_empty(o.mixing_distance_m) + "," + num(o.domain_m) + "," +
                 num(o.river_flow_m3s) + "," + num(o.effluent_flow_m3s) + "," + num(o.channel.velocity_ms) + "," +
                 num(o.channel.width_m) + "," + num(o.channel.depth_m) + "," + num(o.channel.slope) + "," +
                 num(o.channel.shear_velocity_ms) + "," + num(o.channel.alpha) + "," + (o.channel.type ? o.channel.type->key : "") + "," +
                 num(o.channel.ey_m2s) + "," + mixing::origin_key(o.channel.width_origin) + "," +
                 mixing::origin_key(o.channel.depth_origin) + "," + mixing::origin_key(o.channel.slope_origin) + "," + csv_quote(notes) +
                 "\n";
        }
    }
    return t;
}

}  // namespace qingliu::io
