#include "loads/source.hpp"

namespace qingliu::loads {

const std::vector<SourceType>& source_types() {
    static const std::vector<SourceType> t = {
        {"sewage_plant", "污水处理厂", "Sewage treatment plant"},
        {"outfall", "入河排污口", "Outfall"},
        {"industry", "工业企业", "Industry"},
        {"livestock", "畜禽养殖", "Livestock and poultry"},
        {"cropland", "种植业", "Cropland"},
        {"rural_domestic", "农村生活", "Rural domestic"},
        {"urban_uncollected", "城镇未收集生活污水", "Urban uncollected sewage"},
        {"aquaculture", "水产养殖", "Aquaculture"},
        {"background", "自然本底（源头及区间入流的天然浓度）", "Natural background (headwater at natural concentration, lateral inflow)"},
        {"boundary_inflow", "跨界来水（入境水超出自然本底部分）", "Boundary inflow (water from upstream of the case, above natural background)"},
    };
    return t;
}

const SourceType* find_source_type(const std::string& key) {
    for (const auto& t : source_types())
        if (key == t.key) return &t;
    return nullptr;
}

}  // namespace qingliu::loads
