// solve_linear (reaches/kinetics.hpp): the exact solution of a lower-triangular linear segment, the Taylor series
// of the species of moderate rate and the psi functions for a stiff species no other draws on.
#include <algorithm>
#include <array>
#include <cmath>

#include "reaches/kinetics.hpp"
#include "reaches/term_integrals.hpp"

namespace qingliu::reaches::wq {

namespace {

// psi_k(z) = int_0^1 e^{z(1-u)} u^k du for k = 0..n-1 (solve_linear): upwards psi_k = (k psi_k-1 - 1)/z while
// k < |z| (the error shrinks by k/|z| a step), downwards psi_k-1 = (z psi_k + 1)/k from the series
// psi_m = sum_j z^j m!/(m+j+1)! at m >= 2|z| + n (the error shrinks by |z|/k a step).
void psi_values(double z, int n, double* psi) {
    const double az = std::abs(z);
    int up = 0;  // psi_0 .. psi_up-1 upwards
    if (az >= 1.0) {
        psi[0] = std::expm1(z) / z;
        up = 1;
        for (; up < n && up < az; ++up) psi[up] = (up * psi[up - 1] - 1.0) / z;
    }
    if (up >= n) return;
    const int m = std::max(n - 1, static_cast<int>(2.0 * az) + 8);
    double term = 1.0 / (m + 1), sum = term;
    for (int j = 0; j < 200 && std::abs(term) > 1e-18 * std::abs(sum); ++j) {
        term *= z / (m + j + 2);
        sum += term;
    }
    double v = sum;  // psi_m
    for (int k = m; k > up; --k) {
        if (k < n) psi[k] = v;
        v = (z * v + 1.0) / k;  // psi_k-1
    }
    psi[up] = v;
}

// The moderate species' rows of the matrix by their nonzeros, padded to the widest row with zeros (a stiff
// species' row is empty: no other species draws on it, so its terms stay 0), and the stiff species.
struct Rows {
    int col[kNumSpecies][kNumSpecies] = {};
    double val[kNumSpecies][kNumSpecies] = {};
    int width = 0;
    bool mod[kNumSpecies] = {};
    std::array<int, kNumSpecies> stiff_list{};
    int n_stiff = 0;

    Rows(const Matrix& a, const std::array<bool, kNumSpecies>& stiff) {
        for (int i = 0; i < kNumSpecies; ++i) {
            if (stiff[i]) {
                stiff_list[n_stiff++] = i;
                continue;
            }
            mod[i] = true;
            int w = 0;
            for (int j = 0; j <= i; ++j)
                if (a[i][j] != 0.0) {
                    col[i][w] = j;
                    val[i][w++] = a[i][j];
                }
            width = std::max(width, w);
        }
    }
};

}  // namespace

AffineSolution solve_linear(const LinearForm& form, const State& y0, double h) {
    if (h <= 0.0) return {y0, {}};
    const Assembled s = assemble(form);
    // stiff: |a_ii| h > kStiff, decaying, and drawn on by no other species (its value need not be a polynomial).
    // kStiff = 1: such a species (DO, reaerating) then never makes the moderate ones take substeps (they take
    // ceil(max |a_jj| h) of them), and its integral (y(h) - y(0) - int forcing) / a_ii loses at most a factor
    // 1 / |a_ii tau| <= 1 of the rounding of its terms.
    constexpr double kStiff = 1.0;
    constexpr int kMaxSubsteps = 16, kMaxTerms = 60;
    std::array<bool, kNumSpecies> drawn{}, stiff{};
    for (int i = 0; i < kNumSpecies; ++i)
        for (int j = 0; j < i; ++j)
            if (s.a[i][j] != 0.0) drawn[j] = true;
    double rate = 0.0;  // the largest moderate rate
    for (int i = 0; i < kNumSpecies; ++i) {
        const double r = std::abs(s.a[i][i]) * h;
        if (r > kStiff && s.a[i][i] < 0.0 && !drawn[i]) stiff[i] = true;
        else rate = std::max(rate, r);
    }
    const int m = std::max(1, static_cast<int>(std::ceil(rate)));  // |a_ii| tau <= 1: terms cancel by <= e^2
    if (m > kMaxSubsteps) return solve_affine(form, y0, h);
    // the moderate species' rows of the matrix, dense (a stiff species' row is zero here: no other species draws
    // on it, so its terms stay 0), and their forcing; the series term-major, b[k][i]
    const Rows rows(s.a, stiff);
    const auto& [col, val, width, mod, stiff_list, n_stiff] = rows;
    const double tau = h / m;
    State y = y0, integral{};
    double b[kMaxTerms + 1][kNumSpecies];
    double psi[kMaxTerms + 1];
    static_assert(kMaxTerms <= kMaxSeriesTerms);
    const auto& inv = kInverse;  // 1/(k+1)
    State integral_mod{};  // of the moderate species over the current substep
    for (int step = 0; step < m; ++step) {
        const double s0 = step * tau;
        // moderate species: (k+1) b_k+1 = tau (A b_k + (c0 + c1 s0) delta_k0 + c1 tau delta_k1), in u = (s - s0)/tau
        State scale{}, f0{}, f1{};
        for (int i = 0; i < kNumSpecies; ++i) {
            b[0][i] = mod[i] ? y[i] : 0.0;
            scale[i] = std::abs(y[i]);
            if (mod[i]) {
                f0[i] = s.c0[i] + s.c1[i] * s0;
                f1[i] = s.c1[i] * tau;
            }
        }
        int last = kMaxTerms;
        for (int k = 0; k < kMaxTerms; ++k) {
            const double f = tau * inv[k];
            const double* bk = b[k];
            double* bn = b[k + 1];
            for (int i = 0; i < kNumSpecies; ++i) {
                double v = k == 0 ? f0[i] : k == 1 ? f1[i] : 0.0;
                for (int e = 0; e < width; ++e) v += val[i][e] * bk[col[i][e]];   // (A b_k)_i
                bn[i] = v * f;
            }
            if (k == 0)
                for (int i = 0; i < kNumSpecies; ++i) scale[i] += std::abs(bn[i]);
            bool small = k >= 2;
            for (int i = 0; i < kNumSpecies; ++i) small &= std::abs(bn[i]) <= 1e-17 * scale[i];
            if (small) {
                last = k + 1;
                break;
            }
        }
        for (int i = 0; i < kNumSpecies; ++i) {
            if (!mod[i]) continue;
            double w = 0.0;
            for (int k = last; k >= 0; --k) w += b[k][i] * inv[k];
            integral_mod[i] = w * tau;
        }
        // stiff species: the exact integral of e^{a (tau - s)} against the polynomial forcing
        for (int t = 0; t < n_stiff; ++t) {
            const int i = stiff_list[t];
            const double z = s.a[i][i] * tau;
            psi_values(z, last + 1, psi);
            double v = 0.0;
            for (int k = last; k >= 0; --k) {
                double g = 0.0;
                for (int j = 0; j < i; ++j)
                    if (s.a[i][j] != 0.0) g += s.a[i][j] * b[k][j];
                if (k == 0) g += s.c0[i] + s.c1[i] * s0;
                else if (k == 1) g += s.c1[i] * tau;
                v += g * psi[k];
            }
            const double yi = std::exp(z) * y[i] + tau * v;
            // int y = (y(tau) - y(0) - int forcing) / a_ii over the substep
            double rhs = yi - y[i] - (s.c0[i] + s.c1[i] * s0) * tau - s.c1[i] * tau * tau / 2.0;
            for (int j = 0; j < i; ++j)
                if (s.a[i][j] != 0.0) rhs -= s.a[i][j] * integral_mod[j];
            integral[i] += rhs / s.a[i][i];
            y[i] = yi;
        }
        for (int i = 0; i < kNumSpecies; ++i) {
            if (!mod[i]) continue;
            double v = 0.0;
            for (int k = last; k >= 0; --k) v += b[k][i];
            y[i] = v;
            integral[i] += integral_mod[i];
        }
    }
    return {y, processed_over(form, integral, h)};
}

}  // namespace qingliu::reaches::wq
