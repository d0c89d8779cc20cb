#pragma once
// Reads of aidstats_totals for the routes: one period's figures, a breakdown, a unit's subtree
// rolled up through identity's directory (identity_org_unit_directory), names of counties
// (catalog_county_directory) and units.
#include <cstdint>
#include <huicai/aidstats/contribution.hpp>
#include <huicai/core/auth/list_scope.hpp>
#include <optional>
#include <string>
#include <vector>

namespace huicai::mysql {
class Session;
}

namespace huicai::aidstats {

struct BreakdownItem {
  std::string item;
  std::string name;  // county, unit or category name when known, else ""
  std::int64_t amount_fen = 0;
};

// One total row (0 when absent).
std::int64_t read_total(mysql::Session& session, const std::string& dimension,
                        const std::string& period, const std::string& item);
// Every item of a dimension in a period, largest first (ties by item), at most `limit`.
std::vector<BreakdownItem> read_breakdown(mysql::Session& session, const std::string& dimension,
                                          const std::string& period, std::size_t limit = 1000);
// The periods of the overall total that start with `prefix` and have `length` characters
// ("2026-" and 7: the months of 2026), in order.
std::vector<BreakdownItem> read_series(mysql::Session& session, const std::string& prefix,
                                       std::size_t length);
// True when the year has any purchase on record.
bool year_known(mysql::Session& session, const std::string& year);

struct UnitRecord {
  std::int64_t unit_id = 0;
  std::string path;
  std::string name;
  std::string kind;
};
std::optional<UnitRecord> find_unit(mysql::Session& session, std::int64_t unit_id);
// The units at the top of what a list may show: the roots of the org tree (the group) for a
// caller who may see everything, else the caller's own unit (a unit admin's subtree).
std::vector<UnitRecord> top_units(mysql::Session& session, const auth::ListScope& scope);
// The unit's direct children.
std::vector<UnitRecord> child_units(mysql::Session& session, const UnitRecord& unit);
// The purchases of the unit and every unit below it in `period`.
std::int64_t subtree_total(mysql::Session& session, const UnitRecord& unit,
                           const std::string& period);

std::optional<std::string> county_name(mysql::Session& session, std::int64_t county_id);

}  // namespace huicai::aidstats
