// PUT /v1/products/{product_id}/skus/{sku_id}/market-reference-price: the operator's 比质比价
// reference for a SKU ({"market_reference_price_fen": 4200} or null to clear it). Buyers and
// reviewers see a SKU priced above it flagged (above_market_reference), so the supplier whose
// price is checked must not set it: its product and SKU routes refuse the field. A write bumps
// the product's version (If-Match honoured) and leaves an audit entry with the old and new
// value (the audit log is the reference price's history; catalog_price_history records the
// supplier's own price).
#include <boost/json/serialize.hpp>
#include <huicai/catalog/etag.hpp>
#include <huicai/catalog/field_validator.hpp>

#include "catalog_events.hpp"
#include "http_support.hpp"
#include "product_repository.hpp"
#include "repository_support.hpp"
#include "routes.hpp"

namespace huicai::catalog {
namespace {
namespace asio = boost::asio;

boost::json::object reference_summary(std::int64_t sku_id, std::optional<std::int64_t> value) {
  return {{"sku_id", sku_id},
          {"market_reference_price_fen", value ? boost::json::value(*value) : nullptr}};
}

asio::awaitable<http::Response> set_reference_route(const StatePtr& state, http::Request& request) {
  const auto product_id = id_param(request, "product_id");
  const auto sku_id = id_param(request, "sku_id");
  const auto expected = if_match_version(request);
  const auto body = parse_json_object(request);
  FieldValidator fields(body);
  const auto price = fields.integer("market_reference_price_fen", {false, 1, kMaxPriceFen});
  if (!fields.present("market_reference_price_fen") &&
      !fields.is_null("market_reference_price_fen")) {
    fields.fail("market_reference_price_fen", "is required (null clears it)");
  }
  fields.throw_if_failed();
  auto product = co_await state->context.db().transaction([&](mysql::Session& session) {
    if (!load_product_key(session, product_id).exists) throw not_found("product");
    if (bump_product_version(session, product_id, expected) == 0) {
      throw_cas_failure(read_row_state(session, "catalog_products", product_id), expected,
                        "product", "set the market reference price");
    }
    const auto before = set_market_reference_price(session, product_id, sku_id, price);
    audit_change(session, request,
                 {"sku.market_reference_price_set", "sku", std::to_string(sku_id),
                  boost::json::serialize(reference_summary(sku_id, before)),
                  boost::json::serialize(reference_summary(sku_id, price))});
    return *product_detail(session, product_id);
  });
  co_await state->cache.changed();
  auto text = boost::json::serialize(product);
  const auto etag = versioned_content_etag(product.at("version").as_int64(), text);
  co_return json_with_etag(request, 200, std::move(text), etag);
}

}  // namespace

void register_market_reference_routes(http::Router& router, const StatePtr& state) {
  add_route(router, http::Method::put,
            "/v1/products/{product_id}/skus/{sku_id}/market-reference-price",
            access::operator_only(),
            [state](http::Request& request) { return set_reference_route(state, request); });
}

}  // namespace huicai::catalog
