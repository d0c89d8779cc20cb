#include "stock.hpp"

#include <huicai/core/http/problem.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <stdexcept>
#include <string>

namespace huicai::ordering {

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
