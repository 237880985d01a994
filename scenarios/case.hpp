// A case: the network, its sources and sections, kinetics and conditions, as plain structs (built by io/ from a
// case folder, or in code). evaluate() runs the steady model and classifies every section.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "common/given_species.hpp"
#include "loads/inventory.hpp"
#include "loads/source.hpp"
#include "reaches/classes.hpp"
#include "reaches/network.hpp"
#include "reaches/sections.hpp"
#include "reaches/steady.hpp"

namespace qingliu::scenarios {

struct CaseModel {
    std::string name, name_en, description;
    reaches::Network net;
    reaches::Kinetics kinetics;
    double temperature_c = 20.0;
    std::vector<loads::Source> sources;        ///< what the model routes: table_sources + resolve(inventory)
    std::vector<loads::Source> table_sources;  ///< sources given directly (the sources table)
    loads::Inventory inventory;                ///< inventory records (plants, farms, cropland ...), may be empty
    std::vector<loads::Source> resolved;       ///< resolve(inventory) as last computed (before source measures)
    std::vector<reaches::Section> sections;
    reaches::ClassTable classes = reaches::ClassTable::gb3838();
    /// Natural background of headwater inflow (the case's [background] headwater). A headwater given above it carries
    /// water from upstream of the case (跨界来水): the excess is the boundary inflow, apportioned on its own.
    /// Empty: every headwater counts as natural background.
    std::optional<PerConstituent> natural_headwater_mgL;
    /// Reach lines in the reach table's CRS, upstream to downstream, aligned with net; empty without geometry.
    std::vector<std::vector<std::pair<double, double>>> reach_lines;
    std::string crs_wkt;      ///< CRS of reach_lines ("" when none)
    bool geographic = false;  ///< reach_lines are longitude/latitude in degrees
    /// English names of reaches and their rivers for reports (the reach table's name_en, river_en), aligned with net;
    /// empty, or "" where not given.
    std::vector<std::string> reach_name_en{}, river_en{};
    /// The items the headwater and the lateral inflow of each reach give beside COD, NH3-N and TP (the reaches
    /// table's headwater_<item>_mgL, lateral_<item>_mgL: DO, BOD5, TN ...), aligned with net; empty: none given.
    std::vector<GivenSpecies> headwater_given{}, lateral_given{};
    /// QUAL2K's downstream boundary: the water below an outlet reach's end that its last element exchanges with where
    /// it disperses (the reaches table's downstream_<item>_mgL), completed as a headwater's (analyses/
    /// water_quality.cpp). Aligned with net where any reach gives one; empty: none.
    struct Boundary {
        bool given = false;
        PerConstituent conc_mgL{};  ///< COD, NH3-N, TP (as a headwater's where not given)
        GivenSpecies items{};       ///< DO, BOD5, TN ... given
    };
    std::vector<Boundary> downstream_boundary{};
    /// Water an ecological-flow measure released into a reach's head with its own quality (eco_flow with
    /// concentrations or items given), in the order released. net.headwater_* hold the mix; the water-quality model
    /// completes each water by its own items and mixes the species (analyses/water_quality.cpp).
    struct Release {
        std::int32_t reach = kNone;
        double flow_m3s = 0.0;             ///< added flow
        PerConstituent conc_mgL{};         ///< COD, NH3-N, TP of the added water
        GivenSpecies given{};              ///< items it gives (DO, BOD5, CODMn ...)
        double before_flow_m3s = 0.0;      ///< the headwater inflow it joined
        PerConstituent before_conc_mgL{};
        GivenSpecies before_given{};
    };
    std::vector<Release> releases{};
};

/// Sets the items reach r's headwater and lateral inflow give (sizes the vectors to the network when needed).
void set_given_inflow(CaseModel& m, std::size_t r, const GivenSpecies& headwater, const GivenSpecies& lateral);

struct SectionResult {
    PerConstituent conc_mgL{};
    double flow_m3s = 0.0;
    reaches::SectionClass cls;
};

struct Evaluation {
    reaches::SteadyResult steady;
    std::vector<SectionResult> sections;  ///< aligned with CaseModel::sections
};

/// sources = table_sources + loads::resolve(inventory). Call after changing either; throws ModelError naming every
/// missing coefficient or unknown standard.
void refresh_sources(CaseModel& m);
/// After an inventory change: re-resolves the inventory and rescales its entries in `sources` by new/old load per
/// constituent (set to the new load where the old was 0) and shifts flows by new − old, so changes made to those
/// sources by earlier measures carry over. Throws ModelError on resolution problems.
void rescale_inventory_sources(CaseModel& m);

std::vector<reaches::PointInput> point_inputs(const CaseModel& m);
/// Steady solver options of the case: its decay rates at its water temperature.
reaches::SteadyOptions steady_options(const CaseModel& m);
std::vector<reaches::Observation> observations(const CaseModel& m);

struct EvaluateOptions {
    double profile_step_m = 0.0;
    std::function<void(double)> progress;
};

Evaluation evaluate(const CaseModel& m, const EvaluateOptions& opt = {});

}  // namespace qingliu::scenarios
