#include "io/run_data.hpp"

#include "io/output.hpp"

namespace qingliu::io {

RunData make_run_data(const LoadedCase& lc, const std::string& command, std::vector<ScenarioResult> results) {
    RunData d;
    d.created_utc = utc_now();
    d.command = command;
    d.case_name = lc.model.name;
    d.case_name_en = lc.model.name_en;
    d.case_dir = lc.dir;
    d.version = QINGLIU_VERSION;
    d.parameters = lc.parameters;
    for (const auto& f : lc.input_files) {
        RunInput in;
        in.path = f;
        in.sha256 = sha256_file(f, &in.content);
        d.inputs.push_back(std::move(in));
    }
    d.scenarios = std::move(results);
    return d;
}

}  // namespace qingliu::io
