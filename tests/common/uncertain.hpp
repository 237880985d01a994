// An uncertain parameter of the Monte Carlo tests, built in code: its key, range and distribution.
#pragma once
#include <string>

#include "optimize/montecarlo.hpp"
#include "scenarios/uncertainty.hpp"

namespace qingliu::test {

/// `key` drawn on [lo, hi] (uniform, or triangular with the case's value as mode).
inline scenarios::UncertainParameter uncertain(const std::string& key, double lo, double hi,
                                               scenarios::Distribution d = scenarios::Distribution::Uniform) {
    scenarios::UncertainParameter p;
    p.key = key;
    p.low = lo;
    p.high = hi;
    p.dist = d;
    return p;
}

/// Monte Carlo options of `n` draws from `seed`, the rest at their defaults.
inline scenarios::MonteCarloOptions draws(std::size_t n, std::uint64_t seed) {
    scenarios::MonteCarloOptions o;
    o.draws = n;
    o.seed = seed;
    return o;
}

}  // namespace qingliu::test
