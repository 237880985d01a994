#include "reaches/sections.hpp"

#include "common/csv_text.hpp"

namespace qingliu::reaches {

namespace {
struct Level { const char* key; const char* zh; const char* alt1; const char* alt2; };
constexpr Level kLevels[] = {
    {"national", "国控", "国家", "国考"},
    {"provincial", "省控", "省级", "省考"},
    {"municipal", "市控", "市级", "市考"},
    {"county", "县控", "县级", "县考"},
};
}  // namespace

std::string normalise_level(const std::string& in) {
    const std::string s = trim(in);
    for (const auto& l : kLevels)
        if (s == l.key || s == l.zh || s == l.alt1 || s == l.alt2) return l.key;
    return {};
}

std::string level_label_zh(const std::string& level) {
    for (const auto& l : kLevels)
        if (level == l.key) return l.zh;
    return level;
}

}  // namespace qingliu::reaches
