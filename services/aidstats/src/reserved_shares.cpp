// Reserved-share filings and the compliance report (reserved_shares.hpp).
#include "reserved_shares.hpp"

#include <algorithm>
#include <huicai/aidstats/compliance.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

namespace huicai::aidstats {
namespace {

constexpr const char* kFilingColumns =
    "SELECT s.unit_id, d.unit_path, d.name, COALESCE(d.parent_unit_id, 0) AS parent_unit_id, "
    "s.base_fen, s.ratio_basis_points, s.version FROM aidstats_reserved_shares s "
    "JOIN identity_org_unit_directory d ON d.unit_id = s.unit_id ";

Filing filing_from(sql::ResultSet& row) {
  return Filing{row.getInt64("unit_id"),        mysql::get_string(row, "unit_path"),
                mysql::get_string(row, "name"), row.getInt64("parent_unit_id"),
                row.getInt64("base_fen"),       row.getInt64("ratio_basis_points"),
                row.getInt64("version")};
}

std::vector<UnitAmount> unit_amounts(sql::ResultSet& rows) {
  std::vector<UnitAmount> amounts;
  while (rows.next()) {
    amounts.push_back({rows.getInt64("unit_id"), mysql::get_string(rows, "unit_path"),
                       rows.getInt64("amount_fen")});
  }
  return amounts;
}

}  // namespace

std::optional<Filing> read_filing(mysql::Session& session, std::int64_t unit_id, int year,
                                  bool for_update) {
  auto& select =
      session.prepare(std::string(kFilingColumns) + "WHERE s.unit_id = ? AND s.year = ?" +
                      (for_update ? " FOR UPDATE" : ""));
  mysql::bind(select, unit_id, static_cast<std::int64_t>(year));
  auto row = mysql::query(select);
  if (!row->next()) return std::nullopt;
  return filing_from(*row);
}

std::vector<Filing> read_filings(mysql::Session& session, int year) {
  auto& select =
      session.prepare(std::string(kFilingColumns) + "WHERE s.year = ? ORDER BY d.unit_path");
  mysql::bind(select, static_cast<std::int64_t>(year));
  auto rows = mysql::query(select);
  std::vector<Filing> filings;
  while (rows->next()) filings.push_back(filing_from(*rows));
  return filings;
}

bool year_has_filings(mysql::Session& session, int year) {
  auto& select = session.prepare("SELECT 1 FROM aidstats_reserved_shares WHERE year = ? LIMIT 1");
  mysql::bind(select, static_cast<std::int64_t>(year));
  return mysql::query(select)->next();
}

bool insert_filing(mysql::Session& session, std::int64_t unit_id, const std::string& unit_path,
                   int year, std::int64_t base_fen, std::int64_t ratio_basis_points,
                   std::uint64_t account_id) {
  auto& insert = session.prepare(
      "INSERT IGNORE INTO aidstats_reserved_shares (unit_id, year, unit_path, base_fen, "
      "ratio_basis_points, version, filed_by_account_id, updated_at) "
      "VALUES (?, ?, ?, ?, ?, 1, ?, UTC_TIMESTAMP(6))");
  mysql::bind(insert, unit_id, static_cast<std::int64_t>(year), unit_path, base_fen,
              ratio_basis_points, static_cast<std::int64_t>(account_id));
  return insert.executeUpdate() == 1;
}

bool update_filing(mysql::Session& session, std::int64_t unit_id, int year, std::int64_t version,
                   std::int64_t base_fen, std::int64_t ratio_basis_points,
                   std::uint64_t account_id) {
  auto& update = session.prepare(
      "UPDATE aidstats_reserved_shares SET base_fen = ?, ratio_basis_points = ?, "
      "version = version + 1, filed_by_account_id = ?, updated_at = UTC_TIMESTAMP(6) "
      "WHERE unit_id = ? AND year = ? AND version = ?");
  mysql::bind(update, base_fen, ratio_basis_points, static_cast<std::int64_t>(account_id), unit_id,
              static_cast<std::int64_t>(year), version);
  return update.executeUpdate() == 1;
}

std::vector<UnitAmount> unit_purchases(mysql::Session& session, const std::string& period) {
  auto& select = session.prepare(
      "SELECT d.unit_id, d.unit_path, t.amount_fen FROM aidstats_totals t "
      "JOIN identity_org_unit_directory d ON t.item = CAST(d.unit_id AS CHAR CHARACTER SET "
      "ascii) COLLATE ascii_bin WHERE t.dimension = 'unit' AND t.period = ? AND t.amount_fen <> 0");
  mysql::bind(select, period);
  return unit_amounts(*mysql::query(select));
}

std::vector<UnitAmount> unit_purchases_between(mysql::Session& session, const std::string& from,
                                               const std::string& to) {
  auto& select = session.prepare(
      "SELECT d.unit_id, d.unit_path, SUM(l.net_fen) AS amount_fen FROM aidstats_orders o "
      "JOIN aidstats_order_lines l ON l.order_id = o.order_id "
      "JOIN identity_org_unit_directory d ON d.unit_id = o.unit_id "
      "WHERE o.unit_id <> 0 AND o.paid_day BETWEEN ? AND ? GROUP BY d.unit_id, d.unit_path");
  mysql::bind(select, from, to);
  return unit_amounts(*mysql::query(select));
}

ShareReport share_report(const std::vector<Filing>& filings,
                         const std::vector<UnitAmount>& purchases, const std::string& scope_path) {
  std::vector<std::string> paths;
  for (const auto& filing : filings) paths.push_back(filing.unit_path);
  std::vector<PathAmount> amounts;
  for (const auto& purchase : purchases)
    amounts.push_back({purchase.unit_path, purchase.amount_fen});
  const auto attributed = attribute_purchases(paths, amounts);

  ShareReport report;
  for (std::size_t i = 0; i < filings.size(); ++i) {
    if (!filings[i].unit_path.starts_with(scope_path)) continue;
    ShareRow row{filings[i]};
    row.target_fen = target_fen(filings[i].base_fen, filings[i].ratio_basis_points);
    row.purchased_fen = attributed[i];
    row.compliance_basis_points = compliance_basis_points(row.purchased_fen, row.target_fen);
    row.below_target = row.purchased_fen < row.target_fen;
    report.base_fen += filings[i].base_fen;
    report.target_fen += row.target_fen;
    report.purchased_fen += row.purchased_fen;
    if (row.below_target) report.below_target.push_back(filings[i].unit_id);
    report.units.push_back(std::move(row));
  }
  report.compliance_basis_points = compliance_basis_points(report.purchased_fen, report.target_fen);
  return report;
}

}  // namespace huicai::aidstats
