// What the processor runs, for the kernels chosen at run time (the portable build is always there). Read once per
// process, after __builtin_cpu_init: a static initializer of another file may run before the compiler's run-time
// library has read the processor's features, and would then see none.
#pragma once

namespace qingliu::cpu {

/// AVX2 with fused multiply-add (the 256-bit kernels).
bool avx2_fma();
/// AVX-512F besides AVX2 and FMA (the 512-bit kernels).
bool avx512f();

}  // namespace qingliu::cpu
