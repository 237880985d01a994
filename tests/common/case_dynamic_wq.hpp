// A shipped case's dynamic year with its water quality, as `qingliu dynamic` computes it for the baseline: the tests
// of the dynamic water-quality model and of its NetCDF series start from it.
#pragma once
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "../io/helpers.hpp"
#include "analyses/dynamic_water_quality.hpp"
#include "io/case_reader.hpp"
#include "io/dynamic_inputs.hpp"

namespace qingliu::test {

struct CaseDynamicWq {
    io::LoadedCase lc;
    scenarios::DynamicInputs in;
    scenarios::Simulation sim;
    scenarios::DynamicWaterQuality dq;
};

/// data/cases/<name>: the year simulated without the steady comparison or reach ends, then its water quality with
/// 3 cells per reach; held behind a pointer so that nothing refers into a moved object.
inline std::unique_ptr<CaseDynamicWq> case_dynamic_wq(const std::string& name) {
    auto r = std::make_unique<CaseDynamicWq>();
    r->lc = io::load_case((source_dir() / "data/cases" / name).string());
    REQUIRE(r->lc.water_quality.present);
    r->in = io::read_dynamic_inputs(r->lc);
    scenarios::SimulateOptions so;
    so.compare_steady = false;
    so.solver.record_reach_ends = false;
    r->sim = scenarios::simulate(r->lc.model, {}, r->in, so);
    r->dq = scenarios::simulate_water_quality(r->sim, r->in, r->lc.water_quality.options, 3);
    REQUIRE(r->dq.scenarios.size() == 1);
    return r;
}

}  // namespace qingliu::test
