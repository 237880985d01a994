// Species of a source's water for the water-quality kinetics: what the source gives (COD, NH3-N, TP, and optionally
// DO, BOD5, CODMn, TN or the N and P species), completed from a documented composition per kind of water.
//
//   kind             from source types                              composition (source per row in the .cpp table)
//   treated          sewage_plant, industry                         GB 18918-2002 grade 1A limits as composition
//   raw_sewage       outfall, urban_sewage, rural_domestic, others  Metcalf & Eddy medium-strength domestic sewage
//   manure_runoff    livestock, cropland, aquaculture               marked estimates
//   river            headwater and lateral inflow                   marked estimates (DO from saturation)
//
// Missing items are derived from the given COD, NH3-N and TP by the kind's ratios: BOD5 = r_bod COD, CODMn =
// r_mn COD; organic N = r_on NH3-N and NO3-N = r_no3 NH3-N (or, with TN given, TN - NH3-N split between them in the
// kind's proportion); organic P = s_op TP, inorganic P = TP - organic P; DO the kind's value. BOD5 becomes CBODu
// with the bottle rate.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

/// What a source gives, in mg/L (or, for a source without water, as loads in g/s with flow 0: the same ratios apply).
struct GivenQuality {
    double cod = 0.0, nh3n = 0.0, tp = 0.0;
    std::optional<double> do_, bod5, codmn, tn, orgn, no3n, orgp, ip;
};

/// The nine species (same unit as given). Throws ModelError when TN is less than NH3-N or a species is negative.
State complete_species(const GivenQuality& q, const Composition& c, double bod_bottle_k_per_d);

}  // namespace qingliu::reaches::wq
