// Approvals of unit orders above the unit's threshold: approvers of the unit (or an admin above
// it) approve, which captures the held budget and lets suppliers ship, or reject with a reason,
// which releases stock and budget. The buyer may not approve their own order, nor may an
// approver approve the order of an account it created within
// HUICAI_ORDER_APPROVAL_CREATOR_WINDOW_DAYS (identity's account directory says who created it).
#include <boost/json/serialize.hpp>
#include <huicai/core/audit.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/core/json.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

#include "order_records.hpp"
#include "order_transitions.hpp"
#include "org_view.hpp"
#include "service_state.hpp"
#include "text_limits.hpp"

namespace huicai::ordering {
namespace {

using auth::Role;
using auth::Scope;

struct DecisionBody {
  std::optional<std::string> reason;
};
BOOST_DESCRIBE_STRUCT(DecisionBody, (), (reason))

auth::AccessRule approver_rule() {
  return auth::AccessRule::roles(
      {{Role::unit_approver, Scope::own_unit}, {Role::unit_admin, Scope::unit_subtree}});
}

boost::asio::awaitable<http::Response> decide(State state, http::Request& request, bool approve) {
  const auto order_id = path_id(request, "order_id");
  const auto body = decode_json<DecisionBody>(request.body.empty() ? "{}" : request.body);
  const std::string reason = body.reason.value_or("");
  Validator check;
  if (!approve) check.require(!reason.empty(), "reason", "a rejection needs a reason");
  check.text("reason", reason, 0, kMaxReasonCharacters);
  check.throw_if_any();
  const auto actor = actor_of(request, reason);
  const int creator_window_days =
      static_cast<int>(state->context.config().order_approval_creator_window.count());
  auto order = co_await state->context.db().transaction(
      [&](mysql::Session& session) {
        auto order = load_order(session, order_id, true);
        if (!order || order->buyer_kind != "unit") {
          throw http::Problem(404, "not-found", "Not found", "no such unit order");
        }
        request.require_access(order->owner(), true);
        if (order->buyer_account_id == actor.account_id) {
          throw http::Problem(403, "own-order", "Cannot decide on your own order",
                              "an order is approved by someone other than its buyer");
        }
        // Four eyes: nor an order of an account the approver created lately (it could have
        // created a buyer to approve its own spending).
        if (approve && created_recently_by(session, order->buyer_account_id, actor.account_id,
                                           creator_window_days)) {
          throw http::Problem(403, "approver-created-buyer", "Cannot approve this buyer's order",
                              "the buyer's account was created by you within the last " +
                                  std::to_string(creator_window_days) + " days");
        }
        if (order->status != "pending_approval") {
          throw_invalid_transition("the order", order->status, approve ? "paid" : "rejected");
        }
        const std::string before = order->status;
        if (approve) {
          mark_paid(session, *order, actor, OrderTimes::reload);
        } else {
          end_order(session, *order, OrderStatus::rejected, actor);
        }
        boost::json::object after{{"status", approve ? "paid" : "rejected"},
                                  {"total_fen", order->total_fen}};
        if (!reason.empty()) after["reason"] = reason;
        const audit::Change change{approve ? "order.approved" : "order.rejected", "order",
                                   std::to_string(order_id),
                                   boost::json::serialize(boost::json::object{{"status", before}}),
                                   boost::json::serialize(after)};
        audit::record_privileged(session, kOutboxTable, kProducer, request, change);
        return *order;
      },
      mysql::Isolation::read_committed);
  co_return http::Response::json(200, order_to_json(order));
}

}  // namespace

void add_approval_routes(http::Router& router, State state) {
  router.add(http::Route{http::Method::post,
                         "/v1/orders/{order_id}/approve",
                         "ordering",
                         approver_rule(),
                         [state](http::Request& request) { return decide(state, request, true); },
                         {}});
  router.add(http::Route{http::Method::post,
                         "/v1/orders/{order_id}/reject",
                         "ordering",
                         approver_rule(),
                         [state](http::Request& request) { return decide(state, request, false); },
                         {}});

  // Approvals waiting in (or decided for) the caller's unit, newest first.
  router.add(http::Route{
      http::Method::get,
      "/v1/approvals",
      "ordering",
      approver_rule(),
      [state](http::Request& request) -> boost::asio::awaitable<http::Response> {
        const auto scope = request.list_scope();  // 403 for an account with no unit
        const std::string status = request.query_param("status").value_or("pending");
        const bool subtree = scope.scope == Scope::unit_subtree;
        std::int64_t before = INT64_MAX;
        if (auto cursor = request.query_param("cursor")) {
          try {
            before = std::stoll(*cursor);
          } catch (...) {
            throw_validation_failed({{"cursor", "not a cursor from a previous page"}});
          }
        }
        auto items = co_await state->context.db().run([&](mysql::Session& session) {
          auto& select = session.prepare(
              std::string(
                  "SELECT a.id, a.order_id, a.status, a.requested_by, a.decided_by, "
                  "a.reason, a.requested_at, a.deadline, o.total_fen, o.unit_path FROM "
                  "ordering_approvals a JOIN ordering_orders o ON o.id = a.order_id WHERE ") +
              (subtree ? "a.unit_path LIKE ?" : "a.unit_path = ?") +
              " AND a.status = ? AND a.id < ? ORDER BY a.id DESC LIMIT 51");
          mysql::bind(select, subtree ? scope.unit_path + "%" : scope.unit_path, status, before);
          auto rows = mysql::query(select);
          boost::json::array items;
          while (rows->next()) {
            auto decided = mysql::get_optional_int64(*rows, "decided_by");
            items.push_back(boost::json::object{
                {"id", rows->getInt64("id")},
                {"order_id", rows->getInt64("order_id")},
                {"status", mysql::get_string(*rows, "status")},
                {"requested_by", rows->getInt64("requested_by")},
                {"decided_by",
                 decided ? boost::json::value(*decided) : boost::json::value(nullptr)},
                {"reason", mysql::get_string(*rows, "reason")},
                {"requested_at", iso_time(mysql::get_string(*rows, "requested_at"))},
                {"deadline", iso_time(mysql::get_string(*rows, "deadline"))},
                {"total_fen", rows->getInt64("total_fen")},
                {"unit_path", mysql::get_string(*rows, "unit_path")}});
          }
          return items;
        });
        boost::json::value next = nullptr;
        if (items.size() > 50) {
          items.pop_back();
          next = std::to_string(items.back().as_object().at("id").as_int64());
        }
        co_return http::Response::json(
            200, boost::json::object{{"items", items}, {"next_cursor", next}});
      },
      {}});
}

}  // namespace huicai::ordering
