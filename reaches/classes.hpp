// Surface-water classes by GB 3838-2002 (single-factor evaluation). Limits are data (data/standards/gb3838_2002.csv,
// compiled in; a case may supply its own table). Class 1..5 = I..V; 6 = worse than V (劣V).
//   A value's class is the best class whose limit it meets (shared limits: the better class).
//   A section's class is the worst of its parameters' classes.
//   Exceedance multiple (超标倍数) = value / limit of the target class - 1 (negative: under the limit).
#pragma once
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/constituent.hpp"

namespace qingliu::reaches {

enum class WaterBody { River, Lake };
inline constexpr int kWorseThanV = 6;

std::string class_roman(int cls);     ///< "I".."V", "劣V"
std::string class_label_zh(int cls);  ///< "Ⅰ类".."Ⅴ类", "劣Ⅴ类"
std::string class_label_en(int cls);  ///< "Class I".."Class V", "Worse than V"
/// Accepts I..V, Ⅰ..Ⅴ, 1..5, with an optional 类 / "class" (case-insensitive). Returns 1..5.
std::optional<int> parse_class(std::string_view s);
std::optional<WaterBody> parse_water_body(std::string_view s);

struct ClassLimit {
    std::string parameter;        ///< "cod", "nh3n", "tp", "do", ...
    std::optional<WaterBody> water_body;  ///< empty: any water body
    bool minimum = false;         ///< true: the value must be at least the limit (DO)
    std::array<double, 5> limit{};
    std::string unit, source;
};

class ClassTable {
public:
    /// GB 3838-2002 Table 1 as shipped in data/standards/gb3838_2002.csv.
    static const ClassTable& gb3838();
    /// Parses a table with columns parameter,water_body,direction,I,II,III,IV,V[,unit,source]; throws InputError.
    static ClassTable parse(std::string_view csv_text, const std::string& origin);
    /// A table of the given rows (as stored with a run).
    static ClassTable from_rows(std::vector<ClassLimit> rows);

    const ClassLimit* find(std::string_view parameter, WaterBody wb) const;
    /// Class 1..6 of a value; throws ModelError if the parameter has no row for the water body.
    int classify(std::string_view parameter, WaterBody wb, double value) const;
    double limit(std::string_view parameter, WaterBody wb, int cls) const;
    const std::vector<ClassLimit>& rows() const { return rows_; }

private:
    std::vector<ClassLimit> rows_;
};

struct SectionClass {
    std::array<int, kNumConstituents> cls{};            ///< per constituent
    std::array<double, kNumConstituents> exceedance{};  ///< value / target limit - 1
    int overall = 0;                                    ///< worst of the constituents
    int worst = 0;                                      ///< index of the constituent that sets the class
    double exceedance_max = 0.0;                        ///< largest exceedance multiple
    bool meets = false;                                 ///< overall <= target
};

SectionClass evaluate_section(const ClassTable& table, const PerConstituent& conc_mgL, WaterBody wb, int target);

}  // namespace qingliu::reaches
