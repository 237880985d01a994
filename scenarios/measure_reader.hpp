// Typed access to a measure's parameters with problems named by file, record and field (shared by the measure
// kinds in measures.cpp and inventory_measures.cpp).
#pragma once
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "scenarios/measures.hpp"

namespace qingliu::scenarios {

struct Reader {
    const MeasureSpec& spec;
    Problems& probs;
    std::set<std::string> used;

    const ParamValue* get(const std::string& k) {
        used.insert(k);
        auto it = spec.params.find(k);
        return it == spec.params.end() ? nullptr : &it->second;
    }
    void problem(const std::string& field, const std::string& value, const std::string& msg) {
        probs.add(spec.file, spec.record + " (measure " + spec.id + ")", field, value, msg);
    }
    std::optional<double> number(const std::string& k, bool required, double lo, double hi) {
        const ParamValue* p = get(k);
        if (!p) {
            if (required) problem(k, "", "required for a " + spec.kind + " measure");
            return std::nullopt;
        }
        if (!std::holds_alternative<double>(p->value)) {
            problem(k, "", "expected a number");
            return std::nullopt;
        }
        const double v = std::get<double>(p->value);
        if (!(v >= lo && v <= hi)) {
            problem(k, std::to_string(v), "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
            return std::nullopt;
        }
        return v;
    }
    std::optional<std::string> text(const std::string& k, bool required) {
        const ParamValue* p = get(k);
        if (!p) {
            if (required) problem(k, "", "required for a " + spec.kind + " measure");
            return std::nullopt;
        }
        if (!std::holds_alternative<std::string>(p->value)) {
            problem(k, "", "expected text");
            return std::nullopt;
        }
        return std::get<std::string>(p->value);
    }
    std::vector<std::string> list(const std::string& k) {
        const ParamValue* p = get(k);
        if (!p) return {};
        if (auto s = std::get_if<std::string>(&p->value)) return {*s};
        if (auto l = std::get_if<std::vector<std::string>>(&p->value)) return *l;
        problem(k, "", "expected a name or a list of names");
        return {};
    }
    void unknown_keys(const std::string& allowed_doc) {
        for (const auto& [k, v] : spec.params)
            if (!used.count(k)) probs.add(spec.file, v.record + " (measure " + spec.id + ")", k, "",
                                          "unknown parameter for a " + spec.kind + " measure (takes: " + allowed_doc + ")");
    }
};


}  // namespace qingliu::scenarios
