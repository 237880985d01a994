#include "io/scenario_reader.hpp"

#include <filesystem>
#include <set>

#include <toml++/toml.h>

namespace qingliu::io {

namespace {
std::string line_of(const toml::node& n) { return "line " + std::to_string(n.source().begin.line); }
}  // namespace

ScenarioRecords read_scenario_records(const std::string& file, Problems& probs) {
    if (!std::filesystem::exists(file)) {
        probs.add(file, "", "", "", "scenario file not found");
        return {};
    }
    toml::table root;
    try {
        root = toml::parse_file(file);
    } catch (const toml::parse_error& e) {
        probs.add(file, "line " + std::to_string(e.source().begin.line) + ", column " + std::to_string(e.source().begin.column), "",
                  "", std::string(e.description()));
        return {};
    }
    for (const auto& [k, v] : root)
        if (k.str() != "measure" && k.str() != "scenario")
            probs.add(file, line_of(v), std::string(k.str()), "", "unknown key (expected [[measure]] and [[scenario]] tables)");
    std::vector<scenarios::MeasureSpec> measures;
    std::vector<scenarios::ScenarioSpec> scen;
    auto text = [&](const toml::table& t, const char* k, const std::string& rec, bool required) {
        const toml::node* n = t.get(k);
        if (!n) {
            if (required) probs.add(file, rec, k, "", "required");
            return std::string();
        }
        if (auto s = n->value<std::string>()) return *s;
        probs.add(file, line_of(*n), k, "", "expected text");
        return std::string();
    };
    auto number = [&](const toml::table& t, const char* k) {
        const toml::node* n = t.get(k);
        if (!n) return 0.0;
        if (auto d = n->value<double>(); d && *d >= 0.0) return *d;
        probs.add(file, line_of(*n), k, "", "expected a number >= 0");
        return 0.0;
    };
    if (auto arr = root["measure"].as_array()) {
        for (const auto& node : *arr) {
            const toml::table* t = node.as_table();
            if (!t) continue;
            scenarios::MeasureSpec s;
            s.file = file;
            s.record = line_of(node);
            s.id = text(*t, "id", s.record, true);
            s.kind = text(*t, "kind", s.record, true);
            s.name = text(*t, "name", s.record, false);
            s.name_en = text(*t, "name_en", s.record, false);
            s.deadline = text(*t, "deadline", s.record, false);
            s.invest_wan = number(*t, "invest_wan");
            s.annual_wan = number(*t, "annual_wan");
            static const std::set<std::string> reserved = {"id", "kind", "name", "name_en", "deadline", "invest_wan", "annual_wan"};
            for (const auto& [k, v] : *t) {
                const std::string key(k.str());
                if (reserved.count(key)) continue;
                scenarios::ParamValue pv;
                pv.record = line_of(v);
                if (auto d = v.value<double>()) pv.value = *d;
                else if (auto str = v.value<std::string>()) pv.value = *str;
                else if (auto a = v.as_array()) {
                    std::vector<std::string> list;
                    for (const auto& e : *a) {
                        if (auto es = e.value<std::string>()) list.push_back(*es);
                        else probs.add(file, line_of(e), key, "", "list items must be text (ids or names)");
                    }
                    pv.value = list;
                } else {
                    probs.add(file, pv.record, key, "", "expected a number, text or a list of text");
                    continue;
                }
                s.params.emplace(key, std::move(pv));
            }
            measures.push_back(std::move(s));
        }
    }
    if (auto arr = root["scenario"].as_array()) {
        for (const auto& node : *arr) {
            const toml::table* t = node.as_table();
            if (!t) continue;
            scenarios::ScenarioSpec s;
            s.file = file;
            s.record = line_of(node);
            s.id = text(*t, "id", s.record, true);
            s.name = text(*t, "name", s.record, false);
            s.name_en = text(*t, "name_en", s.record, false);
            s.description = text(*t, "description", s.record, false);
            if (const toml::node* ms = t->get("measures")) {
                if (auto a = ms->as_array()) {
                    for (const auto& e : *a)
                        if (auto es = e.value<std::string>()) s.measures.push_back(*es);
                        else probs.add(file, line_of(e), "measures", "", "expected measure ids");
                } else {
                    probs.add(file, line_of(*ms), "measures", "", "expected a list of measure ids");
                }
            }
            for (const auto& [k, v] : *t) {
                const std::string key(k.str());
                if (key != "id" && key != "name" && key != "name_en" && key != "description" && key != "measures")
                    probs.add(file, line_of(v), key, "", "unknown scenario key");
            }
            scen.push_back(std::move(s));
        }
    }
    return {std::move(measures), std::move(scen)};
}

std::vector<scenarios::Scenario> read_scenarios(const std::string& file, const scenarios::CaseModel& m, Problems& probs) {
    Problems read;
    ScenarioRecords r = read_scenario_records(file, read);
    probs.append(read);
    if (!read.empty() && r.measures.empty() && r.scenarios.empty()) return {};
    return scenarios::compile_scenarios(m, r.measures, r.scenarios, probs);
}

}  // namespace qingliu::io
