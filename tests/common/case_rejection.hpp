// The error a bad case is rejected with, for the tests of input checking.
#pragma once
#include <filesystem>
#include <stdexcept>

#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "io/case_reader.hpp"

namespace qingliu::test {

/// The InputError io::load_case throws for the case at `dir`; the test fails where the case loads, saying `why` it
/// should not.
inline InputError rejection(const std::filesystem::path& dir, const char* why = "the case was accepted") {
    try {
        io::load_case(dir.string());
    } catch (const InputError& e) {
        return e;
    }
    FAIL(why << ": " << dir.string());
    throw std::logic_error("unreachable");  // FAIL throws
}

}  // namespace qingliu::test
