// Stock, owned by ordering: supplier staff set and adjust the stock of their own SKUs (checked
// against the supplier of the SKU in the catalog view); finance, auditors and operators read.
#include <cppconn/exception.h>

#include <huicai/core/http/etag.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/core/json.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

#include "catalog_view.hpp"
#include "inventory_access.hpp"
#include "service_state.hpp"
#include "stock.hpp"
#include "text_limits.hpp"

namespace huicai::ordering {
namespace {

using auth::Role;
using auth::Scope;

struct SetStockBody {
  std::int64_t available = 0;
};
BOOST_DESCRIBE_STRUCT(SetStockBody, (), (available))
struct AdjustStockBody {
  std::int64_t delta = 0;
  std::optional<std::string> reason;
};
BOOST_DESCRIBE_STRUCT(AdjustStockBody, (), (delta, reason))

boost::json::object stock_json(sql::ResultSet& row) {
  return boost::json::object{
      {"sku_id", row.getInt64("sku_id")},       {"supplier_id", row.getInt64("supplier_id")},
      {"available", row.getInt64("available")}, {"reserved", row.getInt64("reserved")},
      {"sold", row.getInt64("sold")},           {"version", row.getInt64("version")}};
}

boost::json::object read_stock(mysql::Session& session, std::int64_t sku_id) {
  auto& select = session.prepare(
      "SELECT sku_id, supplier_id, available, reserved, sold, version FROM ordering_stock WHERE "
      "sku_id = ?");
  mysql::bind(select, sku_id);
  auto row = mysql::query(select);
  if (!row->next()) throw http::Problem(404, "not-found", "Not found", "no stock for this SKU");
  return stock_json(*row);
}

// PUT needs the version the supplier saw: If-Match "v<version>" (the ETag of GET or of the last
// write) to change a stock row, or If-None-Match: * to create the first one. Nullopt = create.
// Without either: 428; a tag we did not issue: 412.
std::optional<std::int64_t> stock_precondition(const http::Request& request) {
  if (request.header("if-match").empty() && request.header("if-none-match") == "*") {
    return std::nullopt;
  }
  return http::required_if_match_version(request);
}

void create_stock(mysql::Session& session, std::int64_t sku_id, std::int64_t supplier_id,
                  std::int64_t available) {
  auto& insert = session.prepare(
      "INSERT INTO ordering_stock (sku_id, supplier_id, available) VALUES (?, ?, ?)");
  mysql::bind(insert, sku_id, supplier_id, available);
  try {
    insert.executeUpdate();
  } catch (const sql::SQLException& error) {
    if (error.getErrorCode() != mysql::kErrorDuplicateKey) throw;
    // It exists (If-None-Match: * does not hold): the current tag, so the client can retry.
    throw http::stale_version(read_stock(session, sku_id).at("version").as_int64());
  }
}

// Runs a write of the SKU's total; Problem 409 "stock-held-in-batches" when it would leave
// fewer available units than its batches hold (CHECK batch_available <= available, 0311):
// those change through the batch routes.
int write_total(sql::PreparedStatement& update, std::int64_t sku_id) {
  try {
    return update.executeUpdate();
  } catch (const sql::SQLException& error) {
    if (error.getErrorCode() != kErrorConstraintFailed) throw;
    throw http::Problem(409, "stock-held-in-batches", "Stock held in batches",
                        "the available stock cannot go below the units its harvest batches hold; "
                        "change the batches instead")
        .with("sku_id", sku_id);
  }
}

// Compare-and-set on the version: a reservation, a release or another write since the supplier
// read the stock makes it 412 instead of overwriting what happened meanwhile.
void set_stock(mysql::Session& session, std::int64_t sku_id, std::int64_t expected_version,
               std::int64_t available) {
  auto& update = session.prepare(
      "UPDATE ordering_stock SET available = ?, version = version + 1, updated_at = NOW(6) "
      "WHERE sku_id = ? AND version = ?");
  mysql::bind(update, available, sku_id, expected_version);
  if (write_total(update, sku_id) == 1) return;
  throw http::stale_version(read_stock(session, sku_id).at("version").as_int64());
}

http::Response with_etag(http::Response response, const boost::json::object& stock) {
  response.set_header("ETag", http::version_etag(stock.at("version").as_int64()));
  return response;
}

}  // namespace

std::int64_t supplier_of(mysql::Session& session, const http::Request& request,
                         std::int64_t sku_id) {
  auto sku = read_orderable_sku(session, sku_id);
  if (!sku) throw http::Problem(404, "not-found", "Not found", "no such SKU");
  auth::Owner owner;
  owner.supplier_id = static_cast<std::uint64_t>(sku->supplier_id);
  request.require_access(owner);
  return sku->supplier_id;
}

// PUT /v1/inventory/{sku_id}: the supplier sets the available stock of its own SKU, naming the
// version it read (If-Match) or creating the first stock row (If-None-Match: *).
boost::asio::awaitable<http::Response> set_stock_route(State state, http::Request& request) {
  const auto sku_id = path_id(request, "sku_id");
  const auto body = decode_json<SetStockBody>(request.body);
  Validator check;
  check.require(body.available >= 0 && body.available <= kMaxStock, "available",
                "must be between 0 and 1000000000");
  check.throw_if_any();
  // READ COMMITTED (docs/adr/0009): the stock row is hot; the version check decides.
  auto stock = co_await state->context.db().transaction(
      [&](mysql::Session& session) {
        const auto supplier_id = supplier_of(session, request, sku_id);
        // After the ownership check: another supplier gets 403, not 428.
        const auto precondition = stock_precondition(request);
        if (!precondition) {
          create_stock(session, sku_id, supplier_id, body.available);
        } else {
          set_stock(session, sku_id, *precondition, body.available);
        }
        return read_stock(session, sku_id);
      },
      mysql::Isolation::read_committed);
  co_return with_etag(http::Response::json(200, stock), stock);
}

void add_inventory_routes(http::Router& router, State state) {
  const auto write_rule = auth::AccessRule::roles({{Role::supplier_staff, Scope::own_supplier}});
  const auto read_rule = auth::AccessRule::roles({{Role::supplier_staff, Scope::own_supplier},
                                                  {Role::finance, Scope::any},
                                                  {Role::auditor, Scope::any},
                                                  {Role::operator_, Scope::any}});

  router.add(
      http::Route{http::Method::put,
                  "/v1/inventory/{sku_id}",
                  "ordering",
                  write_rule,
                  [state](http::Request& request) { return set_stock_route(state, request); },
                  {}});

  router.add(http::Route{
      http::Method::post,
      "/v1/inventory/{sku_id}/adjustments",
      "ordering",
      write_rule,
      [state](http::Request& request) -> boost::asio::awaitable<http::Response> {
        const auto sku_id = path_id(request, "sku_id");
        const auto body = decode_json<AdjustStockBody>(request.body);
        Validator check;
        check.require(body.delta != 0 && body.delta > -kMaxStock && body.delta < kMaxStock, "delta",
                      "must be a non-zero change below 1000000000");
        // Not stored today, but held to the same limit as every reason the API takes.
        check.text("reason", body.reason.value_or(""), 0, kMaxReasonCharacters);
        check.throw_if_any();
        auto stock = co_await state->context.db().transaction([&](mysql::Session& session) {
          const auto supplier_id = supplier_of(session, request, sku_id);
          auto& ensure = session.prepare(
              "INSERT IGNORE INTO ordering_stock (sku_id, supplier_id, available) VALUES (?, ?, "
              "0)");
          mysql::bind(ensure, sku_id, supplier_id);
          ensure.executeUpdate();
          auto& adjust = session.prepare(
              "UPDATE ordering_stock SET available = available + ?, version = version + 1, "
              "updated_at = NOW(6) WHERE sku_id = ? AND available + ? >= 0");
          mysql::bind(adjust, body.delta, sku_id, body.delta);
          if (write_total(adjust, sku_id) != 1) {
            throw http::Problem(409, "insufficient-stock", "Not enough stock",
                                "the adjustment would make the available stock negative")
                .with("sku_id", sku_id);
          }
          return read_stock(session, sku_id);
        });
        co_return with_etag(http::Response::json(200, stock), stock);
      },
      {}});

  router.add(http::Route{http::Method::get,
                         "/v1/inventory/{sku_id}",
                         "ordering",
                         read_rule,
                         [state](http::Request& request) -> boost::asio::awaitable<http::Response> {
                           const auto sku_id = path_id(request, "sku_id");
                           auto stock =
                               co_await state->context.db().run([&](mysql::Session& session) {
                                 auto stock = read_stock(session, sku_id);
                                 auth::Owner owner;
                                 owner.supplier_id =
                                     static_cast<std::uint64_t>(stock.at("supplier_id").as_int64());
                                 request.require_access(owner, true);
                                 return stock;
                               });
                           co_return with_etag(http::Response::json(200, stock), stock);
                         },
                         {}});

  // A supplier's own stock list (others: pass supplier_id), keyset-paginated by SKU id.
  router.add(http::Route{
      http::Method::get,
      "/v1/inventory",
      "ordering",
      read_rule,
      [state](http::Request& request) -> boost::asio::awaitable<http::Response> {
        const auto& caller = request.caller();
        std::int64_t supplier_id = 0;
        if (caller.has_role(Role::supplier_staff) && caller.supplier_id) {
          supplier_id = static_cast<std::int64_t>(*caller.supplier_id);
        }
        if (auto text = request.query_param("supplier_id")) {
          try {
            supplier_id = std::stoll(*text);
          } catch (...) {
            supplier_id = 0;
          }
        }
        if (supplier_id <= 0) {
          throw_validation_failed({{"supplier_id", "is required"}});
        }
        auth::Owner owner;
        owner.supplier_id = static_cast<std::uint64_t>(supplier_id);
        request.require_access(owner);
        std::int64_t after = 0;
        if (auto cursor = request.query_param("cursor")) {
          try {
            after = std::stoll(*cursor);
          } catch (...) {
            throw_validation_failed({{"cursor", "not a cursor from a previous page"}});
          }
        }
        auto items = co_await state->context.db().run([&](mysql::Session& session) {
          auto& select = session.prepare(
              "SELECT sku_id, supplier_id, available, reserved, sold, version FROM ordering_stock "
              "WHERE supplier_id = ? AND sku_id > ? ORDER BY sku_id LIMIT 101");
          mysql::bind(select, supplier_id, after);
          auto rows = mysql::query(select);
          boost::json::array items;
          while (rows->next()) items.push_back(stock_json(*rows));
          return items;
        });
        boost::json::value next = nullptr;
        if (items.size() > 100) {
          items.pop_back();
          next = std::to_string(items.back().as_object().at("sku_id").as_int64());
        }
        co_return http::Response::json(
            200, boost::json::object{{"items", items}, {"next_cursor", next}});
      },
      {}});
}

}  // namespace huicai::ordering
