#include "stock.hpp"

#include <cppconn/exception.h>

#include <huicai/core/http/problem.hpp>
#include <huicai/core/mysql/placeholders.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <stdexcept>
#include <string>

namespace huicai::ordering {
namespace {

// The reservation as ONE statement; the number of rows it changed, or -1 when a CHECK failed it
// (then it changed nothing). One SKU: "available >= q" decides. Several:
// UPDATE ... SET available = available - CASE sku_id WHEN a THEN qa WHEN b THEN qb END, ...
// WHERE sku_id IN (a, b), with no "available >= q" condition: the table's CHECK
// (available >= 0) fails the whole statement when one SKU does not fit (error 4025), so what is
// left is read exactly as it was for the message. A SKU without a stock row is simply not
// changed (fewer rows than requests). A batched SKU takes harvested batches first
// (batch_available), then loose units, then pre-sale batches (presale_available: what the line
// needs beyond available - presale_available). Those two are assigned before `available`, so
// they read the values before this statement (MariaDB assigns left to right);
// CHECK (batch_available + presale_available <= available) keeps a SKU priced as without
// batches (0 for both) to its loose units.
// `loose_only`: every request takes loose units, and a SKU that holds units in batches now is
// not changed (it counts as missing).
int run_reservation(mysql::Session& session, const std::vector<StockRequest>& requests,
                    bool loose_only = false) {
  const bool one = requests.size() == 1;
  std::string when;
  std::string in;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    when += " WHEN ? THEN ?";
    in += i == 0 ? "?" : ", ?";
  }
  const std::string quantity = one ? "?" : "CASE sku_id" + when + " END";
  auto& reserve = session.prepare(
      "UPDATE ordering_stock SET presale_available = presale_available - GREATEST(0, " + quantity +
      " - (available - presale_available)), batch_available = batch_available - "
      "LEAST(" +
      quantity + ", batch_available), available = available - " + quantity +
      ", reserved = reserved + " + quantity + ", version = version + 1 WHERE sku_id " +
      (one ? std::string("= ? AND available >= ?") : "IN (" + in + ")") +
      (loose_only ? " AND batch_available + presale_available = 0" : ""));
  int index = 1;
  for (int pass = 0; pass < 4; ++pass) {
    for (const auto& request : requests) {
      if (!one) mysql::bind_one(reserve, index++, request.sku_id);
      mysql::bind_one(reserve, index++,
                      pass < 2 && !request.batched ? std::int64_t{0} : request.quantity);
    }
  }
  for (const auto& request : requests) mysql::bind_one(reserve, index++, request.sku_id);
  if (one) mysql::bind_one(reserve, index++, requests.front().quantity);
  try {
    return reserve.executeUpdate();
  } catch (const sql::SQLException& error) {
    if (error.getErrorCode() != kErrorConstraintFailed) throw;
    return -1;
  }
}

}  // namespace

void reserve_all_stock(mysql::Session& session, std::vector<StockRequest>& requests) {
  if (requests.empty()) return;
  for (int attempt = 0;; ++attempt) {
    if (run_reservation(session, requests) == static_cast<int>(requests.size())) return;
    // Which one is short, for the message (the decision was the UPDATE's; it changed nothing).
    auto& left = session.prepare(
        "SELECT available, available - batch_available - presale_available AS loose FROM "
        "ordering_stock WHERE "
        "sku_id = ?");
    bool loose_short = false;
    for (const auto& request : requests) {
      mysql::bind(left, request.sku_id);
      auto row = mysql::query(left);
      if (!row->next() || row->getInt64("available") < request.quantity) {
        throw_insufficient_stock(session, request.sku_id, request.quantity);
      }
      if (!request.batched && row->getInt64("loose") < request.quantity) loose_short = true;
    }
    if (!loose_short || attempt > 0) {
      throw_insufficient_stock(session, requests.front().sku_id, requests.front().quantity);
    }
    // A first batch arrived after the order was priced: take from the batches after all.
    for (auto& request : requests) request.batched = true;
  }
}

bool reserve_loose_stock(mysql::Session& session, const std::vector<StockRequest>& requests) {
  if (requests.empty()) return true;
  return run_reservation(session, requests, true) == static_cast<int>(requests.size());
}

std::set<std::int64_t> skus_in_batches(mysql::Session& session,
                                       const std::vector<std::int64_t>& sku_ids) {
  std::set<std::int64_t> batched;
  if (sku_ids.empty()) return batched;
  auto& select = session.prepare("SELECT sku_id FROM ordering_stock WHERE sku_id IN (" +
                                 mysql::repeated("?", ", ", sku_ids.size()) +
                                 ") AND batch_available + presale_available > 0");
  int index = 1;
  for (const auto sku_id : sku_ids) mysql::bind_one(select, index++, sku_id);
  auto rows = mysql::query(select);
  while (rows->next()) batched.insert(rows->getInt64(1));
  return batched;
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

void release_stock(mysql::Session& session, std::int64_t sku_id, std::int64_t quantity,
                   std::int64_t in_batches, std::int64_t in_presale) {
  auto& update = session.prepare(
      "UPDATE ordering_stock SET reserved = reserved - ?, available = available + ?, "
      "batch_available = batch_available + ?, presale_available = presale_available + ?, "
      "version = version + 1 WHERE sku_id = ? AND reserved >= ?");
  mysql::bind(update, quantity, quantity, in_batches, in_presale, sku_id, quantity);
  if (update.executeUpdate() != 1) {
    throw std::logic_error("stock of SKU " + std::to_string(sku_id) +
                           " has less reserved than the order holds");
  }
}

void ship_stock(mysql::Session& session, std::int64_t sku_id, std::int64_t quantity) {
  move_reserved(session,
                "UPDATE ordering_stock SET reserved = reserved - ?, sold = sold + ?, "
                "version = version + 1 WHERE sku_id = ? AND reserved >= ?",
                sku_id, quantity);
}

}  // namespace huicai::ordering
