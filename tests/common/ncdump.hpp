// Reading NetCDF files back through the `ncdump` program in tests (the second, independent reader beside the library).
#pragma once
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

namespace qingliu::test {

/// What a shell command writes on stdout; the command must start and exit 0.
inline std::string checked_output(const std::string& cmd) {
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[65536];
    for (std::size_t got; (got = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, got);
    REQUIRE(::pclose(p) == 0);
    return out;
}

/// The numbers of one variable in `ncdump -v VAR` output ("VAR = 1, 2, ... ;" in the data section); fill values
/// ("_") and NaN read as NaN.
inline std::vector<double> ncdump_values(const std::string& dump, const std::string& var) {
    const std::size_t data = dump.find("\ndata:");
    REQUIRE(data != std::string::npos);
    const std::size_t at = dump.find("\n " + var + " =", data);
    REQUIRE(at != std::string::npos);
    const std::size_t end = dump.find(';', at);
    std::string body = dump.substr(at + var.size() + 4, end - at - var.size() - 4);
    for (char& c : body)
        if (c == ',') c = ' ';
    std::istringstream in(body);
    std::vector<double> v;
    for (std::string tok; in >> tok;) v.push_back(tok == "_" || tok == "NaN" || tok == "NaNf" ? std::nan("") : std::stod(tok));
    return v;
}

}  // namespace qingliu::test
