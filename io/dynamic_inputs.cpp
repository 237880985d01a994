#include "io/dynamic_inputs.hpp"

#include <algorithm>
#include <set>

#include "io/series_reader.hpp"

namespace qingliu::io {

scenarios::DynamicInputs read_dynamic_inputs(LoadedCase& lc, int year) {
    const DynamicSettings& ds = lc.dynamic;
    if (!ds.present)
        throw InputError("no dynamic inputs", {{lc.case_file, "", "dynamic", "",
                                                "a dynamic run needs a [dynamic] section naming the daily flows "
                                                "(flows = \"flows.csv\", gauge_reach = \"...\")"}});
    const Topology& topo = lc.model.net.topo;
    Problems probs;
    DailyFlows flows = read_flow_series({ds.flows, ""}, year ? year : ds.year, probs);
    scenarios::DynamicInputs in;
    in.year = flows.year;
    in.flows_file = ds.flows;
    in.local_area_km2 = ds.drainage_area_km2;
    in.washoff_exponent = ds.washoff_exponent;
    in.monthly_temperature_c = ds.monthly_temperature_c;
    if (!flows.gauge_m3s.empty()) {
        if (ds.gauge_reach.empty())
            probs.add(lc.case_file, "[dynamic]", "dynamic.gauge_reach", "", "required with a gauge flow table (date, flow_m3s)");
        else if ((in.gauge_reach = topo.find(ds.gauge_reach)) == kNone)
            probs.add(lc.case_file, "[dynamic]", "dynamic.gauge_reach", ds.gauge_reach, "unknown reach id");
    }
    in.gauge_m3s = std::move(flows.gauge_m3s);
    for (auto& [id, q] : flows.reaches) {
        const std::int32_t r = topo.find(id);
        if (r == kNone) probs.add(ds.flows, "reach " + id, "reach_id", id, "unknown reach id");
        else in.reach_flows_m3s.emplace_back(r, std::move(q));
    }
    if (!ds.loads.empty() && probs.empty()) {
        std::set<std::string> ids, types;
        for (const auto& s : lc.model.sources) {
            ids.insert(s.id);
            types.insert(s.type);
        }
        in.load_series = read_load_series({ds.loads, ""}, in.year, ids, types, probs);
    }
    probs.throw_if_any("dynamic inputs of " + lc.dir + " have problems");
    for (const std::string& f : {ds.flows, ds.loads})
        if (!f.empty() && std::find(lc.input_files.begin(), lc.input_files.end(), f) == lc.input_files.end()) lc.input_files.push_back(f);
    return in;
}

}  // namespace qingliu::io
