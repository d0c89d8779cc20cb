// Reading and writing an order's facts (order_facts.hpp).
#include "order_facts.hpp"

#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <map>

namespace huicai::aidstats {
namespace {

// Paid days are China's calendar days (UTC+8); times are stored in UTC.
constexpr const char* kSourceOrderColumns =
    "SELECT order_id, DATE_FORMAT(paid_at + INTERVAL 8 HOUR, '%Y-%m-%d') AS paid_day, "
    "COALESCE(unit_id, 0) AS unit_id, buyer_kind, budget_fen - budget_refunded_fen AS budget_net, "
    "allowance_fen - allowance_refunded_fen AS allowance_net, "
    "personal_fen - personal_refunded_fen AS personal_net FROM ordering_aid_orders ";
// Certified lines with something left after refunds, in line order.
constexpr const char* kSourceLineColumns =
    "SELECT line_id, order_id, supplier_id, county_id, category_id, "
    "line_total_fen - refunded_fen AS net_fen FROM ordering_aid_lines ";
constexpr const char* kSourceLineFilter = "certified = 1 AND line_total_fen > refunded_fen";

OrderFacts order_from_row(sql::ResultSet& row, const char* budget, const char* allowance,
                          const char* personal) {
  OrderFacts order;
  order.order_id = row.getInt64("order_id");
  order.paid_day = mysql::get_string(row, "paid_day");
  order.unit_id = row.getInt64("unit_id");
  order.buyer_kind = mysql::get_string(row, "buyer_kind");
  order.budget_net_fen = row.getInt64(budget);
  order.allowance_net_fen = row.getInt64(allowance);
  order.personal_net_fen = row.getInt64(personal);
  return order;
}

CertifiedLine line_from_row(sql::ResultSet& row) {
  return {row.getInt64("line_id"), row.getInt64("supplier_id"), row.getInt64("county_id"),
          row.getInt64("category_id"), row.getInt64("net_fen")};
}

}  // namespace

std::optional<OrderFacts> load_source_facts(mysql::Session& session, std::int64_t order_id) {
  auto& select_order = session.prepare(std::string(kSourceOrderColumns) + "WHERE order_id = ?");
  mysql::bind(select_order, order_id);
  auto row = mysql::query(select_order);
  if (!row->next()) return std::nullopt;
  auto order = order_from_row(*row, "budget_net", "allowance_net", "personal_net");
  auto& select_lines = session.prepare(std::string(kSourceLineColumns) + "WHERE order_id = ? AND " +
                                       kSourceLineFilter + " ORDER BY line_id");
  mysql::bind(select_lines, order_id);
  auto lines = mysql::query(select_lines);
  while (lines->next()) order.lines.push_back(line_from_row(*lines));
  if (order.lines.empty()) return std::nullopt;
  return order;
}

std::optional<OrderFacts> load_applied_facts(mysql::Session& session, std::int64_t order_id) {
  auto& select_order = session.prepare(
      "SELECT order_id, DATE_FORMAT(paid_day, '%Y-%m-%d') AS paid_day, unit_id, buyer_kind, "
      "budget_net_fen, allowance_net_fen, personal_net_fen FROM aidstats_orders "
      "WHERE order_id = ? FOR UPDATE");
  mysql::bind(select_order, order_id);
  auto row = mysql::query(select_order);
  if (!row->next()) return std::nullopt;
  auto order = order_from_row(*row, "budget_net_fen", "allowance_net_fen", "personal_net_fen");
  auto& select_lines = session.prepare(
      "SELECT line_id, order_id, supplier_id, county_id, category_id, net_fen FROM "
      "aidstats_order_lines WHERE order_id = ? ORDER BY line_id");
  mysql::bind(select_lines, order_id);
  auto lines = mysql::query(select_lines);
  while (lines->next()) order.lines.push_back(line_from_row(*lines));
  return order;
}

void store_applied_facts(mysql::Session& session, std::int64_t order_id,
                         const std::optional<OrderFacts>& before,
                         const std::optional<OrderFacts>& now) {
  if (before == now) return;
  if (before) {
    auto& delete_lines = session.prepare("DELETE FROM aidstats_order_lines WHERE order_id = ?");
    mysql::bind(delete_lines, order_id);
    delete_lines.executeUpdate();
    if (!now) {
      auto& delete_order = session.prepare("DELETE FROM aidstats_orders WHERE order_id = ?");
      mysql::bind(delete_order, order_id);
      delete_order.executeUpdate();
      return;
    }
  }
  if (!now) return;
  auto& upsert = session.prepare(
      "INSERT INTO aidstats_orders (order_id, paid_day, unit_id, buyer_kind, budget_net_fen, "
      "allowance_net_fen, personal_net_fen) VALUES (?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
      "paid_day = VALUES(paid_day), unit_id = VALUES(unit_id), buyer_kind = VALUES(buyer_kind), "
      "budget_net_fen = VALUES(budget_net_fen), allowance_net_fen = VALUES(allowance_net_fen), "
      "personal_net_fen = VALUES(personal_net_fen), applied_at = NOW(6)");
  mysql::bind(upsert, order_id, now->paid_day, now->unit_id, now->buyer_kind, now->budget_net_fen,
              now->allowance_net_fen, now->personal_net_fen);
  upsert.executeUpdate();
  auto& insert_line = session.prepare(
      "INSERT INTO aidstats_order_lines (line_id, order_id, supplier_id, county_id, category_id, "
      "net_fen) VALUES (?, ?, ?, ?, ?, ?)");
  for (const auto& line : now->lines) {
    mysql::bind(insert_line, line.line_id, order_id, line.supplier_id, line.county_id,
                line.category_id, line.net_fen);
    insert_line.executeUpdate();
  }
}

std::int64_t count_source_orders(mysql::Session& session) {
  auto& select = session.prepare("SELECT COUNT(*) AS n FROM ordering_aid_orders");
  auto row = mysql::query(select);
  return row->next() ? row->getInt64("n") : 0;
}

std::int64_t visit_source_orders(mysql::Session& session, std::int64_t after_order_id,
                                 std::int64_t limit,
                                 const std::function<void(const OrderFacts&)>& visit) {
  auto& select_orders = session.prepare(std::string(kSourceOrderColumns) +
                                        "WHERE order_id > ? ORDER BY order_id LIMIT ?");
  mysql::bind(select_orders, after_order_id, limit);
  auto rows = mysql::query(select_orders);
  std::map<std::int64_t, OrderFacts> page;
  while (rows->next()) {
    auto order = order_from_row(*rows, "budget_net", "allowance_net", "personal_net");
    page.emplace(order.order_id, std::move(order));
  }
  if (page.empty()) return 0;
  auto& select_lines = session.prepare(std::string(kSourceLineColumns) +
                                       "WHERE order_id >= ? AND order_id <= ? AND " +
                                       kSourceLineFilter + " ORDER BY order_id, line_id");
  mysql::bind(select_lines, page.begin()->first, page.rbegin()->first);
  auto lines = mysql::query(select_lines);
  while (lines->next()) {
    auto found = page.find(lines->getInt64("order_id"));
    if (found != page.end()) found->second.lines.push_back(line_from_row(*lines));
  }
  for (const auto& [order_id, order] : page) {
    if (!order.lines.empty()) visit(order);
  }
  return page.rbegin()->first;
}

}  // namespace huicai::aidstats
