// 比质比价 price reviews. A SKU priced above its market reference by more than the configured
// margin is not listed, and a listed SKU does not take such a price, until the supplier has
// filed a justification for exactly that price and an operator approved it. The review queue
// shows each request's margin beside the allowed one.
#include <boost/json/serialize.hpp>
#include <huicai/catalog/etag.hpp>
#include <huicai/catalog/field_validator.hpp>
#include <huicai/catalog/price_check.hpp>

#include "catalog_events.hpp"
#include "http_support.hpp"
#include "price_review_repository.hpp"
#include "product_repository.hpp"
#include "routes.hpp"

namespace huicai::catalog {
namespace {
namespace asio = boost::asio;

http::Response review_response(const http::Request& request, int status,
                               const boost::json::object& review) {
  auto text = boost::json::serialize(review);
  const auto etag = content_etag(text);
  return json_with_etag(request, status, std::move(text), etag);
}

// POST /v1/products/{product_id}/skus/{sku_id}/price-justification (the product's supplier
// staff): {"justification": "...", "price_fen": n} (default: the SKU's price now).
asio::awaitable<http::Response> file_justification(StatePtr state, http::Request& request) {
  const auto product_id = id_param(request, "product_id");
  const auto sku_id = id_param(request, "sku_id");
  const auto body = parse_json_object(request);
  FieldValidator fields(body);
  auto justification = fields.text("justification", {true, 6, 500});
  auto price = fields.integer("price_fen", {false, 1, kMaxPriceFen});
  fields.throw_if_failed();
  const auto actor = actor_id(request);
  const auto allowed = state->price_margin_bp;
  auto review = co_await state->context.db().transaction([&](mysql::Session& session) {
    const auto key = load_product_key(session, product_id);
    if (!key.exists) throw not_found("product");
    auth::Owner owner;
    owner.supplier_id = static_cast<std::uint64_t>(key.supplier_id);
    owner.county_id = static_cast<std::uint64_t>(key.county_id);
    request.require_access(owner, true);
    const auto current = lock_sku_price(session, product_id, sku_id);
    const auto justified_price = price.value_or(current.price_fen);
    if (!current.reference_fen) {
      throw conflict("no-market-reference", "No market reference",
                     "the SKU has no market reference price: there is nothing to justify");
    }
    if (!exceeds_margin(justified_price, current.reference_fen, allowed)) {
      throw conflict("price-within-margin", "Price within the margin",
                     "the price is at most " + std::to_string(allowed) +
                         " basis points above the market reference: no review is needed");
    }
    const auto id = file_price_review(
        session,
        {product_id, sku_id, justified_price, *current.reference_fen, allowed, *justification},
        actor);
    auto filed = *price_review_json(session, id);
    audit_always(session, request,
                 {"sku.price_justification_filed", "sku", std::to_string(sku_id), "",
                  boost::json::serialize(filed)});
    return filed;
  });
  co_return review_response(request, 201, review);
}

// GET /v1/price-reviews/{review_id}: operators, auditors, finance; the supplier's staff and
// its county's officer for their own.
asio::awaitable<http::Response> read_review(StatePtr state, http::Request& request) {
  const auto id = id_param(request, "review_id");
  auto review = co_await state->context.db().run([&](mysql::Session& session) {
    PriceReviewOwner found;
    auto review = price_review_json(session, id, &found);
    if (!review) throw not_found("price review");
    auth::Owner owner;
    owner.supplier_id = static_cast<std::uint64_t>(found.supplier_id);
    owner.county_id = static_cast<std::uint64_t>(found.county_id);
    request.require_access(owner, true);
    return *review;
  });
  co_return review_response(request, 200, review);
}

// GET /v1/review/prices?status=pending: the operators' queue, oldest first.
asio::awaitable<http::Response> review_queue(StatePtr state, http::Request& request) {
  std::vector<http::FieldError> errors;
  const auto after = positive_query(request, "cursor", errors).value_or(0);
  const int limit = static_cast<int>(
      std::min<std::int64_t>(positive_query(request, "limit", errors).value_or(50), 100));
  std::string status = request.query_param("status").value_or("");
  if (status.empty()) status = "pending";
  if (status != "pending" && status != "approved" && status != "rejected" &&
      status != "superseded") {
    errors.push_back({"status", "must be one of: pending, approved, rejected, superseded"});
  }
  if (!errors.empty()) throw validation_failed(errors);
  auto items = co_await state->context.db().run(
      [&](mysql::Session& session) { return price_review_queue(session, status, after, limit); });
  co_return page_response(request, std::move(items), limit);
}

// POST /v1/price-reviews/{review_id}/approve | reject (operator; reject needs a reason).
asio::awaitable<http::Response> decide(StatePtr state, http::Request& request, std::string to) {
  const auto id = id_param(request, "review_id");
  const auto reason = action_reason(request, to == "rejected");
  const auto actor = actor_id(request);
  auto review = co_await state->context.db().transaction([&](mysql::Session& session) {
    auto before = price_review_json(session, id);
    if (!before) throw not_found("price review");
    if (!decide_price_review(session, id, to, actor, reason)) {
      throw http::Problem(
          409, "invalid-transition", "Invalid transition",
          "the price review is " + std::string(before->at("status").as_string()) + ", not pending")
          .with("current_status", before->at("status"));
    }
    auto after = *price_review_json(session, id);
    enqueue_price_review_decided(session, id, actor, request.request_id);
    audit_change(session, request,
                 {to == "approved" ? "sku.price_review_approved" : "sku.price_review_rejected",
                  "sku", std::to_string(after.at("sku_id").as_int64()),
                  boost::json::serialize(boost::json::object{{"status", "pending"}}),
                  boost::json::serialize(after)});
    return after;
  });
  co_return review_response(request, 200, review);
}

asio::awaitable<http::Response> approve(StatePtr state, http::Request& request) {
  return decide(std::move(state), request, "approved");
}
asio::awaitable<http::Response> reject(StatePtr state, http::Request& request) {
  return decide(std::move(state), request, "rejected");
}

}  // namespace

void register_price_review_routes(http::Router& router, const StatePtr& state) {
  using http::Method;
  const auto bind = [state](auto handler) {
    return [state, handler](http::Request& request) { return handler(state, request); };
  };
  // clang-format off
  add_route(router, Method::post, "/v1/products/{product_id}/skus/{sku_id}/price-justification", access::supplier_staff_only(), bind(file_justification));
  add_route(router, Method::get,  "/v1/review/prices",                         access::reviewers(),           bind(review_queue));
  add_route(router, Method::get,  "/v1/price-reviews/{review_id}",             access::back_office_readers(), bind(read_review));
  add_route(router, Method::post, "/v1/price-reviews/{review_id}/approve",     access::operator_only(),       bind(approve));
  add_route(router, Method::post, "/v1/price-reviews/{review_id}/reject",      access::operator_only(),       bind(reject));
  // clang-format on
}

}  // namespace huicai::catalog
