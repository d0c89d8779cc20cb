// Reading and writing orders' facts (order_facts.hpp).
#include "order_facts.hpp"

#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <utility>

#include "multi_row.hpp"

namespace huicai::aidstats {
namespace {

// The columns of an order (table alias o) and of a line (alias l; its order id is the order's).
// Paid days are China's calendar days (UTC+8); times are stored in UTC.
constexpr const char* kSourceOrderColumns =
    "o.order_id, DATE_FORMAT(o.paid_at + INTERVAL 8 HOUR, '%Y-%m-%d') AS paid_day, "
    "COALESCE(o.unit_id, 0) AS unit_id, o.buyer_kind, "
    "o.budget_fen - o.budget_refunded_fen AS budget_net, "
    "o.allowance_fen - o.allowance_refunded_fen AS allowance_net, "
    "o.personal_fen - o.personal_refunded_fen AS personal_net";
constexpr const char* kSourceLineColumns =
    "l.line_id, l.supplier_id, l.county_id, l.category_id, l.line_total_fen - l.refunded_fen AS "
    "net_fen";
// Certified lines with something left after refunds.
constexpr const char* kSourceLineFilter = "l.certified = 1 AND l.line_total_fen > l.refunded_fen";
// The same columns from what the totals applied.
constexpr const char* kAppliedOrderColumns =
    "o.order_id, DATE_FORMAT(o.paid_day, '%Y-%m-%d') AS paid_day, o.unit_id, o.buyer_kind, "
    "o.budget_net_fen AS budget_net, o.allowance_net_fen AS allowance_net, "
    "o.personal_net_fen AS personal_net";
constexpr const char* kAppliedLineColumns =
    "l.line_id, l.supplier_id, l.county_id, l.category_id, l.net_fen";

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

// The orders and their lines in one statement, `sql(list)` (`list` the placeholders of an IN
// list of order ids): a row per line with its order's columns (an order without lines: one row
// with a NULL line_id), in order id, line id order.
template <class Sql>
FactsByOrder load_facts(mysql::Session& session, const std::vector<std::int64_t>& order_ids,
                        Sql sql) {
  FactsByOrder facts;
  per_chunk(
      session, order_ids, [&](std::size_t n) { return sql(in_list(n)); }, bind_id,
      [&](sql::PreparedStatement& select) {
        auto rows = mysql::query(select);
        while (rows->next()) {
          auto found = facts.find(rows->getInt64("order_id"));
          if (found == facts.end()) {
            auto order = order_from_row(*rows);
            found = facts.emplace(order.order_id, std::move(order)).first;
          }
          if (!rows->isNull("line_id")) found->second.lines.push_back(line_from_row(*rows));
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
  // Orders with no certified line left are not read at all (they add nothing).
  return load_facts(session, order_ids, [](const std::string& list) {
    return std::string("SELECT ") + kSourceOrderColumns + ", " + kSourceLineColumns +
           " FROM ordering_aid_orders o JOIN ordering_aid_lines l ON l.order_id = o.order_id "
           "WHERE o.order_id IN (" +
           list + ") AND " + kSourceLineFilter + " ORDER BY o.order_id, l.line_id";
  });
}

FactsByOrder load_applied_facts(mysql::Session& session,
                                const std::vector<std::int64_t>& order_ids) {
  // The orders' rows (and their lines') locked until the batch commits.
  return load_facts(session, order_ids, [](const std::string& list) {
    return std::string("SELECT ") + kAppliedOrderColumns + ", " + kAppliedLineColumns +
           " FROM aidstats_orders o LEFT JOIN aidstats_order_lines l ON l.order_id = o.order_id "
           "WHERE o.order_id IN (" +
           list + ") ORDER BY o.order_id, l.line_id FOR UPDATE";
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
  auto& select_orders = session.prepare(
      std::string("SELECT ") + kSourceOrderColumns +
      " FROM ordering_aid_orders o WHERE o.order_id > ? ORDER BY o.order_id LIMIT ?");
  mysql::bind(select_orders, after_order_id, limit);
  auto rows = mysql::query(select_orders);
  FactsByOrder page;
  while (rows->next()) {
    auto order = order_from_row(*rows);
    page.emplace(order.order_id, std::move(order));
  }
  if (page.empty()) return 0;
  auto& select_lines =
      session.prepare(std::string("SELECT l.order_id, ") + kSourceLineColumns +
                      " FROM ordering_aid_lines l WHERE l.order_id >= ? AND l.order_id <= ? AND " +
                      kSourceLineFilter + " ORDER BY l.order_id, l.line_id");
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
