// Orders: place (from the cart or given lines, under an Idempotency-Key), read one, list with
// filters and keyset pagination, cancel before payment or approval, and the order's history.
#include <boost/json/serialize.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/core/json.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

#include "order_records.hpp"
#include "order_transitions.hpp"
#include "place_order.hpp"
#include "request_bodies.hpp"
#include "service_state.hpp"
#include "text_limits.hpp"

namespace huicai::ordering {
namespace {

using auth::Role;
using auth::Scope;

PlacementInput placement_from(const http::Request& request, const ServiceState& state) {
  const auto body = decode_place_order_body(request.body);
  const auto& caller = request.caller();
  const bool from_cart = body.from_cart.value_or(false);
  const auto plan = fund_plan_from_string(body.fund_plan);

  PlacementInput input;
  input.buyer_account_id = static_cast<std::int64_t>(caller.account_id);
  if (caller.unit_id) input.unit_id = static_cast<std::int64_t>(*caller.unit_id);
  input.unit_path = caller.unit_path;
  input.plan = *plan;
  if (*plan == FundPlan::unit_budget) {
    if (!caller.has_role(Role::unit_buyer) || !caller.unit_id) {
      throw http::Problem(403, "forbidden", "Forbidden",
                          "only a unit buyer may charge the unit budget");
    }
    input.buyer_kind = "unit";
  } else {
    if (!caller.has_role(Role::employee)) {
      throw http::Problem(403, "forbidden", "Forbidden",
                          "personal and allowance orders are for employees");
    }
    input.buyer_kind = "employee";
  }
  if (body.lines) {
    for (const auto& line : *body.lines) input.lines.push_back({line.sku_id, line.quantity});
  }
  input.remove_from_cart = from_cart;
  input.note = body.note.value_or("");
  input.expected_total_fen = body.expected_total_fen;
  input.year = current_budget_year();
  input.payment_timeout = state.context.config().order_payment_timeout;
  input.approval_timeout = state.context.config().order_approval_timeout;
  input.actor = actor_of(request);
  return input;
}

// Read rules: the buyer, the unit's roles for unit orders, finance, auditors and operators.
auth::AccessRule order_read_rule() {
  return auth::AccessRule::roles({{Role::employee, Scope::own_account},
                                  {Role::unit_buyer, Scope::own_unit},
                                  {Role::unit_approver, Scope::own_unit},
                                  {Role::unit_admin, Scope::unit_subtree},
                                  {Role::finance, Scope::any},
                                  {Role::auditor, Scope::any},
                                  {Role::operator_, Scope::any}});
}
auth::AccessRule buyer_rule() {
  return auth::AccessRule::roles(
      {{Role::employee, Scope::own_account}, {Role::unit_buyer, Scope::own_unit}});
}

boost::json::object order_summary(sql::ResultSet& row) {
  boost::json::object object;
  object["id"] = row.getInt64("id");
  object["buyer_account_id"] = row.getInt64("buyer_account_id");
  object["buyer_kind"] = mysql::get_string(row, "buyer_kind");
  auto unit_id = mysql::get_optional_int64(row, "unit_id");
  object["unit_id"] = unit_id ? boost::json::value(*unit_id) : boost::json::value(nullptr);
  object["unit_path"] = mysql::get_string(row, "unit_path");
  object["status"] = mysql::get_string(row, "status");
  object["fund_plan"] = mysql::get_string(row, "fund_plan");
  object["total_fen"] = row.getInt64("total_fen");
  object["refunded_fen"] = row.getInt64("refunded_fen");
  object["line_count"] = row.getInt("line_count");
  object["created_at"] = iso_time(mysql::get_string(row, "created_at"));
  return object;
}

// "2026-10-17T08:00:00Z" or "2026-10-17" -> "2026-10-17 08:00:00" (DATETIME text); nullopt when
// it is not that shape.
std::optional<std::string> database_time(std::string text) {
  if (!text.empty() && text.back() == 'Z') text.pop_back();
  if (text.size() == 10) text += "T00:00:00";
  if (text.size() < 19 || text.size() > 26) return std::nullopt;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool ok = (i == 4 || i == 7)     ? c == '-'
                    : i == 10              ? c == 'T'
                    : (i == 13 || i == 16) ? c == ':'
                    : i == 19              ? c == '.'
                                           : (c >= '0' && c <= '9');
    if (!ok) return std::nullopt;
  }
  text[10] = ' ';
  return text;
}

// The order list narrowed to the caller's scope (auth::list_scope on the route's rule); an
// account whose roles anchor nothing still sees the orders it placed itself.
struct ListScope {
  std::string condition;  // SQL condition on ordering_orders
  std::vector<std::string> parameters;
};
ListScope list_scope(const http::Request& request) {
  const auto& caller = request.caller();
  const auto scope = auth::list_scope(caller, *request.rule)
                         .value_or(auth::ListScope{Scope::own_account, caller.account_id, {}});
  switch (scope.scope) {
    case Scope::any:
      return {"1 = 1", {}};
    case Scope::unit_subtree:
      return {"buyer_kind = 'unit' AND unit_path LIKE ?", {scope.unit_path + "%"}};
    case Scope::own_unit:
      return {"buyer_kind = 'unit' AND unit_path = ?", {scope.unit_path}};
    default:
      return {"buyer_account_id = ?", {std::to_string(caller.account_id)}};
  }
}

}  // namespace

boost::asio::awaitable<http::Response> place_order_route(State state, http::Request& request) {
  auto input = placement_from(request, *state);
  // The catalog version before the transaction starts: the prices read under it are at least
  // as new as every catalog write answered before this request (ADR 0003).
  input.pricing = &state->pricing;
  input.catalog_version = co_await state->pricing.version();
  // READ COMMITTED: see place_order.hpp and docs/adr/0009. The key's row is written once, with
  // the response, just before the COMMIT (placement has no effect outside its transaction).
  if (may_place_in_group(input)) {
    // Written together with the orders arriving meanwhile; nullopt: the group failed, and this
    // order is placed alone (where a refusal is answered).
    if (auto response = co_await state->placements.place(request, input)) co_return *response;
  }
  co_return co_await state->idempotency.run(
      request,
      [&](mysql::Session& session) { return placed_order_response(place_order(session, input)); },
      mysql::Isolation::read_committed, http::Idempotency::ClaimAt::commit);
}

void add_order_routes(http::Router& router, State state) {
  router.add(
      http::Route{http::Method::post, "/v1/orders", "ordering", buyer_rule(),
                  [state](http::Request& request) { return place_order_route(state, request); },
                  per_minute(state->context.config().order_placements_per_minute)});

  router.add(http::Route{http::Method::get,
                         "/v1/orders/{order_id}",
                         "ordering",
                         order_read_rule(),
                         [state](http::Request& request) -> boost::asio::awaitable<http::Response> {
                           const auto order_id = path_id(request, "order_id");
                           auto order =
                               co_await state->context.db().run([&](mysql::Session& session) {
                                 return load_order(session, order_id);
                               });
                           if (!order)
                             throw http::Problem(404, "not-found", "Not found", "no such order");
                           request.require_access(order->owner(), true);
                           co_return http::Response::json(200, order_to_json(*order));
                         },
                         {}});

  router.add(http::Route{
      http::Method::get,
      "/v1/orders/{order_id}/history",
      "ordering",
      order_read_rule(),
      [state](http::Request& request) -> boost::asio::awaitable<http::Response> {
        const auto order_id = path_id(request, "order_id");
        auto result = co_await state->context.db().run(
            [&](mysql::Session& session)
                -> std::optional<std::pair<auth::Owner, boost::json::array>> {
              auto order = load_order(session, order_id);
              if (!order) return std::nullopt;
              auto& select = session.prepare(
                  "SELECT id, fulfilment_id, from_status, to_status, actor_account_id, reason, "
                  "request_id, at FROM ordering_order_history WHERE order_id = ? ORDER BY id");
              mysql::bind(select, order_id);
              auto rows = mysql::query(select);
              boost::json::array entries;
              while (rows->next()) {
                boost::json::object entry;
                entry["id"] = rows->getInt64("id");
                auto fulfilment = mysql::get_optional_int64(*rows, "fulfilment_id");
                entry["fulfilment_id"] =
                    fulfilment ? boost::json::value(*fulfilment) : boost::json::value(nullptr);
                auto from = mysql::get_optional_string(*rows, "from_status");
                entry["from_status"] =
                    from ? boost::json::value(*from) : boost::json::value(nullptr);
                entry["to_status"] = mysql::get_string(*rows, "to_status");
                auto actor = mysql::get_optional_int64(*rows, "actor_account_id");
                entry["actor_account_id"] =
                    actor ? boost::json::value(*actor) : boost::json::value(nullptr);
                entry["reason"] = mysql::get_string(*rows, "reason");
                entry["request_id"] = mysql::get_string(*rows, "request_id");
                entry["at"] = iso_time(mysql::get_string(*rows, "at"));
                entries.push_back(std::move(entry));
              }
              return std::make_pair(order->owner(), std::move(entries));
            });
        if (!result) throw http::Problem(404, "not-found", "Not found", "no such order");
        request.require_access(result->first, true);
        co_return http::Response::json(200,
                                       boost::json::object{{"items", std::move(result->second)}});
      },
      {}});

  router.add(http::Route{http::Method::post,
                         "/v1/orders/{order_id}/cancel",
                         "ordering",
                         buyer_rule(),
                         [state](http::Request& request) -> boost::asio::awaitable<http::Response> {
                           const auto order_id = path_id(request, "order_id");
                           const auto actor = actor_of(request, "cancelled by the buyer");
                           auto order = co_await state->context.db().transaction(
                               [&](mysql::Session& session) {
                                 auto order = load_order(session, order_id, true);
                                 if (!order)
                                   throw http::Problem(404, "not-found", "Not found",
                                                       "no such order");
                                 request.require_access(order->owner(), true);
                                 end_order(session, *order, OrderStatus::cancelled, actor);
                                 return *order;
                               },
                               mysql::Isolation::read_committed);
                           co_return http::Response::json(200, order_to_json(order));
                         },
                         {}});

  router.add(http::Route{
      http::Method::get,
      "/v1/orders",
      "ordering",
      order_read_rule(),
      [state](http::Request& request) -> boost::asio::awaitable<http::Response> {
        auto scope = list_scope(request);
        std::string sql =
            "SELECT id, buyer_account_id, buyer_kind, unit_id, unit_path, status, fund_plan, "
            "total_fen, refunded_fen, line_count, created_at FROM ordering_orders WHERE " +
            scope.condition;
        std::vector<std::string> parameters = scope.parameters;
        Validator check;
        if (auto status = request.query_param("status")) {
          check.require(order_status_from_string(*status).has_value(), "status", "unknown status");
          sql += " AND status = ?";
          parameters.push_back(*status);
        }
        if (auto from = request.query_param("created_from")) {
          check.require(database_time(*from).has_value(), "created_from",
                        "an ISO 8601 UTC time like 2026-10-17T00:00:00Z");
          sql += " AND created_at >= ?";
          parameters.push_back(database_time(*from).value_or(""));
        }
        if (auto to = request.query_param("created_to")) {
          check.require(database_time(*to).has_value(), "created_to",
                        "an ISO 8601 UTC time like 2026-10-18T00:00:00Z");
          sql += " AND created_at < ?";
          parameters.push_back(database_time(*to).value_or(""));
        }
        std::int64_t limit = 20;
        if (auto text = request.query_param("limit")) {
          try {
            limit = std::stoll(*text);
          } catch (...) {
            limit = 0;
          }
          check.require(limit >= 1 && limit <= 100, "limit", "must be between 1 and 100");
        }
        if (auto cursor = request.query_param("cursor")) {
          std::int64_t before = 0;
          try {
            before = std::stoll(*cursor);
          } catch (...) {
          }
          check.require(before > 0, "cursor", "not a cursor from a previous page");
          sql += " AND id < ?";
          parameters.push_back(std::to_string(before));
        }
        check.throw_if_any();
        sql += " ORDER BY id DESC LIMIT " + std::to_string(limit + 1);
        auto page = co_await state->context.db().run([&](mysql::Session& session) {
          auto& select = session.prepare(sql);
          int index = 1;
          for (const auto& parameter : parameters) mysql::bind_one(select, index++, parameter);
          auto rows = mysql::query(select);
          boost::json::array items;
          while (rows->next()) items.push_back(order_summary(*rows));
          return items;
        });
        boost::json::value next_cursor = nullptr;
        if (static_cast<std::int64_t>(page.size()) > limit) {
          page.pop_back();
          next_cursor = std::to_string(page.back().as_object().at("id").as_int64());
        }
        co_return http::Response::json(
            200, boost::json::object{{"items", std::move(page)}, {"next_cursor", next_cursor}});
      },
      {}});
}

}  // namespace huicai::ordering
