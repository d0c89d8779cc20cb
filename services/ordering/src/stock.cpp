#include "stock.hpp"

#include <cppconn/exception.h>

#include <huicai/core/http/problem.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <stdexcept>
#include <string>

namespace huicai::ordering {
namespace {
constexpr int kErrorConstraintFailed = 4025;  // ER_CONSTRAINT_FAILED: a CHECK constraint
}  // namespace

bool try_reserve_stock(mysql::Session& session, std::int64_t sku_id, std::int64_t quantity) {
  auto& reserve = session.prepare(
      "UPDATE ordering_stock SET available = available - ?, reserved = reserved + ?, "
      "version = version + 1 WHERE sku_id = ? AND available >= ?");
  mysql::bind(reserve, quantity, quantity, sku_id, quantity);
  return reserve.executeUpdate() == 1;
}

void reserve_stock(mysql::Session& session, std::int64_t sku_id, std::int64_t quantity) {
  if (try_reserve_stock(session, sku_id, quantity)) return;
  throw_insufficient_stock(session, sku_id, quantity);
}

void reserve_all_stock(mysql::Session& session, const std::vector<StockRequest>& requests) {
  if (requests.empty()) return;
  if (requests.size() == 1) {
    reserve_stock(session, requests[0].sku_id, requests[0].quantity);
    return;
  }
  // UPDATE ... SET available = available - CASE sku_id WHEN a THEN qa WHEN b THEN qb END, ...
  // WHERE sku_id IN (a, b). No "available >= q" condition: the table's CHECK (available >= 0)
  // fails the whole statement when one SKU does not fit (error 4025), and a failed statement
  // changes nothing, so what is left is read exactly as it was for the message below. A SKU
  // without a stock row is simply not changed (fewer rows than requests).
  std::string when;
  std::string in;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    when += " WHEN ? THEN ?";
    in += i == 0 ? "?" : ", ?";
  }
  const std::string quantity = "CASE sku_id" + when + " END";
  auto& reserve = session.prepare("UPDATE ordering_stock SET available = available - " + quantity +
                                  ", reserved = reserved + " + quantity +
                                  ", version = version + 1 WHERE sku_id IN (" + in + ")");
  int index = 1;
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& request : requests) {
      mysql::bind_one(reserve, index++, request.sku_id);
      mysql::bind_one(reserve, index++, request.quantity);
    }
  }
  for (const auto& request : requests) mysql::bind_one(reserve, index++, request.sku_id);
  bool statement_failed = false;
  try {
    if (reserve.executeUpdate() == static_cast<int>(requests.size())) return;
  } catch (const sql::SQLException& error) {
    if (error.getErrorCode() != kErrorConstraintFailed) throw;
    statement_failed = true;
  }
  // Which one is short, for the message (the decision was the UPDATE's). After a failed
  // statement nothing of it is applied; after a partial one only SKUs without a row are short.
  auto& left = session.prepare("SELECT available FROM ordering_stock WHERE sku_id = ?");
  for (const auto& request : requests) {
    mysql::bind(left, request.sku_id);
    auto row = mysql::query(left);
    if (!row->next()) throw_insufficient_stock(session, request.sku_id, request.quantity);
    if (statement_failed && row->getInt64("available") < request.quantity) {
      throw_insufficient_stock(session, request.sku_id, request.quantity);
    }
  }
  throw_insufficient_stock(session, requests.front().sku_id, requests.front().quantity);
}

void throw_insufficient_stock(mysql::Session& session, std::int64_t sku_id, std::int64_t quantity) {
  // Not enough: tell the buyer what is left (read after the failed update, for the message
  // only; the decision was the conditional update's).
  auto& left = session.prepare("SELECT available FROM ordering_stock WHERE sku_id = ?");
  mysql::bind(left, sku_id);
  auto row = mysql::query(left);
  const std::int64_t available = row->next() ? row->getInt64("available") : 0;
  throw http::Problem(409, "insufficient-stock", "Not enough stock",
                      "SKU " + std::to_string(sku_id) + " has " + std::to_string(available) +
                          " left, " + std::to_string(quantity) + " requested")
      .with("sku_id", sku_id)
      .with("available", available)
      .with("requested", quantity);
}

namespace {
void move_reserved(mysql::Session& session, const char* sql, std::int64_t sku_id,
                   std::int64_t quantity) {
  auto& update = session.prepare(sql);
  mysql::bind(update, quantity, quantity, sku_id, quantity);
  if (update.executeUpdate() != 1) {
    throw std::logic_error("stock of SKU " + std::to_string(sku_id) +
                           " has less reserved than the order holds");
  }
}
}  // namespace

void release_stock(mysql::Session& session, std::int64_t sku_id, std::int64_t quantity) {
  move_reserved(session,
                "UPDATE ordering_stock SET reserved = reserved - ?, available = available + ?, "
                "version = version + 1 WHERE sku_id = ? AND reserved >= ?",
                sku_id, quantity);
}

void ship_stock(mysql::Session& session, std::int64_t sku_id, std::int64_t quantity) {
  move_reserved(session,
                "UPDATE ordering_stock SET reserved = reserved - ?, sold = sold + ?, "
                "version = version + 1 WHERE sku_id = ? AND reserved >= ?",
                sku_id, quantity);
}

}  // namespace huicai::ordering
