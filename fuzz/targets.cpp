#include "fuzz/targets.hpp"

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "common/csv_text.hpp"
#include "common/error.hpp"
#include "io/case_reader.hpp"
#include "io/observations_reader.hpp"
#include "io/series_reader.hpp"
#include "io/table.hpp"
#include "reaches/classes.hpp"
#include "analyses/apportion.hpp"

namespace qingliu::fuzz {
namespace fs = std::filesystem;

namespace {

// A private scratch folder per process.
fs::path scratch() {
    static const fs::path p = [] {
        fs::path d = fs::temp_directory_path() / ("qingliu-fuzz-" + std::to_string(::getpid()));
        fs::create_directories(d);
        return d;
    }();
    return p;
}

void put(const fs::path& p, std::string_view bytes) {
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

const char* kCaseToml = R"([tables]
reaches = "reaches.csv"
sources = "sources.csv"
sections = "sections.csv"
[background]
headwater = { cod_mgL = 8.0, nh3n_mgL = 0.2, tp_mgL = 0.05 }
)";
const char* kReaches = "reach_id,river,downstream_id,length_km,velocity_ms,headwater_flow_m3s,split_to,split_fraction\n"
                       "A,R,C,5,0.4,3,B,0.3\nB,R,C,4,0.3,,,\nC,R,,6,0.5,,,\n";
const char* kSources = "source_id,name,type,reach_id,position_km,flow_m3s,cod_mgL,nh3n_mgL,tp_mgL\nP,p,outfall,A,1,0.1,50,5,0.5\n";
const char* kSections = "section_id,name,river,reach_id,position_km,level,target_class\nS,s,R,C,6,national,III\n";

// Loads the case in `dir` and, if it loads, evaluates it: both must end normally or with a typed error.
void load_and_run(const fs::path& dir) {
    try {
        io::LoadedCase lc = io::load_case(dir.string());
        scenarios::evaluate(lc.model);
        scenarios::apportion(lc.model);
        for (const auto& s : lc.scenarios) scenarios::evaluate(scenarios::apply_scenario(lc.model, s));
    } catch (const InputError&) {
    } catch (const ModelError&) {
    }
}

}  // namespace

int csv_text(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto rows = parse_csv_text(text);
    (void)rows;
    try {
        reaches::ClassTable::parse(text, "fuzz.csv");
    } catch (const InputError&) {
    }
    return 0;
}

int table_csv(const std::uint8_t* data, std::size_t size) {
    const fs::path p = scratch() / "table.csv";
    put(p, std::string_view(reinterpret_cast<const char*>(data), size));
    Problems probs;
    io::Table t = io::read_table({p.string(), ""}, probs);
    for (const auto& r : t.records) {
        io::RowReader rr(t, r, probs);
        for (const auto& c : t.columns) {
            rr.number(c, false);
            rr.text(c, false);
        }
    }
    return 0;
}

int case_tables(const std::uint8_t* data, std::size_t size) {
    // the input is three tables separated by a line "%%\n"; missing parts take the valid defaults
    std::string in(reinterpret_cast<const char*>(data), size);
    std::string part[3] = {kReaches, kSources, kSections};
    std::size_t at = 0;
    for (int i = 0; i < 3 && at <= in.size(); ++i) {
        const std::size_t sep = in.find("%%\n", at);
        part[i] = in.substr(at, sep == std::string::npos ? std::string::npos : sep - at);
        if (sep == std::string::npos) break;
        at = sep + 3;
    }
    const fs::path d = scratch() / "case_tables";
    fs::create_directories(d);
    put(d / "case.toml", kCaseToml);
    put(d / "reaches.csv", part[0]);
    put(d / "sources.csv", part[1]);
    put(d / "sections.csv", part[2]);
    load_and_run(d);
    return 0;
}

int case_file(const std::uint8_t* data, std::size_t size) {
    const fs::path d = scratch() / "case_file";
    fs::create_directories(d);
    put(d / "case.toml", std::string_view(reinterpret_cast<const char*>(data), size));
    put(d / "reaches.csv", kReaches);
    put(d / "sources.csv", kSources);
    put(d / "sections.csv", kSections);
    load_and_run(d);
    return 0;
}

int scenario_file(const std::uint8_t* data, std::size_t size) {
    const fs::path d = scratch() / "scenario_file";
    fs::create_directories(d);
    put(d / "case.toml", std::string(kCaseToml).replace(0, 9, "[tables]\nscenarios = \"scenarios.toml\"\n"));
    put(d / "reaches.csv", kReaches);
    put(d / "sources.csv", kSources);
    put(d / "sections.csv", kSections);
    put(d / "scenarios.toml", std::string_view(reinterpret_cast<const char*>(data), size));
    load_and_run(d);
    return 0;
}

int inventory_tables(const std::uint8_t* data, std::size_t size) {
    // plants, outfalls, farms, villages and a coefficient override, separated by lines "%%\n"; missing parts valid
    std::string in(reinterpret_cast<const char*>(data), size);
    std::string part[5] = {
        "plant_id,reach_id,position_km,capacity_m3d,load_factor,standard,service_population,collection_rate\n"
        "W,A,1,5000,0.8,GB18918-1A,20000,0.8\n",
        "outfall_id,type,status,reach_id,position_km,flow_m3d,cod_mgL,nh3n_mgL,tp_mgL,connect_to\n"
        "O,combined,connected,B,1,500,100,10,1,W\n",
        "farm_id,reach_id,species,scale,head_count,utilisation,in_prohibited_zone\nF,B,pig,scale,300,0.7,yes\n",
        "village_id,reach_id,population,coverage\nV,C,2000,0.5\n",
        "category,key,parameter,value,unit,low,high,source\nlivestock_entry,scale,entry,0.2,1,0.1,0.3,test\n"};
    std::size_t at = 0;
    for (int i = 0; i < 5 && at <= in.size(); ++i) {
        const std::size_t sep = in.find("%%\n", at);
        part[i] = in.substr(at, sep == std::string::npos ? std::string::npos : sep - at);
        if (sep == std::string::npos) break;
        at = sep + 3;
    }
    const fs::path d = scratch() / "inventory_tables";
    fs::create_directories(d);
    put(d / "case.toml", std::string(kCaseToml).replace(0, 9,
                                                        "[tables]\nplants = \"plants.csv\"\noutfalls = \"outfalls.csv\"\n"
                                                        "farms = \"farms.csv\"\nvillages = \"villages.csv\"\n"
                                                        "coefficients = \"coef.csv\"\nscenarios = \"scenarios.toml\"\n"));
    put(d / "reaches.csv", kReaches);
    put(d / "sources.csv", kSources);
    put(d / "sections.csv", kSections);
    put(d / "plants.csv", part[0]);
    put(d / "outfalls.csv", part[1]);
    put(d / "farms.csv", part[2]);
    put(d / "villages.csv", part[3]);
    put(d / "coef.csv", part[4]);
    put(d / "scenarios.toml",
        "[[measure]]\nid=\"m\"\nkind=\"manure_utilisation\"\nrate=0.9\n[[measure]]\nid=\"c\"\nkind=\"plant_collection\"\n"
        "collection_rate=0.95\n[[measure]]\nid=\"z\"\nkind=\"close_prohibited_farms\"\n[[measure]]\nid=\"r\"\n"
        "kind=\"rural_sewage\"\ncoverage=0.8\n[[scenario]]\nid=\"all\"\nmeasures=[\"m\",\"c\",\"z\",\"r\"]\n");
    load_and_run(d);
    return 0;
}

int series_tables(const std::uint8_t* data, std::size_t size) {
    // a daily flow table, then (after "%%\n") a load factor table
    std::string in(reinterpret_cast<const char*>(data), size);
    const std::size_t sep = in.find("%%\n");
    const fs::path d = scratch() / "series_tables";
    fs::create_directories(d);
    put(d / "flows.csv", in.substr(0, sep));
    put(d / "loads.csv", sep == std::string::npos ? std::string("date,source_id,factor\n") : in.substr(sep + 3));
    for (int year : {0, 2021}) {
        Problems probs;
        io::read_flow_series({(d / "flows.csv").string(), ""}, year, probs);
        io::read_load_series({(d / "loads.csv").string(), ""}, year, {"P"}, {"outfall"}, probs);
    }
    return 0;
}

int observation_tables(const std::uint8_t* data, std::size_t size) {
    // an observations table, then (after "%%\n") an uncertainty-range table, read against a valid case
    std::string in(reinterpret_cast<const char*>(data), size);
    const std::size_t sep = in.find("%%\n");
    const fs::path d = scratch() / "observation_tables";
    fs::create_directories(d);
    put(d / "case.toml", std::string(kCaseToml).replace(0, 9,
                                                        "[tables]\nobservations = \"obs.csv\"\nuncertainty = \"unc.csv\"\n"));
    put(d / "reaches.csv", kReaches);
    put(d / "sources.csv", kSources);
    put(d / "sections.csv", kSections);
    put(d / "obs.csv", in.substr(0, sep));
    put(d / "unc.csv", sep == std::string::npos ? std::string("parameter,low,high\n") : in.substr(sep + 3));
    try {
        const io::LoadedCase lc = io::load_case(d.string());
        try {
            io::read_observations(lc);
        } catch (const InputError&) {
        }
        try {
            io::read_uncertainty(lc);
        } catch (const InputError&) {
        }
    } catch (const InputError&) {
    } catch (const ModelError&) {
    }
    return 0;
}

}  // namespace qingliu::fuzz
