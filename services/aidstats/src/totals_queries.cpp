// Reads of the totals (totals_queries.hpp).
#include "totals_queries.hpp"

#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

namespace huicai::aidstats {
namespace {

// The name of an item where one is published: counties by catalog, units by identity.
std::string name_join(const std::string& dimension) {
  if (dimension == "county") {
    return "LEFT JOIN catalog_county_directory n ON t.item = CAST(n.county_id AS CHAR CHARACTER "
           "SET ascii) COLLATE ascii_bin ";
  }
  if (dimension == "unit") {
    return "LEFT JOIN identity_org_unit_directory n ON t.item = CAST(n.unit_id AS CHAR CHARACTER "
           "SET ascii) COLLATE ascii_bin ";
  }
  return "";
}

}  // namespace

std::int64_t read_total(mysql::Session& session, const std::string& dimension,
                        const std::string& period, const std::string& item) {
  auto& select = session.prepare(
      "SELECT amount_fen FROM aidstats_totals WHERE dimension = ? AND period = ? AND item = ?");
  mysql::bind(select, dimension, period, item);
  auto row = mysql::query(select);
  return row->next() ? row->getInt64("amount_fen") : 0;
}

std::vector<BreakdownItem> read_breakdown(mysql::Session& session, const std::string& dimension,
                                          const std::string& period, std::size_t limit) {
  const bool named = dimension == "county" || dimension == "unit";
  auto& select =
      session.prepare(std::string("SELECT t.item, ") + (named ? "COALESCE(n.name, '')" : "''") +
                      " AS name, t.amount_fen FROM aidstats_totals t " + name_join(dimension) +
                      "WHERE t.dimension = ? AND t.period = ? AND t.amount_fen <> 0 "
                      "ORDER BY t.amount_fen DESC, t.item LIMIT ?");
  mysql::bind(select, dimension, period, static_cast<std::int64_t>(limit));
  auto rows = mysql::query(select);
  std::vector<BreakdownItem> items;
  while (rows->next()) {
    items.push_back({mysql::get_string(*rows, "item"), mysql::get_string(*rows, "name"),
                     rows->getInt64("amount_fen")});
  }
  return items;
}

std::vector<BreakdownItem> read_series(mysql::Session& session, const std::string& prefix,
                                       std::size_t length) {
  auto& select = session.prepare(
      "SELECT period, amount_fen FROM aidstats_totals WHERE dimension = 'total' AND item = '' "
      "AND period LIKE CONCAT(?, '%') AND LENGTH(period) = ? AND period NOT LIKE '%W%' "
      "ORDER BY period");
  mysql::bind(select, prefix, static_cast<std::int64_t>(length));
  auto rows = mysql::query(select);
  std::vector<BreakdownItem> items;
  while (rows->next()) {
    items.push_back({mysql::get_string(*rows, "period"), "", rows->getInt64("amount_fen")});
  }
  return items;
}

bool year_known(mysql::Session& session, const std::string& year) {
  auto& select = session.prepare(
      "SELECT 1 FROM aidstats_totals WHERE dimension = 'total' AND period = ? AND item = ''");
  mysql::bind(select, year);
  return mysql::query(select)->next();
}

std::optional<UnitRecord> find_unit(mysql::Session& session, std::int64_t unit_id) {
  auto& select = session.prepare(
      "SELECT unit_id, unit_path, name, kind FROM identity_org_unit_directory WHERE unit_id = ?");
  mysql::bind(select, unit_id);
  auto row = mysql::query(select);
  if (!row->next()) return std::nullopt;
  return UnitRecord{row->getInt64("unit_id"), mysql::get_string(*row, "unit_path"),
                    mysql::get_string(*row, "name"), mysql::get_string(*row, "kind")};
}

namespace {
std::vector<UnitRecord> read_units(sql::PreparedStatement& select) {
  auto rows = mysql::query(select);
  std::vector<UnitRecord> units;
  while (rows->next()) {
    units.push_back({rows->getInt64("unit_id"), mysql::get_string(*rows, "unit_path"),
                     mysql::get_string(*rows, "name"), mysql::get_string(*rows, "kind")});
  }
  return units;
}
}  // namespace

std::vector<UnitRecord> top_units(mysql::Session& session, const auth::ListScope& scope) {
  if (scope.everything()) {
    auto& select = session.prepare(
        "SELECT unit_id, unit_path, name, kind FROM identity_org_unit_directory "
        "WHERE parent_unit_id IS NULL ORDER BY unit_id");
    return read_units(select);
  }
  auto& select = session.prepare(
      "SELECT unit_id, unit_path, name, kind FROM identity_org_unit_directory "
      "WHERE unit_path = ?");
  mysql::bind(select, scope.unit_path);
  return read_units(select);
}

std::vector<UnitRecord> child_units(mysql::Session& session, const UnitRecord& unit) {
  auto& select = session.prepare(
      "SELECT unit_id, unit_path, name, kind FROM identity_org_unit_directory "
      "WHERE parent_unit_id = ? ORDER BY name, unit_id");
  mysql::bind(select, unit.unit_id);
  return read_units(select);
}

std::int64_t subtree_total(mysql::Session& session, const UnitRecord& unit,
                           const std::string& period) {
  auto& select = session.prepare(
      "SELECT COALESCE(SUM(t.amount_fen), 0) AS amount_fen FROM identity_org_unit_directory d "
      "JOIN aidstats_totals t ON t.dimension = 'unit' AND t.period = ? AND "
      "t.item = CAST(d.unit_id AS CHAR CHARACTER SET ascii) COLLATE ascii_bin WHERE d.unit_path "
      "LIKE CONCAT(?, '%')");
  mysql::bind(select, period, unit.path);
  auto row = mysql::query(select);
  return row->next() ? row->getInt64("amount_fen") : 0;
}

std::optional<std::string> county_name(mysql::Session& session, std::int64_t county_id) {
  auto& select = session.prepare("SELECT name FROM catalog_county_directory WHERE county_id = ?");
  mysql::bind(select, county_id);
  auto row = mysql::query(select);
  if (!row->next()) return std::nullopt;
  return mysql::get_string(*row, "name");
}

}  // namespace huicai::aidstats
