// A supplier's bank account changes under four eyes (db/migrations/0208):
//   GET  /v1/suppliers/{supplier_id}/bank-account-changes                    the history
//   POST /v1/suppliers/{supplier_id}/bank-account-changes/{change_id}/confirm  operator, finance
//   POST /v1/suppliers/{supplier_id}/bank-account-changes/{change_id}/reject   operator, finance
// Changes are filed by PATCH /v1/suppliers/{id} (and the application) with bank details. Only a
// pending change can be decided (compare-and-set), never by the account that requested it; a
// confirmed change becomes the supplier's payout account. Each decision is audited.
#include <boost/json/serialize.hpp>
#include <functional>
#include <huicai/catalog/etag.hpp>
#include <huicai/core/validation.hpp>

#include "bank_account_changes.hpp"
#include "catalog_events.hpp"
#include "http_support.hpp"
#include "product_repository.hpp"
#include "repository_support.hpp"
#include "routes.hpp"
#include "supplier_repository.hpp"

namespace huicai::catalog {
namespace {
namespace asio = boost::asio;

bool sees_bank_account(const http::Request& request) {
  return caller_has(request, auth::Role::finance);
}

http::Response supplier_response(const http::Request& request,
                                 const boost::json::object& supplier) {
  auto body = boost::json::serialize(supplier);
  return json_with_etag(request, 200, std::move(body),
                        versioned_content_etag(supplier.at("version").as_int64(), body));
}

// Locks the supplier row (decisions on one supplier queue) and loads the change; 404 for
// either missing, 409 when it was decided already, 403 when the caller asked for it.
BankChange decidable_change(mysql::Session& session, const http::Request& request,
                            std::int64_t supplier_id, std::int64_t change_id) {
  if (!supplier_status(session, supplier_id, nullptr)) throw not_found("supplier");
  auto change = find_bank_change(session, supplier_id, change_id);
  if (!change) throw not_found("bank account change");
  if (change->status != "pending") {
    throw conflict("invalid-transition", "Not pending",
                   "the bank account change is " + change->status + " already")
        .with("current_status", boost::json::string(change->status));
  }
  if (change->requested_by && *change->requested_by == actor_id(request)) {
    throw http::Problem(403, "four-eyes", "Cannot decide on your own change",
                        "a bank account change is confirmed by someone other than its requester");
  }
  return *change;
}

using Decision = std::function<bool(mysql::Session&, const BankChange&)>;

asio::awaitable<http::Response> decide(const StatePtr& state, http::Request& request,
                                       const std::string& audit_action, const Decision& apply) {
  const auto supplier_id = id_param(request, "supplier_id");
  const auto change_id = id_param(request, "change_id");
  const bool show_bank = sees_bank_account(request);
  auto supplier = co_await state->context.db().transaction([&](mysql::Session& session) {
    const auto change = decidable_change(session, request, supplier_id, change_id);
    const auto before = *find_supplier(session, supplier_id, false);
    if (!apply(session, change)) {
      throw conflict("invalid-transition", "Not pending", "the change was decided meanwhile");
    }
    auto decided = *find_bank_change(session, supplier_id, change_id);
    audit_always(session, request,
                 {audit_action, "supplier", std::to_string(supplier_id),
                  audit::summary(before, {"bank_account"}),
                  audit::summary(bank_change_json(decided, false),
                                 {"id", "status", "bank_name", "account_name", "account_number",
                                  "decision_reason"})});
    return *find_supplier(session, supplier_id, show_bank);
  });
  co_await state->cache.changed();
  co_return supplier_response(request, supplier);
}

// The decisions are named locals, not temporaries in the co_await expression: GCC 12 destroys
// such closures twice (docs/gcc12-coroutine-temporaries.md).
asio::awaitable<http::Response> confirm_route(const StatePtr& state, http::Request& request) {
  const auto decider = actor_id(request);
  const Decision confirm = [decider](mysql::Session& session, const BankChange& change) {
    return confirm_bank_change(session, change, decider);
  };
  co_return co_await decide(state, request, "supplier.bank_account_confirmed", confirm);
}

asio::awaitable<http::Response> reject_route(const StatePtr& state, http::Request& request) {
  const auto decider = actor_id(request);
  const auto reason = action_reason(request, true).value_or("");
  const Decision reject = [decider, reason](mysql::Session& session, const BankChange& change) {
    return reject_bank_change(session, change, decider, reason);
  };
  co_return co_await decide(state, request, "supplier.bank_account_change_rejected", reject);
}

asio::awaitable<http::Response> list_route(const StatePtr& state, http::Request& request) {
  const auto supplier_id = id_param(request, "supplier_id");
  std::int64_t after = 0;
  if (auto cursor = request.query_param("cursor"); cursor && !cursor->empty()) {
    try {
      after = std::stoll(*cursor);
    } catch (const std::exception&) {
      after = -1;
    }
    if (after <= 0) throw validation_failed({{"cursor", "must be a positive integer"}});
  }
  constexpr int kLimit = 50;
  const bool show_bank = sees_bank_account(request);
  auto items = co_await state->context.db().run([&](mysql::Session& session) {
    auto supplier = find_supplier(session, supplier_id, false);
    if (!supplier) throw not_found("supplier");
    auth::Owner owner;
    owner.supplier_id = static_cast<std::uint64_t>(supplier_id);
    owner.county_id =
        static_cast<std::uint64_t>(supplier->at("county").as_object().at("id").as_int64());
    request.require_access(owner, true);
    return list_bank_changes(session, supplier_id, show_bank, after, kLimit);
  });
  co_return page_response(request, std::move(items), kLimit);
}

}  // namespace

void register_bank_account_routes(http::Router& router, const StatePtr& state) {
  const std::string base = "/v1/suppliers/{supplier_id}/bank-account-changes";
  // clang-format off
  add_route(router, http::Method::get, base, access::back_office_readers(),
            [state](http::Request& request) { return list_route(state, request); });
  add_route(router, http::Method::post, base + "/{change_id}/confirm", access::bank_account_deciders(),
            [state](http::Request& request) { return confirm_route(state, request); });
  add_route(router, http::Method::post, base + "/{change_id}/reject", access::bank_account_deciders(),
            [state](http::Request& request) { return reject_route(state, request); });
  // clang-format on
}

}  // namespace huicai::catalog
