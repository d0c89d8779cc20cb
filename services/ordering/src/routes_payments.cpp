// Payments through the channel: an intent for the order's personal share (Idempotency-Key),
// the sandbox's redirect-free confirm (the buyer "pays"; the channel stores its callback in the
// same transaction and a delivery worker calls us back, see callback_delivery.hpp), and the
// signed callback endpoint the channel calls.
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

#include "order_events.hpp"
#include "order_records.hpp"
#include "payments.hpp"
#include "service_state.hpp"

namespace huicai::ordering {
namespace {

using auth::Role;
using auth::Scope;

// No channel, no payment: without one an intent could never be paid, and the sandbox (which
// "pays" without money) runs only where HUICAI_PAYMENT_SANDBOX turns it on.
void require_payment_channel(const ServiceState& state) {
  if (!state.context.config().payment_sandbox) {
    throw http::Problem(503, "no-payment-channel", "No payment channel",
                        "this server has no payment channel configured; the personal share "
                        "cannot be paid here");
  }
}

}  // namespace

// Verifies and applies one callback; what the HTTP route and the sandbox's own delivery share.
boost::asio::awaitable<http::Response> handle_sandbox_callback(State state, std::string body,
                                                               std::string signature,
                                                               std::string request_id) {
  if (!state->sandbox.verify_signature(body, signature)) {
    throw http::Problem(401, "bad-signature", "Bad signature",
                        "the callback signature does not match its body");
  }
  auto callback = state->sandbox.parse_callback(body);
  if (!callback) {
    throw http::Problem(422, "malformed-callback", "Malformed callback",
                        "the callback body is not a payment notification");
  }
  Actor actor{0, "payment channel callback", request_id};
  auto result = co_await state->context.db().transaction(
      [&](mysql::Session& session) {
        return apply_callback(session, state->sandbox, *callback, actor);
      },
      mysql::Isolation::read_committed);
  co_return http::Response::json(
      200, boost::json::object{{"outcome", result.outcome}, {"order_id", result.order_id}});
}

boost::asio::awaitable<http::Response> create_payment_intent_route(State state,
                                                                   http::Request& request) {
  require_payment_channel(*state);
  const auto order_id = path_id(request, "order_id");
  co_return co_await state->idempotency.run(request, [&](mysql::Session& session) {
    // The order row decides (status, personal share, owner): its lines are not needed here.
    auto order = load_order_row(session, order_id, true);
    if (!order) throw http::Problem(404, "not-found", "Not found", "no such order");
    request.require_access(order->owner(), true);
    return http::Response::json(201, create_payment_intent(session, *order, state->sandbox));
  });
}

boost::asio::awaitable<http::Response> confirm_sandbox_payment_route(State state,
                                                                     http::Request& request) {
  const std::string intent_id(request.path_param("intent_id"));
  const auto policy = state->callback_policy();
  auto signed_callback = co_await state->context.db().transaction(
      [&](mysql::Session& session) -> std::optional<SandboxChannel::SignedCallback> {
        auto& select = session.prepare(
            "SELECT o.buyer_account_id FROM ordering_payments p JOIN ordering_orders o ON "
            "o.id = p.order_id WHERE p.intent_id = ?");
        mysql::bind(select, intent_id);
        auto row = mysql::query(select);
        if (!row->next()) return std::nullopt;
        auth::Owner owner;
        owner.account_id = static_cast<std::uint64_t>(row->getInt64("buyer_account_id"));
        request.require_access(owner, true);
        return state->sandbox.confirm(session, intent_id, policy);
      });
  if (!signed_callback) {
    throw http::Problem(404, "not-found", "Not found", "no such payment intent");
  }
  // Stored in the confirm's transaction; the worker (of any instance) delivers it. Ours looks
  // at once instead of at its next poll.
  if (state->callback_worker) state->callback_worker->wake();
  boost::json::object answer{
      {"intent_id", intent_id},
      {"status", "confirmed"},
      {"callback", boost::json::object{{"body", signed_callback->body},
                                       {"signature", signed_callback->signature}}}};
  co_return http::Response::json(202, answer);
}

// Called by the channel, not by a user: authenticated by the HMAC signature instead of a token.
boost::asio::awaitable<http::Response> sandbox_callback_route(State state, http::Request& request) {
  co_return co_await handle_sandbox_callback(
      state, request.body, std::string(request.header("x-huicai-signature")), request.request_id);
}

void add_payment_routes(http::Router& router, State state) {
  const auto payment_limit = per_minute(state->context.config().payment_requests_per_minute);
  const auto buyer = auth::AccessRule::roles({{Role::employee, Scope::own_account}});
  router.add({http::Method::post, "/v1/orders/{order_id}/payment-intents", "ordering", buyer,
              [state](http::Request& r) { return create_payment_intent_route(state, r); },
              payment_limit});
  // Off (the default), the sandbox's routes do not exist: nothing can "pay" without money.
  if (!state->context.config().payment_sandbox) return;
  router.add({http::Method::post, "/v1/payments/sandbox/{intent_id}/confirm", "ordering", buyer,
              [state](http::Request& r) { return confirm_sandbox_payment_route(state, r); },
              payment_limit});
  router.add({http::Method::post,
              "/v1/payments/callbacks/sandbox",
              "ordering",
              auth::AccessRule::public_route(),
              [state](http::Request& r) { return sandbox_callback_route(state, r); },
              {}});
}

}  // namespace huicai::ordering
