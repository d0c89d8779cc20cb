#pragma once
// The reserved-share filings (aidstats_reserved_shares) and the compliance report built from
// them and the unit totals: read, file (compare-and-set on the version), report per unit and
// for the group.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace huicai::mysql {
class Session;
}

namespace huicai::aidstats {

struct Filing {
  std::int64_t unit_id = 0;
  std::string unit_path;  // identity's current path of the unit
  std::string unit_name;
  std::int64_t parent_unit_id = 0;  // 0 for a root unit
  std::int64_t base_fen = 0;
  std::int64_t ratio_basis_points = 0;
  std::int64_t version = 0;
};

struct ShareRow {
  Filing filing;
  std::int64_t target_fen = 0;
  std::int64_t purchased_fen = 0;
  std::int64_t compliance_basis_points = 0;
  bool below_target = false;
};

struct ShareReport {
  std::vector<ShareRow> units;  // by unit path
  std::int64_t base_fen = 0, target_fen = 0, purchased_fen = 0, compliance_basis_points = 0;
  std::vector<std::int64_t> below_target;  // unit ids, by unit path
};

std::optional<Filing> read_filing(mysql::Session& session, std::int64_t unit_id, int year,
                                  bool for_update = false);
std::vector<Filing> read_filings(mysql::Session& session, int year);
bool year_has_filings(mysql::Session& session, int year);

// A new filing (version 1); false when one exists already.
bool insert_filing(mysql::Session& session, std::int64_t unit_id, const std::string& unit_path,
                   int year, std::int64_t base_fen, std::int64_t ratio_basis_points,
                   std::uint64_t account_id);
// Changes the filing if it is still at `version` (then version + 1); false otherwise.
bool update_filing(mysql::Session& session, std::int64_t unit_id, int year, std::int64_t version,
                   std::int64_t base_fen, std::int64_t ratio_basis_points,
                   std::uint64_t account_id);

// The aid purchases of each buying unit in `period` (aidstats_totals, dimension unit).
struct UnitAmount {
  std::int64_t unit_id = 0;
  std::string unit_path;
  std::int64_t amount_fen = 0;
};
std::vector<UnitAmount> unit_purchases(mysql::Session& session, const std::string& period);
// The same from the order facts for the paid days from..to (inclusive, "YYYY-MM-DD").
std::vector<UnitAmount> unit_purchases_between(mysql::Session& session, const std::string& from,
                                               const std::string& to);

// The report of the filings against the purchases; `scope_path` ("" for everything) keeps the
// units at or below it, and the group figures sum those.
ShareReport share_report(const std::vector<Filing>& filings,
                         const std::vector<UnitAmount>& purchases,
                         const std::string& scope_path = "");

}  // namespace huicai::aidstats
