// After-sales refund requests: the buyer asks for a full or partial refund of a fulfilment
// (reason, evidence URLs); its supplier accepts (refunded at once, back to the fund sources in
// reverse order of use) or rejects; the buyer may dispute a rejection, and an operator decides.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <huicai/core/audit.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/core/json.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

#include "order_records.hpp"
#include "order_transitions.hpp"
#include "refunds.hpp"
#include "request_bodies.hpp"
#include "service_state.hpp"
#include "text_limits.hpp"

namespace huicai::ordering {
namespace {

using auth::Role;
using auth::Scope;

struct DecisionBody {
  std::string decision;
  std::optional<std::string> reason;
};
BOOST_DESCRIBE_STRUCT(DecisionBody, (), (decision, reason))

struct AfterSale {
  std::int64_t id = 0, order_id = 0, fulfilment_id = 0, supplier_id = 0, buyer_account_id = 0,
               amount_fen = 0, version = 0;
  std::string unit_path, reason, evidence_urls, status;
  std::optional<std::string> supplier_reason, operator_reason;
  std::optional<std::int64_t> refund_id;
  std::string created_at;
};

std::optional<AfterSale> load_after_sale(mysql::Session& session, std::int64_t id, bool lock) {
  std::string sql =
      "SELECT id, order_id, fulfilment_id, supplier_id, buyer_account_id, unit_path, amount_fen, "
      "reason, evidence_urls, status, supplier_reason, operator_reason, refund_id, version, "
      "created_at FROM ordering_after_sales WHERE id = ?";
  if (lock) sql += " FOR UPDATE";
  auto& select = session.prepare(sql);
  mysql::bind(select, id);
  auto row = mysql::query(select);
  if (!row->next()) return std::nullopt;
  AfterSale sale;
  sale.id = row->getInt64("id");
  sale.order_id = row->getInt64("order_id");
  sale.fulfilment_id = row->getInt64("fulfilment_id");
  sale.supplier_id = row->getInt64("supplier_id");
  sale.buyer_account_id = row->getInt64("buyer_account_id");
  sale.unit_path = mysql::get_string(*row, "unit_path");
  sale.amount_fen = row->getInt64("amount_fen");
  sale.reason = mysql::get_string(*row, "reason");
  sale.evidence_urls = mysql::get_string(*row, "evidence_urls");
  sale.status = mysql::get_string(*row, "status");
  sale.supplier_reason = mysql::get_optional_string(*row, "supplier_reason");
  sale.operator_reason = mysql::get_optional_string(*row, "operator_reason");
  sale.refund_id = mysql::get_optional_int64(*row, "refund_id");
  sale.version = row->getInt64("version");
  sale.created_at = mysql::get_string(*row, "created_at");
  return sale;
}

boost::json::object after_sale_json(const AfterSale& sale) {
  auto optional = [](const auto& value) {
    return value ? boost::json::value(*value) : boost::json::value(nullptr);
  };
  boost::system::error_code error;
  auto evidence = boost::json::parse(sale.evidence_urls, error);
  return boost::json::object{{"id", sale.id},
                             {"order_id", sale.order_id},
                             {"fulfilment_id", sale.fulfilment_id},
                             {"supplier_id", sale.supplier_id},
                             {"buyer_account_id", sale.buyer_account_id},
                             {"amount_fen", sale.amount_fen},
                             {"reason", sale.reason},
                             {"evidence_urls", error ? boost::json::array() : evidence},
                             {"status", sale.status},
                             {"supplier_reason", optional(sale.supplier_reason)},
                             {"operator_reason", optional(sale.operator_reason)},
                             {"refund_id", optional(sale.refund_id)},
                             {"created_at", iso_time(sale.created_at)}};
}

auth::Owner after_sale_owner(const AfterSale& sale) {
  auth::Owner owner;
  owner.account_id = static_cast<std::uint64_t>(sale.buyer_account_id);
  if (!sale.unit_path.empty()) owner.unit_path = sale.unit_path;
  owner.supplier_id = static_cast<std::uint64_t>(sale.supplier_id);
  return owner;
}

// What the fulfilment's lines may still give back: line total minus what was refunded already
// (a partial acceptance counts as refunded).
std::vector<RefundLineAmount> remaining_by_line(const OrderRecord& order,
                                                std::int64_t fulfilment_id) {
  std::vector<RefundLineAmount> lines;
  for (const auto& line : order.lines) {
    if (line.fulfilment_id == fulfilment_id) {
      lines.push_back({line.id, line.line_total_fen - line.refunded_fen});
    }
  }
  return lines;
}

// Refund requests ever filed for the fulfilment, whatever became of them.
std::int64_t after_sales_of(mysql::Session& session, std::int64_t fulfilment_id) {
  auto& count =
      session.prepare("SELECT COUNT(*) AS n FROM ordering_after_sales WHERE fulfilment_id = ?");
  mysql::bind(count, fulfilment_id);
  auto row = mysql::query(count);
  row->next();
  return row->getInt64("n");
}

// CAS of an after-sale's status.
void set_status(mysql::Session& session, AfterSale& sale, const std::string& to,
                const char* reason_column, const std::string& reason) {
  auto& update =
      session.prepare(std::string("UPDATE ordering_after_sales SET status = ?, ") + reason_column +
                      " = ?, version = version + 1, updated_at = NOW(6) WHERE id = ? "
                      "AND status = ? AND version = ?");
  mysql::bind(update, to, reason, sale.id, sale.status, sale.version);
  if (update.executeUpdate() != 1) throw_invalid_transition("the refund request", sale.status, to);
  sale.status = to;
  sale.version += 1;
}

// Pays the request out: spreads the amount over the fulfilment's lines, then over the sources.
void refund_after_sale(mysql::Session& session, State& state, AfterSale& sale, const Actor& actor) {
  auto order = load_order(session, sale.order_id, true);
  if (!order) throw std::logic_error("after-sale of a missing order");
  RefundRequest refund;
  refund.reason_kind = "after_sale";
  refund.fulfilment_id = sale.fulfilment_id;
  refund.after_sale_id = sale.id;
  refund.amount_fen = sale.amount_fen;
  std::int64_t left = sale.amount_fen;
  for (const auto& line : remaining_by_line(*order, sale.fulfilment_id)) {
    const std::int64_t take = std::min(left, line.amount_fen);
    if (take > 0) refund.lines.push_back({line.line_id, take});
    left -= take;
  }
  if (left > 0) {
    throw http::Problem(409, "refund-exceeds-paid", "Refund exceeds what was paid",
                        "the fulfilment has less left to refund than requested");
  }
  const auto refund_id = refund_to_sources(session, *order, refund, state->sandbox, actor);
  auto& update = session.prepare("UPDATE ordering_after_sales SET refund_id = ? WHERE id = ?");
  mysql::bind(update, refund_id, sale.id);
  update.executeUpdate();
  sale.refund_id = refund_id;
}

}  // namespace

void add_after_sales_routes(http::Router& router, State state) {
  router.add(http::Route{
      http::Method::post, "/v1/orders/{order_id}/after-sales", "ordering",
      auth::AccessRule::roles(
          {{Role::employee, Scope::own_account}, {Role::unit_buyer, Scope::own_unit}}),
      [state](http::Request& request) -> boost::asio::awaitable<http::Response> {
        const auto order_id = path_id(request, "order_id");
        const auto body = decode_after_sale_body(request.body);
        const auto cap =
            static_cast<std::int64_t>(state->context.config().after_sales_per_fulfilment);
        co_return co_await state->idempotency.run(request, [&](mysql::Session& session) {
          auto order = load_order(session, order_id, true);
          if (!order) throw http::Problem(404, "not-found", "Not found", "no such order");
          request.require_access(order->owner(), true);
          const auto* fulfilment = order->fulfilment(body.fulfilment_id);
          if (!fulfilment) {
            throw_validation_failed({{"fulfilment_id", "not a fulfilment of this order"}});
          }
          if (fulfilment->status != "shipped" && fulfilment->status != "received" &&
              fulfilment->status != "accepted") {
            throw http::Problem(409, "not-delivered", "Nothing delivered yet",
                                "refunds are requested for shipped goods; cancel unpaid orders")
                .with("current_status", boost::json::string(fulfilment->status));
          }
          // The order row is locked: concurrent requests for one fulfilment count in turn.
          if (after_sales_of(session, fulfilment->id) >= cap) {
            throw http::Problem(
                409, "after-sales-limit", "Too many refund requests",
                "a fulfilment takes at most " + std::to_string(cap) + " refund requests")
                .with("limit", cap);
          }
          std::int64_t remaining = 0;
          for (const auto& line : remaining_by_line(*order, fulfilment->id))
            remaining += line.amount_fen;
          const std::int64_t amount = body.kind == "full" ? remaining : *body.amount_fen;
          if (amount <= 0 || amount > remaining) {
            throw http::Problem(409, "refund-exceeds-paid", "Refund exceeds what was paid",
                                "at most " + std::to_string(remaining) + " fen can be refunded")
                .with("refundable_fen", remaining);
          }
          boost::json::array evidence;
          for (const auto& url : body.evidence_urls.value_or(std::vector<std::string>{})) {
            evidence.push_back(boost::json::string(url));
          }
          auto& insert = session.prepare(
              "INSERT INTO ordering_after_sales (order_id, fulfilment_id, supplier_id, "
              "buyer_account_id, unit_path, amount_fen, reason, evidence_urls, status) VALUES "
              "(?, ?, ?, ?, ?, ?, ?, ?, 'requested')");
          mysql::bind(insert, order->id, fulfilment->id, fulfilment->supplier_id,
                      order->buyer_account_id, order->buyer_kind == "unit" ? order->unit_path : "",
                      amount, body.reason, boost::json::serialize(evidence));
          insert.executeUpdate();
          auto& last = session.prepare("SELECT LAST_INSERT_ID() AS id");
          auto row = mysql::query(last);
          row->next();
          auto sale = load_after_sale(session, row->getInt64("id"), false);
          return http::Response::json(201, after_sale_json(*sale));
        });
      },
      per_minute(state->context.config().after_sales_requests_per_minute)});

  router.add(
      http::Route{http::Method::get,
                  "/v1/after-sales/{after_sale_id}",
                  "ordering",
                  auth::AccessRule::roles({{Role::employee, Scope::own_account},
                                           {Role::unit_buyer, Scope::own_unit},
                                           {Role::unit_admin, Scope::unit_subtree},
                                           {Role::supplier_staff, Scope::own_supplier},
                                           {Role::operator_, Scope::any},
                                           {Role::finance, Scope::any},
                                           {Role::auditor, Scope::any}}),
                  [state](http::Request& request) -> boost::asio::awaitable<http::Response> {
                    const auto id = path_id(request, "after_sale_id");
                    auto sale = co_await state->context.db().run([&](mysql::Session& session) {
                      return load_after_sale(session, id, false);
                    });
                    if (!sale)
                      throw http::Problem(404, "not-found", "Not found", "no such refund request");
                    request.require_access(after_sale_owner(*sale), true);
                    co_return http::Response::json(200, after_sale_json(*sale));
                  },
                  {}});

  router.add(http::Route{
      http::Method::post,
      "/v1/after-sales/{after_sale_id}/supplier-decision",
      "ordering",
      auth::AccessRule::roles({{Role::supplier_staff, Scope::own_supplier}}),
      [state](http::Request& request) -> boost::asio::awaitable<http::Response> {
        const auto id = path_id(request, "after_sale_id");
        const auto body = decode_json<DecisionBody>(request.body);
        Validator check;
        check.require(body.decision == "accept" || body.decision == "reject", "decision",
                      "must be accept or reject");
        check.require(body.decision == "accept" || !body.reason.value_or("").empty(), "reason",
                      "a rejection needs a reason");
        check.text("reason", body.reason.value_or(""), 0, kMaxReasonCharacters);
        check.throw_if_any();
        auto actor = actor_of(request, body.reason.value_or(""));
        auto state_copy = state;
        co_return co_await state->idempotency.run(request, [&](mysql::Session& session) {
          auto sale = load_after_sale(session, id, true);
          if (!sale) throw http::Problem(404, "not-found", "Not found", "no such refund request");
          auth::Owner owner;
          owner.supplier_id = static_cast<std::uint64_t>(sale->supplier_id);
          request.require_access(owner, true);
          if (sale->status != "requested") {
            throw_invalid_transition("the refund request", sale->status,
                                     body.decision == "accept" ? "refunded" : "supplier_rejected");
          }
          if (body.decision == "accept") {
            set_status(session, *sale, "refunded", "supplier_reason", body.reason.value_or(""));
            refund_after_sale(session, state_copy, *sale, actor);
          } else {
            set_status(session, *sale, "supplier_rejected", "supplier_reason", *body.reason);
          }
          return http::Response::json(200, after_sale_json(*sale));
        });
      },
      {}});

  router.add(http::Route{
      http::Method::post,
      "/v1/after-sales/{after_sale_id}/dispute",
      "ordering",
      auth::AccessRule::roles(
          {{Role::employee, Scope::own_account}, {Role::unit_buyer, Scope::own_unit}}),
      [state](http::Request& request) -> boost::asio::awaitable<http::Response> {
        const auto id = path_id(request, "after_sale_id");
        const auto body = decode_json<DecisionBody>(
            request.body.empty() ? R"({"decision":"dispute"})" : request.body);
        Validator check;
        check.text("reason", body.reason.value_or(""), 0, kMaxReasonCharacters);
        check.throw_if_any();
        auto sale = co_await state->context.db().transaction([&](mysql::Session& session) {
          auto sale = load_after_sale(session, id, true);
          if (!sale) throw http::Problem(404, "not-found", "Not found", "no such refund request");
          request.require_access(after_sale_owner(*sale), true);
          if (sale->status != "supplier_rejected") {
            throw_invalid_transition("the refund request", sale->status, "disputed");
          }
          set_status(session, *sale, "disputed", "operator_reason", body.reason.value_or(""));
          return *sale;
        });
        co_return http::Response::json(200, after_sale_json(sale));
      },
      {}});

  router.add(http::Route{
      http::Method::post,
      "/v1/after-sales/{after_sale_id}/operator-decision",
      "ordering",
      auth::AccessRule::roles({{Role::operator_, Scope::any}}),
      [state](http::Request& request) -> boost::asio::awaitable<http::Response> {
        const auto id = path_id(request, "after_sale_id");
        const auto body = decode_json<DecisionBody>(request.body);
        Validator check;
        check.require(body.decision == "refund" || body.decision == "no_refund", "decision",
                      "must be refund or no_refund");
        check.require(!body.reason.value_or("").empty(), "reason", "an operator gives a reason");
        check.text("reason", body.reason.value_or(""), 0, kMaxReasonCharacters);
        check.throw_if_any();
        auto actor = actor_of(request, *body.reason);
        auto state_copy = state;
        co_return co_await state->idempotency.run(request, [&](mysql::Session& session) {
          auto sale = load_after_sale(session, id, true);
          if (!sale) throw http::Problem(404, "not-found", "Not found", "no such refund request");
          if (sale->status != "disputed") {
            throw_invalid_transition("the refund request", sale->status, "resolved");
          }
          const std::string before = sale->status;
          const std::string after =
              body.decision == "refund" ? "resolved_refund" : "resolved_no_refund";
          set_status(session, *sale, after, "operator_reason", *body.reason);
          if (body.decision == "refund") refund_after_sale(session, state_copy, *sale, actor);
          const audit::Change change{
              "after_sale.decided", "after_sale", std::to_string(id),
              boost::json::serialize(boost::json::object{{"status", before}}),
              boost::json::serialize(boost::json::object{{"status", after},
                                                         {"decision", body.decision},
                                                         {"amount_fen", sale->amount_fen},
                                                         {"reason", *body.reason}})};
          audit::record_privileged(session, kOutboxTable, kProducer, request, change);
          return http::Response::json(200, after_sale_json(*sale));
        });
      },
      {}});
}

}  // namespace huicai::ordering
