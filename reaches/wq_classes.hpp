// GB 3838-2002 single-factor evaluation (单因子评价) over every item the water-quality kinetics model: each item
// classified by the class table, the section's class is the worst item's; every item worse than the target is an
// exceeding parameter (超标因子) with its exceedance multiple value / limit - 1 (超标倍数), except DO, a minimum,
// whose shortfall limit - value (mg/L) is given instead. Items without limits for the water body (TN in rivers)
// are reported but not classified.
#pragma once
#include <string>
#include <vector>

#include "reaches/classes.hpp"
#include "reaches/steady_wq.hpp"

namespace qingliu::reaches::wq {

struct ItemClass {
    std::string key;          ///< class-table key: "do", "codmn", "cod", "bod5", "nh3n", "tp", "tn"
    double value_mgL = 0.0;
    int cls = 0;              ///< 1..6; 0: not assessed for this water body
    bool minimum = false;     ///< DO: the limit is a lower bound
    double target_limit_mgL = 0.0;
    double exceedance = 0.0;  ///< maximum items: value / limit - 1; DO: shortfall limit - value (mg/L)
    bool exceeds = false;     ///< worse than the target class
};

struct ItemsEvaluation {
    std::vector<ItemClass> items;   ///< in the order given
    int overall = 0;                ///< worst class over the assessed items
    std::vector<int> exceeding;     ///< indices into items, worst first (class, then multiple; DO by shortfall/limit)
    bool meets = false;
};

ItemsEvaluation evaluate_items(const ClassTable& table, const std::vector<Item>& items, WaterBody wb, int target);

/// English and Chinese labels of the items: "DO" / 溶解氧 ...
const char* item_label_en(const std::string& key);
const char* item_label_zh(const std::string& key);

/// "TP 0.25; NH3-N 0.20; DO short by 0.80 mg/L" (English) or "总磷 0.25倍；氨氮 0.20倍；溶解氧 低于限值 0.80 mg/L"
std::string exceeding_text(const ItemsEvaluation& e, bool chinese);

}  // namespace qingliu::reaches::wq
