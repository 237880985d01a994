// Observed section concentrations as plain data: read by io/observations_reader.hpp, fitted by
// optimize/calibrate.hpp; here so that a reader needs none of the solver libraries.
#pragma once
#include <array>
#include <cstdint>
#include <string>

#include "scenarios/case.hpp"

namespace qingliu::scenarios {

/// One observation at a section (a date optional): any subset of the constituents.
struct ObservedValue {
    std::int32_t section = kNone;  ///< index in CaseModel::sections
    std::string date;
    PerConstituent conc_mgL{};
    std::array<bool, kNumConstituents> has{};
    std::string file, record;
};

}  // namespace qingliu::scenarios
