// Tables named in case.toml that the case model itself does not hold (mixing zones, observed sections).
#include <filesystem>

#include <toml++/toml.h>

#include "io/case_reader.hpp"

namespace qingliu::io {

std::optional<TableRef> named_case_table(const LoadedCase& lc, const std::string& name, Problems& probs) {
    toml::table root;
    try {
        root = toml::parse_file(lc.case_file);
    } catch (const toml::parse_error& e) {
        probs.add(lc.case_file, "line " + std::to_string(e.source().begin.line), "", "", std::string(e.description()));
        return std::nullopt;
    }
    const toml::node_view<toml::node> n = root["tables"][name];
    if (!n) return std::nullopt;
    TableRef ref;
    if (auto s = n.value<std::string>()) ref.path = *s;
    else if (auto t = n.as_table()) {
        ref.path = (*t)["path"].value_or(std::string());
        ref.layer = (*t)["layer"].value_or(std::string());
    }
    if (ref.path.empty()) {
        probs.add(lc.case_file, "[tables]", name, "", "expected a file name or { path = ..., layer = ... }");
        return std::nullopt;
    }
    if (std::filesystem::path(ref.path).is_relative()) ref.path = (std::filesystem::path(lc.dir) / ref.path).lexically_normal().string();
    return ref;
}

}  // namespace qingliu::io
