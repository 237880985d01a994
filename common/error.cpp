#include "common/error.hpp"

namespace qingliu {

std::string format_problem(const Problem& p) {
    std::string s;
    if (!p.file.empty()) s += p.file + ": ";
    if (!p.record.empty()) s += p.record + ": ";
    if (!p.field.empty()) {
        s += "field '" + p.field + "'";
        if (!p.value.empty()) s += " = '" + p.value + "'";
        s += ": ";
    } else if (!p.value.empty()) {
        s += "'" + p.value + "': ";
    }
    s += p.message;
    return s;
}

void Problems::throw_if_any(const std::string& what) const {
    if (!items_.empty()) throw InputError(what, items_);
}

static std::string join_problems(const std::string& what, const std::vector<Problem>& ps) {
    std::string s = what + " (" + std::to_string(ps.size()) + (ps.size() == 1 ? " problem)" : " problems)");
    for (const auto& p : ps) s += "\n  " + format_problem(p);
    return s;
}

InputError::InputError(const std::string& what, std::vector<Problem> problems)
    : std::runtime_error(join_problems(what, problems)), problems_(std::move(problems)) {}

}  // namespace qingliu
