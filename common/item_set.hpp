// The GB 3838-2002 items a case assesses and reports with the water-quality kinetics: a subset of kGb3838Set
// (common/variables.hpp) chosen by the case ([water_quality] items = ["do", "bod5", "nh3n", "tp"]); by default every
// item. A section's class is the worst over the chosen items; every output lists those only.
//
// The kinetics always carry their nine species (kWaterQualitySet): a subset changes what is judged and shown, never a
// number. What each item is made of or depends on (species_of), so a case knows which inputs matter:
//   do     every species: CBOD oxidation, nitrification (4.57 g O2 / g N, fed by hydrolysis of organic N),
//          denitrification (NO3-N) and COD and CODMn where they consume oxygen all act on it;
//   codmn  CODMn;  cod  COD;  bod5  CBODu (BOD5 = CBODu (1 - exp(-5 k1)), k1 the bottle rate);
//   nh3n   organic N (its hydrolysis feeds NH3-N) and NH3-N;  tn  organic N, NH3-N and NO3-N (their sum);
//   tp     organic and inorganic P (their sum).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/variables.hpp"

namespace qingliu {

class ItemSet {
public:
    /// Every GB 3838 item of kGb3838Set.
    static constexpr ItemSet all() {
        ItemSet s;
        for (Var v : kGb3838Set) s.bits_ |= bit(v);
        return s;
    }
    static constexpr ItemSet none() { return ItemSet(); }

    constexpr bool has(Var v) const { return (bits_ & bit(v)) != 0; }
    bool has(std::string_view key) const {
        const VariableDef* d = find_variable(key);
        return d && has(d->id);
    }
    constexpr void add(Var v) { bits_ |= bit(v); }
    constexpr bool empty() const { return bits_ == 0; }
    constexpr bool operator==(const ItemSet&) const = default;

    /// The chosen items in the order of GB 3838 table 1 (kGb3838Set).
    std::vector<Var> items() const {
        std::vector<Var> v;
        for (Var x : kGb3838Set)
            if (has(x)) v.push_back(x);
        return v;
    }
    std::vector<std::string> keys() const {
        std::vector<std::string> v;
        for (Var x : items()) v.emplace_back(variable_def(x).key);
        return v;
    }
    /// "do, bod5, nh3n, tp"
    std::string text() const {
        std::string s;
        for (const auto& k : keys()) s += (s.empty() ? "" : ", ") + k;
        return s;
    }

    /// The items named in a console line, the same words in every command: "全部 GB 3838 指标" / "every GB 3838
    /// item" by default, else "评价项目 do, bod5" / "the items assessed (do, bod5)".
    std::string label_zh() const { return *this == all() ? "全部 GB 3838 指标" : "评价项目 " + text(); }
    std::string label_en() const { return *this == all() ? "every GB 3838 item" : "the items assessed (" + text() + ")"; }

    /// The species of the kinetics (kWaterQualitySet) an item is made of or depends on (see the file comment).
    static constexpr ItemSet species_of(Var item) {
        ItemSet s;
        switch (item) {
            case Var::DO:
                for (Var v : kWaterQualitySet) s.add(v);
                break;
            case Var::BOD5: s.add(Var::CBODu); break;
            case Var::NH3N:
                s.add(Var::OrgN);
                s.add(Var::NH3N);
                break;
            case Var::TN:
                s.add(Var::OrgN);
                s.add(Var::NH3N);
                s.add(Var::NO3N);
                break;
            case Var::TP:
                s.add(Var::OrgP);
                s.add(Var::IP);
                break;
            default: s.add(item); break;  // COD, CODMn: themselves
        }
        return s;
    }
    /// The union of species_of over the chosen items.
    constexpr ItemSet species() const {
        ItemSet s;
        for (Var x : kGb3838Set)
            if (has(x)) s.bits_ |= species_of(x).bits_;
        return s;
    }

private:
    static constexpr std::uint32_t bit(Var v) { return 1u << static_cast<int>(v); }
    std::uint32_t bits_ = 0;
};

}  // namespace qingliu
