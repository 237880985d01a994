// Time patterns of loads for the dynamic model.
//
// Point sources (plants, outfalls, industry) keep their constant load unless a load series gives a factor per day
// for the source (by source id) or its type. Diffuse sources (cropland, livestock, rural domestic, and any source
// marked diffuse) are washed off by runoff: on day d the load is L_year/days * w_d with
//     w_d = q_d^b / mean(q^b)        (mean over the period, so that sum_d w_d = days exactly),
// q_d the runoff of the source's reach (or of the network) and b the wash-off exponent (1: proportional to runoff;
// export of diffuse pollutants grows with runoff, e.g. the event-mean-concentration view, Novotny 2003,
// Water Quality: Diffuse Pollution and Watershed Management). The annual total is conserved by construction.
// A diffuse source with its own series uses that series instead.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "common/topology.hpp"
#include "loads/source.hpp"

namespace qingliu::loads {

/// Diffuse by flag or by type (livestock, cropland, rural_domestic).
bool is_diffuse(const Source& s);

/// w_d = q_d^b / mean(q^b). All-zero or empty runoff gives all ones. Throws std::invalid_argument for a negative
/// or non-finite runoff value.
std::vector<double> runoff_weights(const std::vector<double>& runoff, double exponent = 1.0);

/// A daily factor series for a source id or a source type.
struct LoadFactorSeries {
    std::string key;        ///< source id or type
    bool by_type = false;   ///< key is a type
    std::vector<double> factor;  ///< per day
};

struct LoadPatterns {
    std::vector<std::vector<double>> patterns;  ///< per pattern, per day
    std::vector<std::int32_t> source_pattern;   ///< per source: pattern or kNone (constant)
};

/// runoff_of_reach(r) gives the runoff series washing off diffuse loads on reach r; reaches sharing one series
/// should return the same pointer (one pattern is made per distinct series).
/// Series given by id take precedence over series by type.
LoadPatterns make_load_patterns(const std::vector<Source>& sources, const std::vector<LoadFactorSeries>& series,
                                const std::vector<const std::vector<double>*>& runoff_of_reach, double exponent);

}  // namespace qingliu::loads
