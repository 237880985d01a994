// Pieces the dynamic benchmarks (bench_dynamic, bench_dynamic_e2e, bench_ensemble_mpi) share: their command line,
// the synthetic case they all run and the load average they report.
//
//   bench::CommandLine cl(argc, argv);
//   while (cl.next()) {
//       if (cl.is("--reaches")) reaches = cl.size();
//       else if (cl.is("--keep")) keep = true;
//       else return cl.unknown();
//   }
#pragma once
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "bench/synthetic.hpp"

namespace qingliu::bench {

/// Walks the options of argv; a missing value or an unknown option ends the program with status 2 and a message.
class CommandLine {
public:
    CommandLine(int argc, char** argv) : argc_(argc), argv_(argv) {}
    bool next() {
        if (++i_ >= argc_) return false;
        option_ = argv_[i_];
        return true;
    }
    bool is(const char* name) const { return option_ == name; }
    const char* value() {
        if (i_ + 1 >= argc_) {
            std::fprintf(stderr, "%s needs a value\n", option_.c_str());
            std::exit(2);
        }
        return argv_[++i_];
    }
    std::size_t size() { return std::strtoull(value(), nullptr, 10); }
    int integer() { return std::atoi(value()); }
    double number() { return std::atof(value()); }
    int unknown() const {
        std::fprintf(stderr, "unknown option %s\n", option_.c_str());
        return 2;
    }

private:
    int argc_;
    char** argv_;
    int i_ = 0;
    std::string option_;
};

/// The synthetic case of the dynamic benchmarks: N reaches, N/10 sources, N/100 sections (at least one).
inline SyntheticSpec dynamic_spec(std::size_t reaches, std::uint64_t seed) {
    SyntheticSpec spec;
    spec.reaches = reaches;
    spec.sources = reaches / 10;
    spec.sections = std::max<std::size_t>(reaches / 100, 1);
    spec.seed = seed;
    return spec;
}

/// The machine's load (1, 5, 15 minutes) from /proc/loadavg: figures measured with other work running are upper bounds.
inline std::string load_average() {
    std::ifstream f("/proc/loadavg");
    double a = 0, b = 0, c = 0;
    f >> a >> b >> c;
    char buf[96];
    std::snprintf(buf, sizeof buf, "%.2f %.2f %.2f on %u processors", a, b, c, std::thread::hardware_concurrency());
    return buf;
}

}  // namespace qingliu::bench
