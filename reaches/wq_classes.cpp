#include "reaches/wq_classes.hpp"

#include <algorithm>
#include <cstdio>

namespace qingliu::reaches::wq {

namespace {
// severity within a class, comparable across items: the multiple, or DO's shortfall as a share of its limit
double severity(const ItemClass& c) {
    return c.minimum ? (c.target_limit_mgL > 0.0 ? c.exceedance / c.target_limit_mgL : 0.0) : c.exceedance;
}
}  // namespace

// labels from the variable table (common/variables.hpp); its literals end in a NUL, so data() is a C string
const char* item_label_en(const std::string& key) {
    const VariableDef* d = find_variable(key);
    return d ? d->label_en.data() : "?";
}
const char* item_label_zh(const std::string& key) {
    const VariableDef* d = find_variable(key);
    return d ? d->label_zh.data() : "?";
}

ItemsEvaluation evaluate_items(const ClassTable& table, const std::vector<Item>& items, WaterBody wb, int target) {
    ItemsEvaluation e;
    for (const Item& it : items) {
        ItemClass c;
        c.key = it.key;
        c.value_mgL = it.value_mgL;
        const ClassLimit* row = table.find(it.key, wb);
        if (row) {
            c.minimum = row->minimum;
            c.cls = table.classify(it.key, wb, it.value_mgL);
            c.target_limit_mgL = table.limit(it.key, wb, target);
            c.exceedance = c.minimum ? c.target_limit_mgL - it.value_mgL : it.value_mgL / c.target_limit_mgL - 1.0;
            c.exceeds = c.cls > target;
            e.overall = std::max(e.overall, c.cls);
        }
        e.items.push_back(c);
    }
    for (int i = 0; i < static_cast<int>(e.items.size()); ++i)
        if (e.items[i].exceeds) e.exceeding.push_back(i);
    std::stable_sort(e.exceeding.begin(), e.exceeding.end(), [&](int a, int b) {
        const ItemClass &x = e.items[a], &y = e.items[b];
        if (x.cls != y.cls) return x.cls > y.cls;
        return severity(x) > severity(y);
    });
    e.meets = e.overall <= target;
    return e;
}

std::string exceeding_text(const ItemsEvaluation& e, bool zh) {
    std::string s;
    char b[96];
    for (int i : e.exceeding) {
        const ItemClass& c = e.items[i];
        if (!s.empty()) s += zh ? "；" : "; ";
        if (c.minimum)
            std::snprintf(b, sizeof b, zh ? "%s 低于限值 %.2f mg/L" : "%s short by %.2f mg/L",
                          zh ? item_label_zh(c.key) : item_label_en(c.key), c.exceedance);
        else
            std::snprintf(b, sizeof b, zh ? "%s %.2f倍" : "%s %.2f", zh ? item_label_zh(c.key) : item_label_en(c.key),
                          c.exceedance);
        s += b;
    }
    return s;
}

}  // namespace qingliu::reaches::wq
