// Holiday campaigns (春节, 扶贫日 17 October, 中秋): operators define a campaign with a window,
// featured products, and per SKU a campaign price and stock cap; everyone signed in browses
// them (?state=active is what the shop shows); an operator may end one early. The price in
// effect is computed from the window (catalog_sku_pricing), so nothing runs at its edges;
// each definition and early end is an event (catalog.campaign_changed.v1) and audited.
#include <boost/json/serialize.hpp>
#include <huicai/catalog/campaign_rules.hpp>
#include <huicai/catalog/etag.hpp>
#include <huicai/catalog/field_validator.hpp>
#include <set>

#include "campaign_repository.hpp"
#include "catalog_events.hpp"
#include "http_support.hpp"
#include "product_repository.hpp"
#include "routes.hpp"

namespace huicai::catalog {
namespace {
namespace asio = boost::asio;

constexpr std::size_t kMaxCampaignSkus = 200;
constexpr std::size_t kMaxFeaturedProducts = 50;
constexpr std::int64_t kMaxStockCap = 1'000'000'000;

http::Response campaign_response(const http::Request& request, int status,
                                 const boost::json::object& campaign) {
  auto text = boost::json::serialize(campaign);
  const auto etag = content_etag(text);
  return json_with_etag(request, status, std::move(text), etag);
}

std::optional<std::string> window_edge(FieldValidator& fields, std::string_view name) {
  auto text = fields.text(name, {true, 1, 32});
  if (!text) return std::nullopt;
  auto time = campaign_time(*text);
  if (!time) fields.fail(name, "must be a UTC time like 2027-10-17T00:00:00Z");
  return time;
}

CampaignInput read_campaign(const boost::json::object& body) {
  FieldValidator fields(body);
  CampaignInput input;
  auto code = fields.text("code", {true, 2, 32});
  if (code &&
      code->find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") != std::string::npos) {
    fields.fail("code", "must be lower-case letters, digits, '-' and '_'");
  }
  auto name = fields.text("name", {true, 1, 64});
  auto kind =
      fields.choice("kind", true, {"spring_festival", "poverty_relief_day", "mid_autumn", "other"});
  auto starts_at = window_edge(fields, "starts_at");
  auto ends_at = window_edge(fields, "ends_at");
  if (starts_at && ends_at && *ends_at <= *starts_at) {
    fields.fail("ends_at", "must be after starts_at");
  }
  if (const auto* featured = fields.array("featured_product_ids", false, kMaxFeaturedProducts)) {
    std::set<std::int64_t> seen;
    for (std::size_t i = 0; i < featured->size(); ++i) {
      const auto& item = (*featured)[i];
      const auto name_i = "featured_product_ids[" + std::to_string(i) + "]";
      if (!item.is_int64() || item.get_int64() < 1) {
        fields.fail(name_i, "must be a product id");
      } else if (!seen.insert(item.get_int64()).second) {
        fields.fail(name_i, "repeats another product");
      } else {
        input.featured_product_ids.push_back(item.get_int64());
      }
    }
  }
  if (const auto* skus = fields.array("skus", true, kMaxCampaignSkus)) {
    if (skus->empty()) fields.fail("skus", "must have at least one SKU");
    std::set<std::int64_t> seen;
    for (std::size_t i = 0; i < skus->size(); ++i) {
      const auto item_name = "skus[" + std::to_string(i) + "]";
      if (!(*skus)[i].is_object()) {
        fields.fail(item_name, "must be an object");
        continue;
      }
      auto nested = fields.nested((*skus)[i].get_object(), fields.path(item_name + "."));
      auto sku_id = nested.integer("sku_id", {true, 1, INT64_MAX});
      auto price = nested.integer("price_fen", {true, 1, kMaxPriceFen});
      auto cap = nested.integer("stock_cap", {true, 1, kMaxStockCap});
      if (sku_id && !seen.insert(*sku_id).second) nested.fail("sku_id", "repeats another SKU");
      if (sku_id && price && cap) input.skus.push_back({*sku_id, *price, *cap});
    }
  }
  fields.throw_if_failed();
  input.code = *code;
  input.name = *name;
  input.kind = *kind;
  input.starts_at = *starts_at;
  input.ends_at = *ends_at;
  return input;
}

// POST /v1/campaigns (operator).
asio::awaitable<http::Response> define(StatePtr state, http::Request& request) {
  const auto input = read_campaign(parse_json_object(request));
  const auto actor = actor_id(request);
  auto campaign = co_await state->context.db().transaction([&](mysql::Session& session) {
    const auto id = create_campaign(session, input, actor);
    auto created = *campaign_json(session, id);
    enqueue_campaign_changed(session, id, "created", actor, request.request_id);
    audit_change(
        session, request,
        {"campaign.created", "campaign", std::to_string(id), "", boost::json::serialize(created)});
    return created;
  });
  // A campaign asked to start now prices its SKUs at once: cached pages must not wait for it.
  co_await state->cache.changed();
  co_return campaign_response(request, 201, campaign);
}

// GET /v1/campaigns?state=active|upcoming|ended|all (default all), keyset on id.
asio::awaitable<http::Response> list_campaigns(StatePtr state, http::Request& request) {
  std::vector<http::FieldError> errors;
  const auto after = positive_query(request, "cursor", errors).value_or(0);
  const int limit = static_cast<int>(
      std::min<std::int64_t>(positive_query(request, "limit", errors).value_or(20), 50));
  std::string wanted = request.query_param("state").value_or("");
  if (wanted.empty()) wanted = "all";
  if (wanted != "all" && wanted != "active" && wanted != "upcoming" && wanted != "ended") {
    errors.push_back({"state", "must be one of: active, upcoming, ended, all"});
  }
  if (!errors.empty()) throw validation_failed(errors);
  auto items = co_await state->context.db().run(
      [&](mysql::Session& session) { return campaign_list(session, wanted, after, limit); });
  co_return page_response(request, std::move(items), limit);
}

// GET /v1/campaigns/{campaign_id}.
asio::awaitable<http::Response> read_one(StatePtr state, http::Request& request) {
  const auto id = id_param(request, "campaign_id");
  auto campaign = co_await state->context.db().run([&](mysql::Session& session) {
    auto found = campaign_json(session, id);
    if (!found) throw not_found("campaign");
    return *found;
  });
  co_return campaign_response(request, 200, campaign);
}

// POST /v1/campaigns/{campaign_id}/end (operator, {"reason": "..."}, If-Match optional): the
// campaign ends now; prices revert at once.
asio::awaitable<http::Response> end_early(StatePtr state, http::Request& request) {
  const auto id = id_param(request, "campaign_id");
  const auto reason = action_reason(request, true);
  const auto expected = if_match_version(request);
  const auto actor = actor_id(request);
  auto campaign = co_await state->context.db().transaction([&](mysql::Session& session) {
    auto before = campaign_json(session, id);
    if (!before) throw not_found("campaign");
    if (!end_campaign(session, id, expected, *reason)) {
      const auto row = read_campaign_row(session, id);
      if (expected && row.version != *expected) throw precondition_failed(row.version);
      throw http::Problem(409, "invalid-transition", "Invalid transition",
                          "the campaign has already ended")
          .with("current_status", "ended");
    }
    auto after = *campaign_json(session, id);
    enqueue_campaign_changed(session, id, "ended", actor, request.request_id);
    audit_change(session, request,
                 {"campaign.ended", "campaign", std::to_string(id), boost::json::serialize(*before),
                  boost::json::serialize(after)});
    return after;
  });
  co_await state->cache.changed();
  co_return campaign_response(request, 200, campaign);
}

}  // namespace

void register_campaign_routes(http::Router& router, const StatePtr& state) {
  using http::Method;
  const auto bind = [state](auto handler) {
    return [state, handler](http::Request& request) { return handler(state, request); };
  };
  // clang-format off
  add_route(router, Method::post, "/v1/campaigns",                    access::operator_only(), bind(define));
  add_route(router, Method::get,  "/v1/campaigns",                    access::everyone(),      bind(list_campaigns));
  add_route(router, Method::get,  "/v1/campaigns/{campaign_id}",      access::everyone(),      bind(read_one));
  add_route(router, Method::post, "/v1/campaigns/{campaign_id}/end",  access::operator_only(), bind(end_early));
  // clang-format on
}

}  // namespace huicai::catalog
