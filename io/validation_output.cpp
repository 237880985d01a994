#include "io/validation_output.hpp"

#include <cstdlib>

#include "io/results.hpp"

namespace qingliu::io {

std::string agreement_label(int observed_class, int difference) {
    if (observed_class <= 0) return "";
    if (difference == 0) return "一致 agree";
    const std::string n = std::to_string(std::abs(difference));
    return difference > 0 ? "模型偏差" + n + "类 model worse by " + n : "模型偏好" + n + "类 model better by " + n;
}

std::string validation_csv(const scenarios::CaseModel& m, const std::vector<scenarios::ObservedStatus>& obs,
                           const scenarios::Validation& v) {
    std::string o = "section_id,section_name,section_name_en,river,date,observed_class,modelled_class,difference,agreement,"
                    "observed_limiting,modelled_limiting";
    for (auto c : kConstituents) o += ",observed_" + std::string(key(c)) + "_mgL,modelled_" + std::string(key(c)) + "_mgL";
    o += ",statement,source\n";
    for (const auto& r : v.rows) {
        const auto& ob = obs[r.observation];
        const auto& s = m.sections[r.section];
        o += csv_quote(s.id) + "," + csv_quote(s.name) + "," + csv_quote(s.name_en) + "," + csv_quote(s.river) + "," + csv_quote(ob.date) + "," +
             (ob.observed_class > 0 ? reaches::class_roman(ob.observed_class) : std::string()) + "," +
             reaches::class_roman(r.modelled_class) + "," + (ob.observed_class > 0 ? std::to_string(r.difference) : std::string()) + "," +
             csv_quote(agreement_label(ob.observed_class, r.difference)) + "," + csv_quote(ob.limiting) + "," +
             std::string(label_en(kConstituents[r.modelled_worst]));
        for (auto c : kConstituents)
            o += "," + (ob.has[idx(c)] ? num(ob.conc_mgL[idx(c)]) : std::string()) + "," + num(r.modelled_mgL[idx(c)]);
        o += "," + csv_quote(ob.statement) + "," + csv_quote(ob.source) + "\n";
    }
    return o;
}

std::string validation_summary_csv(const scenarios::Validation& v) {
    const auto& s = v.summary;
    std::string o = "measure,value\n";
    o += "observations," + std::to_string(s.rows) + "\n";
    o += "with_observed_class," + std::to_string(s.compared) + "\n";
    o += "class_agrees," + std::to_string(s.agree) + "\n";
    o += "class_within_one," + std::to_string(s.within_one) + "\n";
    o += "model_worse," + std::to_string(s.model_worse) + "\n";
    o += "model_better," + std::to_string(s.model_better) + "\n";
    for (auto c : kConstituents) {
        const int k = idx(c);
        o += std::string(key(c)) + "_values_compared," + std::to_string(s.conc_n[k]) + "\n";
        o += std::string(key(c)) + "_modelled_over_observed_geomean," + (s.conc_n[k] > 0 ? num(s.conc_ratio_geomean[k]) : std::string()) + "\n";
    }
    return o;
}

}  // namespace qingliu::io
