// Fulfilments, one per supplier of an order: the supplier's list with packing lists, shipping
// (carrier, tracking number, batch), the buyer's receipt, and the unit's acceptance (验收) per
// line, where a partial acceptance refunds the difference to the fund sources.
#include <boost/json/serialize.hpp>
#include <huicai/core/audit.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/core/json.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <map>

#include "fund_ledger.hpp"
#include "order_records.hpp"
#include "order_transitions.hpp"
#include "refunds.hpp"
#include "request_bodies.hpp"
#include "service_state.hpp"
#include "stock_batches.hpp"
#include "text_limits.hpp"

namespace huicai::ordering {
namespace {

using auth::Role;
using auth::Scope;

struct ShipBody {
  std::string carrier;
  std::string tracking_number;
  std::string batch_number;
};
BOOST_DESCRIBE_STRUCT(ShipBody, (), (carrier, tracking_number, batch_number))

// Whoever may see a fulfilment: its supplier, the buyer, the unit's roles for unit orders.
auth::Owner fulfilment_owner(const OrderRecord& order, const FulfilmentRecord& fulfilment) {
  auto owner = order.owner();
  owner.supplier_id = static_cast<std::uint64_t>(fulfilment.supplier_id);
  owner.county_id = static_cast<std::uint64_t>(fulfilment.county_id);
  return owner;
}

// Loads the order of a fulfilment into `storage`, locked, checks the caller may touch it, and
// returns the fulfilment inside it.
FulfilmentRecord* load_for_change(mysql::Session& session, const http::Request& request,
                                  std::int64_t fulfilment_id, OrderRecord& storage) {
  auto order_id = order_of_fulfilment(session, fulfilment_id);
  auto order = order_id ? load_order(session, *order_id, true) : std::nullopt;
  if (!order) throw http::Problem(404, "not-found", "Not found", "no such fulfilment");
  storage = std::move(*order);
  FulfilmentRecord* fulfilment = nullptr;
  for (auto& candidate : storage.fulfilments) {
    if (candidate.id == fulfilment_id) fulfilment = &candidate;
  }
  request.require_access(fulfilment_owner(storage, *fulfilment), true);
  return fulfilment;
}

boost::json::object with_packing_list(const OrderRecord& order,
                                      const FulfilmentRecord& fulfilment) {
  auto object = fulfilment_to_json(order, fulfilment);
  object["buyer_kind"] = order.buyer_kind;
  object["order_status"] = order.status;
  boost::json::array packing;
  for (const auto& line : order.lines) {
    if (line.fulfilment_id != fulfilment.id) continue;
    packing.push_back(boost::json::object{{"sku_id", line.sku_id},
                                          {"product_title", line.product_title},
                                          {"sku_spec", line.sku_spec},
                                          {"sale_unit", line.sale_unit},
                                          {"quantity", line.quantity},
                                          {"net_weight_grams", line.net_weight_grams}});
  }
  object["packing_list"] = std::move(packing);
  return object;
}

auth::AccessRule read_rule() {
  return auth::AccessRule::roles({{Role::supplier_staff, Scope::own_supplier},
                                  {Role::employee, Scope::own_account},
                                  {Role::unit_buyer, Scope::own_unit},
                                  {Role::unit_approver, Scope::own_unit},
                                  {Role::unit_admin, Scope::unit_subtree},
                                  {Role::finance, Scope::any},
                                  {Role::auditor, Scope::any},
                                  {Role::operator_, Scope::any}});
}

}  // namespace

void add_fulfilment_routes(http::Router& router, State state) {
  router.add(
      http::Route{http::Method::get,
                  "/v1/fulfilments/{fulfilment_id}",
                  "ordering",
                  read_rule(),
                  [state](http::Request& request) -> boost::asio::awaitable<http::Response> {
                    const auto fulfilment_id = path_id(request, "fulfilment_id");
                    auto result = co_await state->context.db().run([&](mysql::Session& session) {
                      auto order_id = order_of_fulfilment(session, fulfilment_id);
                      auto order = order_id ? load_order(session, *order_id) : std::nullopt;
                      if (!order)
                        throw http::Problem(404, "not-found", "Not found", "no such fulfilment");
                      const auto* fulfilment = order->fulfilment(fulfilment_id);
                      request.require_access(fulfilment_owner(*order, *fulfilment), true);
                      return with_packing_list(*order, *fulfilment);
                    });
                    co_return http::Response::json(200, result);
                  },
                  {}});

  // The supplier's fulfilments (finance, auditors, operators: any supplier_id, or all).
  router.add(http::Route{
      http::Method::get,
      "/v1/fulfilments",
      "ordering",
      auth::AccessRule::roles({{Role::supplier_staff, Scope::own_supplier},
                               {Role::finance, Scope::any},
                               {Role::auditor, Scope::any},
                               {Role::operator_, Scope::any}}),
      [state](http::Request& request) -> boost::asio::awaitable<http::Response> {
        const auto scope = request.list_scope();
        std::int64_t supplier_id = 0;
        if (auto own = scope.supplier_id()) {
          supplier_id = *own;
        } else if (auto text = request.query_param("supplier_id")) {
          try {
            supplier_id = std::stoll(*text);
          } catch (...) {
            throw_validation_failed({{"supplier_id", "must be a number"}});
          }
        }
        const auto status = request.query_param("status");
        if (status && !fulfilment_status_from_string(*status)) {
          throw_validation_failed({{"status", "unknown status"}});
        }
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
              "SELECT id, order_id FROM ordering_fulfilments WHERE (? = 0 OR supplier_id = ?) AND "
              "(? = '' OR status = ?) AND id < ? ORDER BY id DESC LIMIT 21");
          const std::string wanted = status.value_or("");
          mysql::bind(select, supplier_id, supplier_id, wanted, wanted, before);
          auto rows = mysql::query(select);
          std::vector<std::pair<std::int64_t, std::int64_t>> ids;
          while (rows->next()) ids.emplace_back(rows->getInt64("id"), rows->getInt64("order_id"));
          boost::json::array items;
          for (const auto& [fulfilment_id, order_id] : ids) {
            auto order = load_order(session, order_id);
            if (!order) continue;
            items.push_back(with_packing_list(*order, *order->fulfilment(fulfilment_id)));
          }
          return items;
        });
        boost::json::value next = nullptr;
        if (items.size() > 20) {
          items.pop_back();
          next = std::to_string(items.back().as_object().at("id").as_int64());
        }
        co_return http::Response::json(
            200, boost::json::object{{"items", items}, {"next_cursor", next}});
      },
      {}});

  router.add(http::Route{
      http::Method::post,
      "/v1/fulfilments/{fulfilment_id}/ship",
      "ordering",
      auth::AccessRule::roles({{Role::supplier_staff, Scope::own_supplier}}),
      [state](http::Request& request) -> boost::asio::awaitable<http::Response> {
        const auto fulfilment_id = path_id(request, "fulfilment_id");
        const auto body = decode_json<ShipBody>(request.body);
        Validator check;
        check.text("carrier", body.carrier, 1, kMaxShippingCharacters);
        check.text("tracking_number", body.tracking_number, 1, kMaxShippingCharacters);
        check.text("batch_number", body.batch_number, 1, kMaxShippingCharacters);
        check.throw_if_any();
        const auto actor = actor_of(request);
        auto result = co_await state->context.db().transaction(
            [&](mysql::Session& session) {
              OrderRecord order;
              auto* fulfilment = load_for_change(session, request, fulfilment_id, order);
              const std::string from = fulfilment->status;
              set_fulfilment_status(session, *fulfilment, FulfilmentStatus::shipped);
              auto& update = session.prepare(
                  "UPDATE ordering_fulfilments SET carrier = ?, tracking_number = ?, batch_number "
                  "= ? "
                  "WHERE id = ?");
              mysql::bind(update, body.carrier, body.tracking_number, body.batch_number,
                          fulfilment_id);
              update.executeUpdate();
              fulfilment->carrier = body.carrier;
              fulfilment->tracking_number = body.tracking_number;
              fulfilment->batch_number = body.batch_number;
              ship_fulfilment_stock(session, order, fulfilment_id);
              record_history(session, order.id, fulfilment_id, from, fulfilment->status, actor);
              emit_fulfilment_changed(session, order, *fulfilment, "fulfilment_shipped", from,
                                      actor);
              auto fresh = load_order(session, order.id);
              return with_packing_list(*fresh, *fresh->fulfilment(fulfilment_id));
            },
            mysql::Isolation::read_committed);
        co_return http::Response::json(200, result);
      },
      {}});

  router.add(http::Route{
      http::Method::post,
      "/v1/fulfilments/{fulfilment_id}/receive",
      "ordering",
      auth::AccessRule::roles(
          {{Role::employee, Scope::own_account}, {Role::unit_buyer, Scope::own_unit}}),
      [state](http::Request& request) -> boost::asio::awaitable<http::Response> {
        const auto fulfilment_id = path_id(request, "fulfilment_id");
        const auto actor = actor_of(request, "receipt confirmed");
        auto result = co_await state->context.db().transaction([&](mysql::Session& session) {
          OrderRecord order;
          auto* fulfilment = load_for_change(session, request, fulfilment_id, order);
          const std::string from = fulfilment->status;
          set_fulfilment_status(session, *fulfilment, FulfilmentStatus::received);
          record_history(session, order.id, fulfilment_id, from, fulfilment->status, actor);
          emit_fulfilment_changed(session, order, *fulfilment, "fulfilment_received", from, actor);
          complete_if_done(session, order, actor);
          auto fresh = load_order(session, order.id);
          return with_packing_list(*fresh, *fresh->fulfilment(fulfilment_id));
        });
        co_return http::Response::json(200, result);
      },
      {}});

  router.add(http::Route{
      http::Method::post,
      "/v1/fulfilments/{fulfilment_id}/accept",
      "ordering",
      auth::AccessRule::roles(
          {{Role::unit_buyer, Scope::own_unit}, {Role::unit_admin, Scope::unit_subtree}}),
      [state](http::Request& request) -> boost::asio::awaitable<http::Response> {
        const auto fulfilment_id = path_id(request, "fulfilment_id");
        const auto body = decode_accept_body(request.body);
        const auto actor = actor_of(request, "acceptance recorded");
        co_return co_await state->idempotency.run(request, [&](mysql::Session& session) {
          OrderRecord order;
          auto* fulfilment = load_for_change(session, request, fulfilment_id, order);
          if (order.buyer_kind != "unit") {
            throw http::Problem(
                409, "not-a-unit-order", "Not a unit order",
                "acceptance is recorded for unit orders; employees confirm receipt");
          }
          if (fulfilment->status != "received") {
            throw_invalid_transition("the fulfilment", fulfilment->status, "accepted");
          }
          std::map<std::int64_t, const AcceptLineBody*> given;
          std::vector<http::FieldError> errors;
          for (std::size_t i = 0; i < body.lines.size(); ++i) {
            given[body.lines[i].line_id] = &body.lines[i];
          }
          std::int64_t accepted_total = 0;
          RefundRequest refund;
          refund.reason_kind = "partial_acceptance";
          refund.fulfilment_id = fulfilment_id;
          auto& update_line = session.prepare(
              "UPDATE ordering_order_lines SET accepted_quantity = ?, accepted_weight_grams = ?, "
              "accepted_amount_fen = ?, acceptance_reason = ? WHERE id = ?");
          std::size_t matched = 0;
          for (auto& line : order.lines) {
            if (line.fulfilment_id != fulfilment_id) continue;
            AcceptanceInput input{line.quantity, std::nullopt};
            std::optional<std::string> reason;
            if (auto it = given.find(line.id); it != given.end()) {
              ++matched;
              input = {it->second->accepted_quantity, it->second->accepted_weight_grams};
              reason = it->second->reason;
            }
            auto accepted = accepted_amount(
                {line.quantity, line.unit_price_fen, line.line_total_fen, line.net_weight_grams},
                input);
            if (accepted.error != AcceptanceError::none) {
              errors.push_back({"lines[line_id=" + std::to_string(line.id) + "]",
                                "give accepted_quantity (0..quantity) or accepted_weight_grams "
                                "(0..quantity x net weight), one of them"});
              continue;
            }
            mysql::bind(update_line, input.accepted_quantity, input.accepted_weight_grams,
                        accepted.accepted_amount_fen, reason, line.id);
            update_line.executeUpdate();
            line.accepted_quantity = input.accepted_quantity;
            line.accepted_weight_grams = input.accepted_weight_grams;
            line.accepted_amount_fen = accepted.accepted_amount_fen;
            line.acceptance_reason = reason;
            accepted_total += accepted.accepted_amount_fen;
            if (accepted.refund_fen > 0) {
              refund.lines.push_back({line.id, accepted.refund_fen});
              refund.amount_fen += accepted.refund_fen;
            }
          }
          if (matched != given.size())
            errors.push_back({"lines", "a line_id is not in this fulfilment"});
          if (!errors.empty()) throw_validation_failed(errors);

          const std::string from = fulfilment->status;
          set_fulfilment_status(session, *fulfilment, FulfilmentStatus::accepted);
          auto& update =
              session.prepare("UPDATE ordering_fulfilments SET accepted_fen = ? WHERE id = ?");
          mysql::bind(update, accepted_total, fulfilment_id);
          update.executeUpdate();
          fulfilment->accepted_fen = accepted_total;
          record_history(session, order.id, fulfilment_id, from, fulfilment->status, actor);
          emit_fulfilment_changed(session, order, *fulfilment, "fulfilment_accepted", from, actor);
          if (refund.amount_fen > 0) {
            refund_to_sources(session, order, refund, state->sandbox, actor);
          }
          complete_if_done(session, order, actor);
          const audit::Change change{
              "fulfilment.accepted", "fulfilment", std::to_string(fulfilment_id),
              boost::json::serialize(boost::json::object{{"status", from}}),
              boost::json::serialize(boost::json::object{{"status", "accepted"},
                                                         {"accepted_fen", accepted_total},
                                                         {"refunded_fen", refund.amount_fen}})};
          audit::record_privileged(session, kOutboxTable, kProducer, request, change);
          auto fresh = load_order(session, order.id);
          auto answer = with_packing_list(*fresh, *fresh->fulfilment(fulfilment_id));
          answer["refunded_now_fen"] = refund.amount_fen;
          return http::Response::json(200, answer);
        });
      },
      {}});
}

}  // namespace huicai::ordering
