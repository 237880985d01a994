#include "common/cpu_features.hpp"

namespace qingliu::cpu {

namespace {
struct Features {
    bool avx2_fma = false, avx512f = false;
};
const Features& features() {
    static const Features f = [] {
        Features r;
#if defined(__x86_64__) && defined(__GNUC__)
        __builtin_cpu_init();
        r.avx2_fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
        r.avx512f = r.avx2_fma && __builtin_cpu_supports("avx512f");
#endif
        return r;
    }();
    return f;
}
}  // namespace

bool avx2_fma() { return features().avx2_fma; }
bool avx512f() { return features().avx512f; }

}  // namespace qingliu::cpu
