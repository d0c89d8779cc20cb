// Harvest batches of a SKU's stock (issue 15 item 2, ADR 0021): supplier staff add batches
// (harvested, or pre-sale with a cap and a shipping date), change a batch's quantity naming its
// version (If-Match, like PUT /v1/inventory/{sku_id}), close a batch's unsold remainder and
// record a pre-sale batch's arrival; the supplier, finance, auditors and operators read them.
#include <huicai/core/calendar_date.hpp>
#include <huicai/core/http/etag.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/core/json.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/validation.hpp>

#include "inventory_access.hpp"
#include "service_state.hpp"
#include "stock.hpp"
#include "stock_batch_writes.hpp"
#include "text_limits.hpp"

namespace huicai::ordering {
namespace {

using auth::Role;
using auth::Scope;

struct NewBatchBody {
  std::int64_t quantity = 0;
  std::optional<std::string> harvest_date;
  std::optional<std::string> origin_village;
  std::optional<std::string> inspection_report;
  std::optional<std::string> presale_ships_from;
};
BOOST_DESCRIBE_STRUCT(NewBatchBody, (),
                      (quantity, harvest_date, origin_village, inspection_report,
                       presale_ships_from))
struct SetBatchBody {
  std::int64_t quantity = 0;
  std::optional<std::string> harvest_date;
  std::optional<std::string> origin_village;
  std::optional<std::string> inspection_report;
};
BOOST_DESCRIBE_STRUCT(SetBatchBody, (), (quantity, harvest_date, origin_village, inspection_report))

// The three harvest facts come together or not at all.
std::optional<Harvest> harvest_of(Validator& check, const std::optional<std::string>& date,
                                  const std::optional<std::string>& village,
                                  const std::optional<std::string>& report) {
  if (!date && !village && !report) return std::nullopt;
  check.require(date && is_iso_date(*date), "harvest_date", "must be a date YYYY-MM-DD");
  check.text("origin_village", village.value_or(""), 1, kMaxBatchTextCharacters);
  check.text("inspection_report", report.value_or(""), 1, kMaxBatchTextCharacters);
  return Harvest{date.value_or(""), village.value_or(""), report.value_or("")};
}

http::Response batch_response(int status, const boost::json::object& batch) {
  auto response = http::Response::json(status, batch);
  response.set_header("ETag", http::version_etag(batch.at("version").as_int64()));
  return response;
}

// GET /v1/inventory/{sku_id}/batches: oldest first, the order orders take from them.
boost::asio::awaitable<http::Response> list_batches_route(State state, http::Request& request) {
  const auto sku_id = path_id(request, "sku_id");
  auto items = co_await state->context.db().run([&](mysql::Session& session) {
    supplier_of(session, request, sku_id);
    return list_batches(session, sku_id);
  });
  co_return http::Response::json(200, boost::json::object{{"items", std::move(items)}});
}

// POST /v1/inventory/{sku_id}/batches: a harvested batch (harvest_date, origin_village,
// inspection_report) or a pre-sale batch (presale_ships_from; quantity is the pre-sale cap).
boost::asio::awaitable<http::Response> add_batch_route(State state, http::Request& request) {
  const auto sku_id = path_id(request, "sku_id");
  const auto body = decode_json<NewBatchBody>(request.body);
  Validator check;
  check.require(body.quantity > 0 && body.quantity <= kMaxStock, "quantity",
                "must be between 1 and 1000000000");
  NewBatch batch;
  batch.quantity = body.quantity;
  batch.harvest = harvest_of(check, body.harvest_date, body.origin_village, body.inspection_report);
  if (body.presale_ships_from) {
    check.require(is_iso_date(*body.presale_ships_from), "presale_ships_from",
                  "must be a date YYYY-MM-DD");
    check.require(!batch.harvest, "harvest_date",
                  "a pre-sale batch records its harvest when it arrives");
    batch.ships_from = body.presale_ships_from;
  } else {
    check.require(batch.harvest.has_value(), "harvest_date",
                  "is required (or presale_ships_from for a pre-sale batch)");
  }
  check.throw_if_any();
  auto created = co_await state->context.db().transaction(
      [&](mysql::Session& session) {
        const auto supplier_id = supplier_of(session, request, sku_id);
        return add_batch(session, sku_id, supplier_id, batch);
      },
      mysql::Isolation::read_committed);
  co_return batch_response(201, created);
}

// PUT /v1/inventory/{sku_id}/batches/{batch_id} with If-Match: the batch's quantity, and for a
// pre-sale batch that has arrived its harvest facts (the pre-sold units are drawn from it).
boost::asio::awaitable<http::Response> set_batch_route(State state, http::Request& request) {
  const auto sku_id = path_id(request, "sku_id");
  const auto batch_id = path_id(request, "batch_id");
  const auto body = decode_json<SetBatchBody>(request.body);
  Validator check;
  check.require(body.quantity >= 0 && body.quantity <= kMaxStock, "quantity",
                "must be between 0 and 1000000000");
  const auto arrival =
      harvest_of(check, body.harvest_date, body.origin_village, body.inspection_report);
  check.throw_if_any();
  auto batch = co_await state->context.db().transaction(
      [&](mysql::Session& session) {
        supplier_of(session, request, sku_id);
        // After the ownership check: another supplier gets 403, not 428.
        const auto version = http::required_if_match_version(request);
        return set_batch(session, sku_id, batch_id, version, body.quantity, arrival);
      },
      mysql::Isolation::read_committed);
  co_return batch_response(200, batch);
}

// POST /v1/inventory/{sku_id}/batches/{batch_id}/close with If-Match: the batch's unsold
// remainder is withdrawn (what is ordered or shipped from it stays).
boost::asio::awaitable<http::Response> close_batch_route(State state, http::Request& request) {
  const auto sku_id = path_id(request, "sku_id");
  const auto batch_id = path_id(request, "batch_id");
  auto batch = co_await state->context.db().transaction(
      [&](mysql::Session& session) {
        supplier_of(session, request, sku_id);
        const auto version = http::required_if_match_version(request);
        return close_batch(session, sku_id, batch_id, version);
      },
      mysql::Isolation::read_committed);
  co_return batch_response(200, batch);
}

}  // namespace

void add_batch_routes(http::Router& router, State state) {
  const auto write = auth::AccessRule::roles({{Role::supplier_staff, Scope::own_supplier}});
  const auto read = auth::AccessRule::roles({{Role::supplier_staff, Scope::own_supplier},
                                             {Role::finance, Scope::any},
                                             {Role::auditor, Scope::any},
                                             {Role::operator_, Scope::any}});
  using M = http::Method;
  const auto route = [&](M method, const char* path, const auth::AccessRule& rule, auto handler) {
    router.add(
        http::Route{method,
                    path,
                    "ordering",
                    rule,
                    [state, handler](http::Request& request) { return handler(state, request); },
                    {}});
  };
  route(M::get, "/v1/inventory/{sku_id}/batches", read, list_batches_route);
  route(M::post, "/v1/inventory/{sku_id}/batches", write, add_batch_route);
  route(M::put, "/v1/inventory/{sku_id}/batches/{batch_id}", write, set_batch_route);
  route(M::post, "/v1/inventory/{sku_id}/batches/{batch_id}/close", write, close_batch_route);
}

}  // namespace huicai::ordering
