// Fuzz entry points for the readers, shared by the libFuzzer binaries and the regression test that replays saved
// inputs. Each must return normally for every input: bad input becomes InputError/ModelError, never a crash.
#pragma once
#include <cstddef>
#include <cstdint>

namespace qingliu::fuzz {

int csv_text(const std::uint8_t* data, std::size_t size);   ///< in-memory CSV parser and class-limit table
int table_csv(const std::uint8_t* data, std::size_t size);  ///< a CSV file through GDAL/OGR and RowReader
int case_tables(const std::uint8_t* data, std::size_t size);  ///< reaches/sources/sections tables of a case, then a run
int case_file(const std::uint8_t* data, std::size_t size);  ///< case.toml with valid tables
int scenario_file(const std::uint8_t* data, std::size_t size);  ///< scenarios.toml against a valid case
int inventory_tables(const std::uint8_t* data, std::size_t size);
int series_tables(const std::uint8_t* data, std::size_t size);  ///< daily flow and load-factor tables (dynamic model)
int observation_tables(const std::uint8_t* data, std::size_t size);  ///< observations and uncertainty-range tables  ///< inventory tables and coefficient overrides, then measures

}  // namespace qingliu::fuzz
