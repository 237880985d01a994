// The exact solve of a reach's linear cells over a piece (reaches/dynamic_wq.hpp, "no rate depends on DO"): the
// system z' = M z + c, the relaxed steady state, the uniformized transient and the stiff-DO split. Internal to the
// reaches module.
#pragma once
#include <algorithm>
#include <array>
#include <vector>

#include "reaches/kinetics.hpp"

namespace qingliu::reaches::wq::linear_cells {

// The linear cell system z' = M z + c of a reach over a piece (no rate depends on DO): per cell the diagonal, the
// coupling to the cell upstream (same species), the kinetic off-diagonal entries (pattern shared by all cells) and c;
// where the cells exchange water with their neighbours (QUAL2K's dispersion) also the coupling to the cell downstream.
struct LinearReach {
    int n = 0;
    std::vector<std::array<int, 2>> pattern;  ///< (species, from species), from < species, sorted by species
    std::vector<double> diag, up, off, c;     ///< n*kNumSpecies, n, n*pattern, n*kNumSpecies
    std::vector<double> down;                 ///< n (the last 0), or empty: no exchange (M lower triangular)

    bool exchanges() const { return !down.empty(); }

    // The pattern entries of species i: row[i] .. row[i + 1] (the pattern is sorted by species)
    void pattern_rows(int (&row)[kNumSpecies + 1]) const {
        std::fill(row, row + kNumSpecies + 1, 0);
        for (std::size_t e = 0; e < pattern.size(); ++e) row[pattern[e][0] + 1] = static_cast<int>(e) + 1;
        for (int i = 0; i < kNumSpecies; ++i) row[i + 1] = std::max(row[i + 1], row[i]);
    }

    // y with M y = v: forward substitution (cells in order, species in order), or with exchange species by species
    // (solve_exchanging)
    // (inv_diag: 1 / diag entrywise, or null; the substitution then multiplies, off the chain of divisions)
    void solve(const double* v, double* y, const double* inv_diag = nullptr) const {
        if (exchanges()) {
            solve_exchanging(v, y);
            return;
        }
        if (inv_diag) substitute<true>(v, y, inv_diag);
        else substitute<false>(v, y, diag.data());
    }
    // (the cell above's terms for the whole cell first, then the species in order: only the kinetic entries within the
    // cell are on the chain from one species to the next)
    template <bool Inverse>
    void substitute(const double* v, double* y, const double* d) const {
        constexpr int S = kNumSpecies;
        const std::size_t np = pattern.size();
        int row[S + 1];
        pattern_rows(row);
        for (int j = 0; j < n; ++j) {
            const double* oc = off.data() + j * np;
            const double* vj = v + j * S;
            const double* dj = d + j * S;
            double* yj = y + j * S;
            double t[S];
            if (j == 0) {
                for (int i = 0; i < S; ++i) t[i] = vj[i];
            } else {
                const double u = up[j];
                for (int i = 0; i < S; ++i) t[i] = vj[i] - u * yj[i - S];
            }
            for (int i = 0; i < S; ++i) {
                double s = t[i];
                for (int e = row[i]; e < row[i + 1]; ++e) s -= oc[e] * yj[pattern[e][1]];
                yj[i] = Inverse ? s * dj[i] : s / dj[i];
            }
        }
    }
    // M block tridiagonal (cells), lower triangular in the species: species by species, each one's chain of cells by
    // its LU (block_factor, block_solve).
    void solve_exchanging(const double* v, double* y) const;
};

enum class LinearPath { Relaxed, Exact, ExactStiffDo, ExactCram };

/// DO at h where the cells exchange water and DO is split off (reaches/dynamic_wq_exchange.cpp): z holds the other
/// species at h (their transient uniformized at lam, whose terms gave g_k = G P^k d, n per term), zss the steady state,
/// z_start the state at 0; into z's DO.
void stiff_do_exchange(const LinearReach& L, const double* zss, const double* z_start, const std::vector<double>& g, double lam,
                       double h, double* z, double tol);

/// Where the cells exchange water: the factors of M (per species its chain of cells' LU), and y with M y = v from
/// them (reaches/dynamic_wq_exchange.cpp).
void block_factor(const LinearReach& L, std::vector<double>& f);
void block_solve(const LinearReach& L, const std::vector<double>& f, const double* v, double* y);

/// u := e^{M h} u where the cells exchange water, by CRAM of order 16 (reaches/dynamic_wq_exchange.cpp): eight
/// complex shifted solves of block_solve's kind, all eight poles at once, whose factors are kept from this thread's call just before where
/// same_system (the same M and h). M's spectrum lies on the negative real axis there (each species' tridiagonal chain
/// has positive products of its off-diagonal pairs; the species are coupled lower-triangularly), where the
/// approximation holds to 2.2e-14 of |u|.
void cram_exp(const LinearReach& L, double h, double* u, bool same_system);

/// z (n cells x 9 species, in place) to z(h), and y_int (zeroed by the caller) += int_0^h z dt; do_last: nothing draws
/// on DO (the stiff-DO split may be used); generic: the portable loops even where the processor has AVX-512.
/// same_system: L is the same object as in this thread's call just before, with the same M (only c changed), so what
/// depends on M and h alone is taken from that call (checked: otherwise formed anew).
LinearPath solve_linear_cells(const LinearReach& L, double* z, double* y_int, double h, double relaxed_tol, bool do_last,
                              bool generic = false, bool same_system = false);

}  // namespace qingliu::reaches::wq::linear_cells
