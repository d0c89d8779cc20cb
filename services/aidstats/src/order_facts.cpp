// Reading and writing orders' facts (order_facts.hpp).
#include "order_facts.hpp"

#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <utility>

#include "multi_row.hpp"

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
// The same columns from what the totals applied.
constexpr const char* kAppliedOrderColumns =
    "SELECT order_id, DATE_FORMAT(paid_day, '%Y-%m-%d') AS paid_day, unit_id, buyer_kind, "
    "budget_net_fen AS budget_net, allowance_net_fen AS allowance_net, "
    "personal_net_fen AS personal_net FROM aidstats_orders ";
constexpr const char* kAppliedLineColumns =
    "SELECT line_id, order_id, supplier_id, county_id, category_id, net_fen FROM "
    "aidstats_order_lines ";

OrderFacts order_from_row(sql::ResultSet& row) {
  OrderFacts order;
  order.order_id = row.getInt64("order_id");
  order.paid_day = mysql::get_string(row, "paid_day");
  order.unit_id = row.getInt64("unit_id");
  order.buyer_kind = mysql::get_string(row, "buyer_kind");
  order.budget_net_fen = row.getInt64("budget_net");
  order.allowance_net_fen = row.getInt64("allowance_net");
  order.personal_net_fen = row.getInt64("personal_net");
  return order;
}

CertifiedLine line_from_row(sql::ResultSet& row) {
  return {row.getInt64("line_id"), row.getInt64("supplier_id"), row.getInt64("county_id"),
          row.getInt64("category_id"), row.getInt64("net_fen")};
}

void bind_id(sql::PreparedStatement& statement, int& index, std::int64_t id, bool) {
  bind_at(statement, index, id);
}

// The orders and their lines, read with `orders_sql(list)` and `lines_sql(list)` (`list` the
// placeholders of an IN list of order ids; lines in order id, line id order).
template <class OrdersSql, class LinesSql>
FactsByOrder load_facts(mysql::Session& session, const std::vector<std::int64_t>& order_ids,
                        OrdersSql orders_sql, LinesSql lines_sql) {
  FactsByOrder facts;
  per_chunk(
      session, order_ids, [&](std::size_t n) { return orders_sql(in_list(n)); }, bind_id,
      [&](sql::PreparedStatement& select) {
        auto rows = mysql::query(select);
        while (rows->next()) {
          auto order = order_from_row(*rows);
          facts.emplace(order.order_id, std::move(order));
        }
      });
  per_chunk(
      session, order_ids, [&](std::size_t n) { return lines_sql(in_list(n)); }, bind_id,
      [&](sql::PreparedStatement& select) {
        auto rows = mysql::query(select);
        while (rows->next()) {
          auto found = facts.find(rows->getInt64("order_id"));
          if (found != facts.end()) found->second.lines.push_back(line_from_row(*rows));
        }
      });
  return facts;
}

void execute(sql::PreparedStatement& statement) {
  statement.executeUpdate();
}

void delete_applied(mysql::Session& session, const std::string& table,
                    const std::vector<std::int64_t>& order_ids) {
  per_chunk(
      session, order_ids,
      [&](std::size_t n) {
        return "DELETE FROM " + table + " WHERE order_id IN (" + in_list(n) + ")";
      },
      bind_id, execute);
}

// Upserts, so the padding (the last row again) changes nothing; the orders' old lines were
// deleted first.
void insert_applied_orders(mysql::Session& session, const std::vector<OrderFacts>& orders) {
  per_chunk(
      session, orders,
      [](std::size_t n) {
        return "INSERT INTO aidstats_orders (order_id, paid_day, unit_id, buyer_kind, "
               "budget_net_fen, allowance_net_fen, personal_net_fen) VALUES " +
               value_rows(7, n) +
               " ON DUPLICATE KEY UPDATE paid_day = VALUES(paid_day), unit_id = VALUES(unit_id), "
               "buyer_kind = VALUES(buyer_kind), budget_net_fen = VALUES(budget_net_fen), "
               "allowance_net_fen = VALUES(allowance_net_fen), "
               "personal_net_fen = VALUES(personal_net_fen), applied_at = NOW(6)";
      },
      [](sql::PreparedStatement& upsert, int& index, const OrderFacts& order, bool) {
        bind_at(upsert, index, order.order_id, order.paid_day, order.unit_id, order.buyer_kind,
                order.budget_net_fen, order.allowance_net_fen, order.personal_net_fen);
      },
      execute);
}

void insert_applied_lines(mysql::Session& session, const std::vector<OrderFacts>& orders) {
  std::vector<std::pair<std::int64_t, const CertifiedLine*>> rows;
  for (const auto& order : orders) {
    for (const auto& line : order.lines) rows.emplace_back(order.order_id, &line);
  }
  per_chunk(
      session, rows,
      [](std::size_t n) {
        return "INSERT INTO aidstats_order_lines (line_id, order_id, supplier_id, county_id, "
               "category_id, net_fen) VALUES " +
               value_rows(6, n) + " ON DUPLICATE KEY UPDATE net_fen = VALUES(net_fen)";
      },
      [](sql::PreparedStatement& insert, int& index, const auto& row, bool) {
        const auto& [order_id, line] = row;
        bind_at(insert, index, line->line_id, order_id, line->supplier_id, line->county_id,
                line->category_id, line->net_fen);
      },
      execute);
}

}  // namespace

FactsByOrder load_source_facts(mysql::Session& session,
                               const std::vector<std::int64_t>& order_ids) {
  auto facts = load_facts(
      session, order_ids,
      [](const std::string& list) {
        return std::string(kSourceOrderColumns) + "WHERE order_id IN (" + list + ")";
      },
      [](const std::string& list) {
        return std::string(kSourceLineColumns) + "WHERE order_id IN (" + list + ") AND " +
               kSourceLineFilter + " ORDER BY order_id, line_id";
      });
  std::erase_if(facts, [](const auto& entry) { return entry.second.lines.empty(); });
  return facts;
}

FactsByOrder load_applied_facts(mysql::Session& session,
                                const std::vector<std::int64_t>& order_ids) {
  return load_facts(
      session, order_ids,
      [](const std::string& list) {
        return std::string(kAppliedOrderColumns) + "WHERE order_id IN (" + list + ") FOR UPDATE";
      },
      [](const std::string& list) {
        return std::string(kAppliedLineColumns) + "WHERE order_id IN (" + list +
               ") ORDER BY order_id, line_id";
      });
}

void store_applied_facts(mysql::Session& session, const std::vector<std::int64_t>& replaced,
                         const std::vector<OrderFacts>& now) {
  delete_applied(session, "aidstats_order_lines", replaced);
  delete_applied(session, "aidstats_orders", replaced);
  insert_applied_orders(session, now);
  insert_applied_lines(session, now);
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
  FactsByOrder page;
  while (rows->next()) {
    auto order = order_from_row(*rows);
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
