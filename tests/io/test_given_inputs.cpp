// Water-quality items (do_mgL, bod5_mgL, codmn_mgL, tn_mgL, orgn_mgL, no3n_mgL, orgp_mgL, ip_mgL) given by the
// sources table, plants, outfalls and industry, and by headwater and lateral inflow in the reaches table: read into
// the case model, carried through the inventory onto its sources, and every bad value one problem naming file,
// record and field, all reported together.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include "helpers.hpp"
#include "io/case_reader.hpp"

using namespace qingliu;
using namespace qingliu::test;

namespace {
const fs::path kInventory = source_dir() / "tests/data/inventory";
const fs::path kMini = source_dir() / "tests/data/mini";

// Appends columns to a CSV: `cells` per data row in order (comma-separated; rows beyond them empty), header first.
void add_columns(const fs::path& csv, const std::string& header, const std::vector<std::string>& cells) {
    std::istringstream in(read_file(csv));
    const std::string empty(static_cast<std::size_t>(std::count(header.begin(), header.end(), ',')), ',');
    std::string line, out;
    std::size_t row = 0;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        out += line + "," + (row == 0 ? header : (row - 1 < cells.size() && !cells[row - 1].empty() ? cells[row - 1] : empty)) + "\n";
        ++row;
    }
    write_file(csv, out);
}

const loads::Source& source(const scenarios::CaseModel& m, const std::string& id) {
    for (const auto& s : m.sources)
        if (s.id == id) return s;
    FAIL("no source " << id);
    return m.sources.front();
}

bool has_problem(const InputError& e, const std::string& file_end, const std::string& record, const std::string& field,
                 const std::string& message_part) {
    for (const auto& p : e.problems())
        if (p.file.size() >= file_end.size() && p.file.compare(p.file.size() - file_end.size(), file_end.size(), file_end) == 0 &&
            p.record == record && p.field == field && p.message.find(message_part) != std::string::npos)
            return true;
    return false;
}
}  // namespace

TEST_CASE("given items are read from the inventory, the sources and the reaches tables and carried onto sources",
          "[io][inputs][given]") {
    const fs::path dir = copy_case(kInventory, "given");
    add_columns(dir / "plants.csv", "do_mgL,bod5_mgL,tn_mgL", {"4.5,9,12", ",,"});
    add_columns(dir / "outfalls.csv", "五日生化需氧量,硝酸盐氮", {"30,2", "40,"});
    add_columns(dir / "reaches.csv", "headwater_do_mgL,lateral_nh3n_mgL,lateral_tn_mgL", {"8.5,,", ",0.2,1.2"});
    const auto lc = io::load_case(dir.string());
    const auto& m = lc.model;
    const loads::Source& p = source(m, "WWTP1");
    CHECK(p.given[GivenItem::DO] == 4.5);
    CHECK(p.given[GivenItem::BOD5] == 9.0);
    CHECK(p.given[GivenItem::TN] == 12.0);
    CHECK_FALSE(p.given[GivenItem::CODMn].has_value());
    CHECK_FALSE(source(m, "WWTP1:uncollected").given.any());  // the service area's raw sewage is not the effluent
    CHECK_FALSE(source(m, "WWTP2").given.any());
    const loads::Source& o1 = source(m, "O1");
    CHECK(o1.given[GivenItem::BOD5] == 30.0);  // by its Chinese name
    CHECK(o1.given[GivenItem::NO3N] == 2.0);
    CHECK_FALSE(source(m, "O2").given.any());  // connected: its water leaves with the plant's effluent
    const std::int32_t r1 = m.net.topo.find("R1"), t1 = m.net.topo.find("T1");
    REQUIRE(m.headwater_given.size() == m.net.size());
    CHECK(m.headwater_given[r1][GivenItem::DO] == 8.5);
    CHECK(m.lateral_given[t1][GivenItem::TN] == 1.2);
    CHECK(m.net.lateral_conc_mgL[t1][idx(*constituent_from_key("nh3n"))] == 0.2);
    CHECK_FALSE(m.headwater_given[t1].any());

    const fs::path mini = copy_case(kMini, "given-sources");
    add_columns(mini / "sources.csv", "bod5_mgL,do_mgL", {"6,3", "", ",1"});
    const auto ml = io::load_case(mini.string());
    CHECK(source(ml.model, "P1").given[GivenItem::BOD5] == 6.0);
    CHECK(source(ml.model, "P1").given[GivenItem::DO] == 3.0);
    CHECK_FALSE(source(ml.model, "P2").given.any());
    CHECK(source(ml.model, "P3").given[GivenItem::DO] == 1.0);
}

TEST_CASE("bad given items are problems naming file, record and field, all at once", "[io][inputs][given][bad-input]") {
    const fs::path dir = copy_case(kInventory, "given-bad");
    // WWTP1 (standard GB18918-1A: COD 50): BOD5 60 > COD; WWTP2 (measured NH3-N 4): TN 3 < NH3-N
    add_columns(dir / "plants.csv", "bod5_mgL,tn_mgL", {"60,", ",3"});
    // O1: DO -1 out of range; organic and inorganic P both given
    add_columns(dir / "outfalls.csv", "do_mgL,orgp_mgL,ip_mgL", {"-1,0.5,0.4", ",,"});
    // I1 gives permitted loads and no flow: a concentration has no water to belong to
    add_columns(dir / "industry.csv", "do_mgL", {"5"});
    // farms carry loads, not water
    add_columns(dir / "farms.csv", "bod5_mgL", {"100", ""});
    // R1: headwater TN 0.1 below its NH3-N 0.3; T1: TN with both organic N and NO3-N
    add_columns(dir / "reaches.csv", "headwater_nh3n_mgL,headwater_tn_mgL,headwater_orgn_mgL,headwater_no3n_mgL",
                {"0.3,0.1,,", "0.2,1.0,0.3,0.4"});
    try {
        io::load_case(dir.string());
        FAIL("bad given items were accepted");
    } catch (const InputError& e) {
        INFO(problems_text(e));
        CHECK(has_problem(e, "plants.csv", "row 2", "bod5_mgL", "exceeds COD 50"));
        CHECK(has_problem(e, "plants.csv", "row 3", "tn_mgL", "TN 3 mg/L is less than NH3-N 4"));
        CHECK(has_problem(e, "outfalls.csv", "row 2", "do_mgL", ""));
        CHECK(has_problem(e, "outfalls.csv", "row 2", "ip_mgL", "at most one of orgp_mgL and ip_mgL"));
        CHECK(has_problem(e, "industry.csv", "row 2", "flow_m3d", "do_mgL"));
        CHECK(has_problem(e, "farms.csv", "header", "bod5_mgL", "gives a load in kg, not water"));
        CHECK(has_problem(e, "reaches.csv", "row 2", "headwater_tn_mgL", "less than NH3-N 0.3"));
        CHECK(has_problem(e, "reaches.csv", "row 3", "headwater_no3n_mgL", "at most one of headwater_orgn_mgL"));
    }
}
