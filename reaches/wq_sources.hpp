// Species of a source's water for the water-quality kinetics: what the source gives (COD, NH3-N, TP, and optionally
// DO, BOD5, CODMn, TN or the N and P species: the columns of common/given_species.hpp), completed from a documented composition per kind of water.
//
//   kind             from source types                              composition (source per row in the .cpp table)
//   treated          sewage_plant, industry                         GB 18918-2002 grade 1A limits as composition
//   raw_sewage       outfall, urban_sewage, rural_domestic, others  Metcalf & Eddy medium-strength domestic sewage
//   manure_runoff    livestock, cropland, aquaculture               marked estimates
//   river            headwater and lateral inflow                   BOD5/COD, CODMn/COD of monitored surface water;
//                                                                   N, P split marked estimates (DO from saturation)
//
// A case may replace any ratio per source type, kind or river ([water_quality] composition, io/water_quality_settings.hpp).
//
// Missing items are derived from the given COD, NH3-N and TP by the kind's ratios: BOD5 = r_bod COD, CODMn =
// r_mn COD; organic N = r_on NH3-N and NO3-N = r_no3 NH3-N (or, with TN given, TN - NH3-N split between them in the
// kind's proportion); organic P = s_op TP, inorganic P = TP - organic P; DO the kind's value. BOD5 becomes CBODu
// with the bottle rate.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/constituent.hpp"
#include "common/given_species.hpp"
#include "reaches/kinetics.hpp"

namespace qingliu::reaches::wq {

struct Composition {
    const char* kind;          ///< "treated", "raw_sewage", "manure_runoff", "river"
    double bod5_per_cod;       ///< BOD5 / COD
    double codmn_per_cod;      ///< CODMn / COD
    double orgn_per_nh3n;      ///< organic N / NH3-N
    double no3n_per_nh3n;      ///< NO3-N / NH3-N
    double orgp_share_of_tp;   ///< organic P / TP
    double do_mgL;             ///< DO of the water
    const char* source;        ///< where the figures come from
};
const std::vector<Composition>& compositions();
/// The composition for a source type (sewage_plant -> treated, livestock -> manure_runoff, ...); unknown types:
/// raw_sewage, the cautious choice for oxygen.
const Composition& composition_for_type(std::string_view source_type);
/// The "river" row (headwater and lateral inflow).
const Composition& river_composition();
/// The kind of water ("treated", "raw_sewage", "manure_runoff") of a source type, as composition_for_type maps it.
std::string_view kind_of_type(std::string_view source_type);

/// A case's own compositions, each under a source id, a source type ("sewage_plant"), a kind ("treated") or "river";
/// a source takes its own entry, else its type's, else its kind's, else the default row.
using CompositionOverrides = std::vector<std::pair<std::string, Composition>>;
const Composition& composition_for_type(std::string_view source_type, const CompositionOverrides& case_rows);
/// As composition_for_type, an entry under the source's own id first.
const Composition& composition_for_source(std::string_view source_id, std::string_view source_type,
                                          const CompositionOverrides& case_rows);
const Composition& river_composition(const CompositionOverrides& case_rows);

/// What a source gives, in mg/L (or, for a source without water, as loads in g/s with flow 0: the same ratios apply).
struct GivenQuality {
    double cod = 0.0, nh3n = 0.0, tp = 0.0;
    std::optional<double> do_, bod5, codmn, tn, orgn, no3n, orgp, ip;
};
/// COD, NH3-N and TP of a water (or its loads) with the items it gives (common/given_species.hpp).
GivenQuality given_quality(const PerConstituent& v, const GivenSpecies& items = {});

/// The nine species (same unit as given). Throws ModelError when TN is less than NH3-N or a species is negative.
State complete_species(const GivenQuality& q, const Composition& c, double bod_bottle_k_per_d);

}  // namespace qingliu::reaches::wq
