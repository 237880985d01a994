// The processor's features as the run-time kernel choice reads them (common/cpu_features.hpp), against the flags
// the kernel reports in /proc/cpuinfo: an independent reading of the same processor.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "common/cpu_features.hpp"

namespace {
// The flags of the first processor in /proc/cpuinfo; empty where there is none (not Linux on x86).
std::set<std::string> cpuinfo_flags() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("flags", 0) == 0) {
            std::set<std::string> f;
            std::istringstream words(line.substr(line.find(':') + 1));
            for (std::string w; words >> w;) f.insert(w);
            return f;
        }
    return {};
}
}  // namespace

TEST_CASE("the kernels' processor features agree with the flags of /proc/cpuinfo", "[cpu]") {
    const auto flags = cpuinfo_flags();
#if defined(__x86_64__) && defined(__GNUC__)
    REQUIRE(!flags.empty());  // Linux on x86: the kernel lists the flags
    const bool avx2_fma = flags.count("avx2") && flags.count("fma");
    CHECK(qingliu::cpu::avx2_fma() == avx2_fma);
    CHECK(qingliu::cpu::avx512f() == (avx2_fma && flags.count("avx512f") > 0));
#else
    CHECK_FALSE(qingliu::cpu::avx2_fma());  // the portable kernels only
    CHECK_FALSE(qingliu::cpu::avx512f());
#endif
}
