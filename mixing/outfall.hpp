// Mixing zones of a case's outfalls (排污口设置论证): for each point discharge, the steady two-dimensional plume in
// the reach below it (mixing/plume.hpp) over the background the network model gives just above it, and per
// modelled parameter the zone exceeding the limit of the reach's target class (GB 3838-2002), its length, widest
// extent and area, the distance to complete mixing, and the sections, intakes and protected points it reaches.
//
// What the field assumes: the channel at the outfall (flow Q = Q_h + Q_p, the one-dimensional velocity u, width B
// and depth h with Q = u·B·h) holds from the outfall to the reach's downstream end, which bounds the field; lateral
// inflow and other sources below the outfall are not in it (they are in the one-dimensional model). The background
// C_h is the network model's concentration at the outfall with this outfall removed (its flow and load), so other
// sources at the very same position count as background.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mixing/plume.hpp"
#include "scenarios/case.hpp"

namespace qingliu::mixing {

enum class Discharge { Bank, Mid };  ///< 岸边排放 / 江心排放
enum class Bank { Left, Right };     ///< 左岸 / 右岸, looking downstream

/// A row of the case's optional `mixing` table: settings for one outfall (outfall_id) or for every outfall of a
/// reach (reach_id only). Zero / empty = not given.
struct OutfallSettings {
    std::string outfall_id, reach_id;
    std::optional<Discharge> discharge;
    std::optional<Bank> bank;
    std::optional<double> distance_m;  ///< of the outfall from its bank (default 0 bank discharge, B/2 mid-channel)
    double width_m = 0.0, depth_m = 0.0, slope = 0.0, alpha = 0.0;
    const ChannelType* type = nullptr;
    int target_class = 0;              ///< 1..5; 0: the first section at or below the outfall
    std::string origin;                ///< "mixing.csv row 3", for messages
};

/// A point the mixing zone must not reach: a drinking-water intake (取水口), a protected area or other named place.
enum class PointKind { Intake, Protected, Other };
const char* point_kind_key(PointKind k);  ///< "intake", "protected", "other"
struct ProtectedPoint {
    std::string id, name;
    PointKind kind = PointKind::Other;
    std::int32_t reach = kNone;
    double position_m = 0.0;             ///< from the reach's upstream end
    std::optional<Bank> bank;            ///< with distance_m: the point's place across the river
    std::optional<double> distance_m;    ///< from that bank; unknown: judged by the zone's length alone
    std::string origin;
};

struct MixingOptions {
    std::vector<std::string> outfalls;  ///< source ids; empty: every point discharge (outfall, sewage_plant, industry)
    std::vector<OutfallSettings> settings;
    std::vector<ProtectedPoint> points;
    double tolerance = kCompleteMixingTolerance;
    int grid_nx = 120, grid_ny = 24;    ///< concentration grid cells along and across
};

/// A place the zone of one parameter reaches.
struct Reached {
    std::string kind;   ///< "section", "intake", "protected", "other", "reach_end"
    std::string id, name;
    double distance_m = 0.0;  ///< below the outfall
};

struct ParameterResult {
    int constituent = 0;
    double limit_mgL = 0.0;        ///< target-class limit (NaN: no target class)
    double background_mgL = 0.0;   ///< C_h
    double effluent_mgL = 0.0;     ///< W/Q_p (NaN for a mass input without flow)
    double excess_load_gs = 0.0;   ///< m = W − Q_p·C_h
    double mixed_mgL = 0.0;        ///< completely mixed just below the outfall, C_h + m/Q
    double one_d_mgL = 0.0;        ///< the network model's value just below the outfall (with lateral inflow etc.)
    Zone zone;
    std::vector<Reached> reached;
};

struct OutfallResult {
    std::string source_id, name, type;
    std::int32_t reach = kNone;
    std::string reach_id;
    double position_m = 0.0;       ///< on `reach` (moved to the head of the downstream reach if at a reach end)
    double domain_m = 0.0;         ///< from the outfall to the reach's downstream end
    Discharge discharge = Discharge::Bank;
    Bank bank = Bank::Left;        ///< the bank y is measured from
    double source_y_m = 0.0;       ///< a
    double river_flow_m3s = 0.0;   ///< Q_h, above the outfall
    double effluent_flow_m3s = 0.0;
    Channel channel;
    int target_class = 0;          ///< 0: none found
    std::string target_section;    ///< the section setting it ("" if given in the mixing table or none)
    reaches::WaterBody water_body = reaches::WaterBody::River;
    double mixing_length_hj_m = 0.0;  ///< HJ 2.3-2018 L_m
    double mixing_distance_m = 0.0;   ///< from the field (+inf if beyond the domain)
    std::vector<ParameterResult> params;  ///< one per constituent
    /// Concentration grid: cell centres x = (i + ½)·grid_length/nx, y = (j + ½)·B/ny; index i·ny + j.
    int nx = 0, ny = 0;
    double grid_length_m = 0.0;
    std::vector<PerConstituent> grid_mgL;
    std::vector<std::string> notes;   ///< English; what was assumed or could not be done
};

struct CaseMixing {
    std::vector<OutfallResult> outfalls;
    std::vector<std::string> notes;
};

/// Evaluates the case as given (apply a scenario first). Throws InputError naming unknown outfall, reach or settings
/// rows (all at once), ModelError where the network model cannot be evaluated.
CaseMixing analyse_mixing(const scenarios::CaseModel& m, const MixingOptions& o);

/// The source types treated as outfalls when none are named.
bool is_point_discharge(const loads::Source& s);

}  // namespace qingliu::mixing
