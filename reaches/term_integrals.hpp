// 1/(k+1), the integral of u^k over [0, 1], for the Taylor series of the kinetics (reaches/kinetics_linear.cpp and
// reaches/kinetics_series_terms.hpp): a term's integral and the factor of the next term. Internal to the reaches
// module.
#pragma once
#include <array>

namespace qingliu::reaches::wq {

/// The most terms any of the kinetics' series takes.
inline constexpr int kMaxSeriesTerms = 96;

/// kInverse[k] = 1/(k+1), k = 0..kMaxSeriesTerms (each correctly rounded).
inline constexpr std::array<double, kMaxSeriesTerms + 1> kInverse = [] {
    std::array<double, kMaxSeriesTerms + 1> v{};
    for (int k = 0; k <= kMaxSeriesTerms; ++k) v[k] = 1.0 / (k + 1);
    return v;
}();

}  // namespace qingliu::reaches::wq
