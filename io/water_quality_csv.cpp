#include "io/water_quality_csv.hpp"

#include <cstdio>

#include "common/units.hpp"
#include "io/results.hpp"

namespace qingliu::io {

namespace {
std::string precise(double v) {
    char b[64];
    std::snprintf(b, sizeof b, "%.12g", v);
    return b;
}
}  // namespace

const std::vector<std::string>& water_quality_item_keys() {
    static const std::vector<std::string> k = {"do", "codmn", "cod", "bod5", "nh3n", "tp", "tn"};
    return k;
}

std::string water_quality_sections_csv(const scenarios::CaseModel& m, const std::vector<scenarios::WaterQualityRun>& runs) {
    const auto& keys = water_quality_item_keys();
    std::string out = "scenario_id,section_id,name,name_en,river,reach_id,position_km,water_body,target_class,flow_m3s";
    for (const char* what : {"_mgL", "_class", "_exceedance"})
        for (const auto& k : keys) out += "," + k + what;
    out += ",class,meets,deciding,exceeding_en,exceeding_zh\n";
    for (const auto& run : runs) {
        for (std::size_t i = 0; i < m.sections.size() && i < run.evaluation.sections.size(); ++i) {
            const reaches::Section& s = m.sections[i];
            const reaches::wq::ItemsEvaluation& e = run.evaluation.sections[i].evaluation;
            out += csv_quote(run.scenario_id) + "," + csv_quote(s.id) + "," + csv_quote(s.name) + "," + csv_quote(s.name_en) +
                   "," + csv_quote(s.river) + "," + csv_quote(m.net.topo.id(s.reach)) + "," + num(s.position_m / kMetresPerKm) +
                   "," + std::string(s.water_body == reaches::WaterBody::Lake ? "lake" : "river") + "," +
                   reaches::class_roman(s.target_class) + "," + num(run.evaluation.steady.obs_flow_m3s[i]);
            // items in column order, found by key (the evaluation lists them in gb3838_items order)
            std::vector<const reaches::wq::ItemClass*> item(keys.size(), nullptr);
            for (std::size_t k = 0; k < keys.size(); ++k)
                for (const auto& c : e.items)
                    if (c.key == keys[k]) item[k] = &c;
            for (const auto* c : item) out += "," + (c ? precise(c->value_mgL) : std::string());
            for (const auto* c : item) out += "," + (c && c->cls > 0 ? reaches::class_roman(c->cls) : std::string());
            for (const auto* c : item) out += "," + (c && c->exceeds ? num(c->exceedance) : std::string());
            std::string deciding;
            for (const auto& c : e.items)
                if (c.cls > 0 && c.cls == e.overall) deciding += (deciding.empty() ? "" : ";") + c.key;
            out += "," + (e.overall > 0 ? reaches::class_roman(e.overall) : std::string()) + "," + (e.meets ? "yes" : "no") +
                   "," + deciding + "," + csv_quote(reaches::wq::exceeding_text(e, false)) + "," +
                   csv_quote(reaches::wq::exceeding_text(e, true)) + "\n";
        }
    }
    return out;
}

}  // namespace qingliu::io
