// The exact solve of a reach's linear cells over a piece (reaches/dynamic_wq.hpp, "no rate depends on DO"): the
// system z' = M z + c, the relaxed steady state, the uniformized transient and the stiff-DO split. Internal to the
// reaches module.
#pragma once
#include <array>
#include <vector>

#include "reaches/kinetics.hpp"

namespace qingliu::reaches::wq::linear_cells {

// The linear cell system z' = M z + c of a reach over a piece (no rate depends on DO): per cell the diagonal, the
// coupling to the cell upstream (same species), the kinetic off-diagonal entries (pattern shared by all cells) and c.
struct LinearReach {
    int n = 0;
    std::vector<std::array<int, 2>> pattern;  ///< (species, from species), from < species, sorted by species
    std::vector<double> diag, up, off, c;     ///< n*kNumSpecies, n, n*pattern, n*kNumSpecies

    // y with M y = v (forward substitution: cells in order, species in order)
    void solve(const double* v, double* y) const {
        const std::size_t np = pattern.size();
        for (int j = 0; j < n; ++j) {
            const double* oc = off.data() + j * np;
            std::size_t e = 0;
            for (int i = 0; i < kNumSpecies; ++i) {
                double s = v[j * kNumSpecies + i] - (j > 0 ? up[j] * y[(j - 1) * kNumSpecies + i] : 0.0);
                for (; e < np && pattern[e][0] == i; ++e) s -= oc[e] * y[j * kNumSpecies + pattern[e][1]];
                y[j * kNumSpecies + i] = s / diag[j * kNumSpecies + i];
            }
        }
    }
};

enum class LinearPath { Relaxed, Exact, ExactStiffDo };

/// z (n cells x 9 species, in place) to z(h), and y_int (zeroed by the caller) += int_0^h z dt; do_last: nothing draws
/// on DO (the stiff-DO split may be used); generic: the portable loops even where the processor has AVX-512.
LinearPath solve_linear_cells(const LinearReach& L, double* z, double* y_int, double h, double relaxed_tol, bool do_last,
                              bool generic = false);

}  // namespace qingliu::reaches::wq::linear_cells
