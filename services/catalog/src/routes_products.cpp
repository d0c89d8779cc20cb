// Product management: supplier staff create products with SKUs and edit their own supplier's
// products; operators review. Listing workflow (compare-and-set on status and version):
//   draft -> submitted -> approved | rejected(reason) -> listed -> delisted(reason)
// Every write bumps the product's version (its ETag); If-Match mismatch -> 412. Every price is
// recorded in the price history; list, delist and price changes are events.
#include <boost/json/serialize.hpp>
#include <huicai/catalog/etag.hpp>
#include <huicai/catalog/workflows.hpp>

#include "catalog_events.hpp"
#include "category_repository.hpp"
#include "county_repository.hpp"
#include "http_support.hpp"
#include "price_review_repository.hpp"
#include "product_input.hpp"
#include "product_repository.hpp"
#include "repository_support.hpp"
#include "routes.hpp"
#include "sku_attributes.hpp"

namespace huicai::catalog {
namespace {
namespace asio = boost::asio;

auth::Owner owner_of(const ProductKey& key) {
  auth::Owner owner;
  owner.supplier_id = static_cast<std::uint64_t>(key.supplier_id);
  owner.county_id = static_cast<std::uint64_t>(key.county_id);
  return owner;
}

http::Response product_response(const http::Request& request, int status,
                                const boost::json::object& product) {
  auto body = boost::json::serialize(product);
  return json_with_etag(request, status, std::move(body),
                        versioned_content_etag(product.at("version").as_int64(), body));
}

std::int64_t caller_supplier(const http::Request& request) {
  const auto& caller = request.caller();
  if (!caller.supplier_id) {
    throw http::Problem(403, "forbidden", "Forbidden", "the account belongs to no supplier");
  }
  return static_cast<std::int64_t>(*caller.supplier_id);
}

// Loads the product's owner keys and checks the caller reaches them (404 for strangers, so
// other suppliers cannot probe which products exist).
ProductKey load_owned(mysql::Session& session, const http::Request& request,
                      std::int64_t product_id) {
  auto key = load_product_key(session, product_id);
  if (!key.exists) throw not_found("product");
  request.require_access(owner_of(key), true);
  return key;
}

void register_transition(http::Router& router, const StatePtr& state, const std::string& action,
                         auth::AccessRule rule, std::string audit_action) {
  const Transition* transition = find_transition(product_transitions(), action);
  add_route(
      router, http::Method::post, "/v1/products/{product_id}/" + action, std::move(rule),
      [state, transition, audit_action](http::Request& request) -> asio::awaitable<http::Response> {
        const auto id = id_param(request, "product_id");
        const auto expected = if_match_version(request);
        const auto reason = action_reason(request, transition->needs_reason);
        const std::string from_csv = status_list(transition->from);
        const std::string to(transition->to);
        const auto actor = actor_id(request);
        auto updated = co_await state->context.db().transaction([&](mysql::Session& session) {
          auto key = load_owned(session, request, id);
          if (to == "submitted" && count_active_skus(session, id) == 0) {
            throw conflict("no-active-sku", "No active SKU", "a product needs an active SKU");
          }
          if (to == "submitted") require_complete_attributes(session, id, key.category_id);
          if (to == "listed") {
            const auto status = supplier_status(session, key.supplier_id, nullptr);
            if (status != "active") {
              throw conflict("supplier-not-active", "Supplier not active",
                             "only products of active suppliers can be listed");
            }
            require_justified_prices(session, id, state->price_margin_bp);
          }
          if (move_product(session, id, expected, from_csv, to, reason) == 0) {
            throw_cas_failure(read_row_state(session, "catalog_products", id), expected, "product",
                              std::string(transition->action));
          }
          enqueue_product_status_changed(session, id, key.status, reason.value_or(""), actor,
                                         request.request_id);
          if (to == "listed") enqueue_product_listed(session, id, actor, request.request_id);
          if (key.status == "listed" && to == "delisted") {
            enqueue_product_delisted(session, id, reason.value_or(""), actor, request.request_id);
          }
          boost::json::object after{{"status", to}};
          if (reason) after["reason"] = *reason;
          audit_change(session, request,
                       {audit_action, "product", std::to_string(id),
                        boost::json::serialize(boost::json::object{{"status", key.status}}),
                        boost::json::serialize(after)});
          return *product_detail(session, id);
        });
        co_await state->cache.changed();
        co_return product_response(request, 200, updated);
      });
}

}  // namespace

void register_product_routes(http::Router& router, const StatePtr& state) {
  add_route(
      router, http::Method::post, "/v1/products", access::supplier_staff_only(),
      [state](http::Request& request) -> asio::awaitable<http::Response> {
        const auto supplier_id = caller_supplier(request);
        const auto body = parse_json_object(request);
        FieldValidator fields(body);
        auto product = read_product_fields(fields, true);
        const auto static_errors = fields.errors();
        const auto actor = actor_id(request);
        auto created = co_await state->context.db().transaction([&](mysql::Session& session) {
          // References are checked here so one 422 lists them with the static errors.
          auto errors = static_errors;
          std::int64_t supplier_county = 0;
          const auto status = supplier_status(session, supplier_id, &supplier_county);
          if (!status) throw not_found("supplier");
          if (product.category_id) {
            if (!find_category(session, *product.category_id)) {
              errors.push_back({"category_id", "unknown category"});
            } else {
              resolve_new_sku_attributes(session, *product.category_id, product.skus, true, errors);
            }
          }
          if (product.origin_county_id) {
            if (!county_exists(session, *product.origin_county_id)) {
              errors.push_back({"origin_county_id", "unknown county"});
            } else if (*product.origin_county_id != supplier_county) {
              errors.push_back({"origin_county_id", "must be the supplier's county"});
            }
          }
          if (!errors.empty()) throw validation_failed(errors);
          if (*status != "active") {
            throw conflict("supplier-not-active", "Supplier not active",
                           "the supplier must be approved before it adds products");
          }
          try {
            const auto id = insert_product(session, supplier_id, supplier_county, product, actor);
            enqueue_product_status_changed(session, id, "", "", actor, request.request_id);
            return *product_detail(session, id);
          } catch (const sql::SQLException& error) {
            if (!is_duplicate_key(error)) throw;
            throw conflict("duplicate-product", "Product exists",
                           "the supplier already has a product with this title");
          }
        });
        co_await state->cache.changed();
        auto response = product_response(request, 201, created);
        response.set_header("location",
                            "/v1/products/" + std::to_string(created.at("id").as_int64()));
        co_return response;
      });

  add_route(router, http::Method::patch, "/v1/products/{product_id}", access::supplier_staff_only(),
            [state](http::Request& request) -> asio::awaitable<http::Response> {
              const auto id = id_param(request, "product_id");
              const auto expected = if_match_version(request);
              const auto body = parse_json_object(request);
              FieldValidator fields(body);
              auto product = read_product_fields(fields, false);
              if (fields.present("origin_county_id")) {
                fields.fail("origin_county_id", "cannot change: it is the supplier's county");
              }
              const auto static_errors = fields.errors();
              auto updated = co_await state->context.db().transaction([&](mysql::Session& session) {
                load_owned(session, request, id);
                auto errors = static_errors;
                if (product.category_id) {
                  if (!find_category(session, *product.category_id)) {
                    errors.push_back({"category_id", "unknown category"});
                  } else {
                    check_values_fit_category(session, id, *product.category_id, errors);
                  }
                }
                if (!errors.empty()) throw validation_failed(errors);
                try {
                  if (update_product_content(session, id, expected, product) == 0) {
                    throw_cas_failure(read_row_state(session, "catalog_products", id), expected,
                                      "product",
                                      "edit (only draft, rejected or delisted products)");
                  }
                } catch (const sql::SQLException& error) {
                  if (!is_duplicate_key(error)) throw;
                  throw conflict("duplicate-product", "Product exists",
                                 "the supplier already has a product with this title");
                }
                return *product_detail(session, id);
              });
              co_await state->cache.changed();
              co_return product_response(request, 200, updated);
            });

  add_route(
      router, http::Method::post, "/v1/products/{product_id}/skus", access::supplier_staff_only(),
      [state](http::Request& request) -> asio::awaitable<http::Response> {
        const auto id = id_param(request, "product_id");
        const auto expected = if_match_version(request);
        const auto body = parse_json_object(request);
        FieldValidator fields(body);
        auto sku = read_sku_fields(fields, true);
        fields.throw_if_failed();
        const auto actor = actor_id(request);
        auto updated = co_await state->context.db().transaction([&](mysql::Session& session) {
          const auto key = load_owned(session, request, id);
          std::vector<SkuFields> added{sku};
          std::vector<http::FieldError> errors;
          resolve_new_sku_attributes(session, key.category_id, added, false, errors);
          if (!errors.empty()) throw validation_failed(errors);
          if (bump_product_version(session, id, expected) == 0) {
            throw_cas_failure(read_row_state(session, "catalog_products", id), expected, "product",
                              "add a SKU");
          }
          try {
            insert_sku(session, id, added[0], 1000, actor);
          } catch (const sql::SQLException& error) {
            if (!is_duplicate_key(error)) throw;
            throw conflict("duplicate-sku", "SKU exists", "the product has a SKU with this spec");
          }
          refresh_min_price(session, id);
          return *product_detail(session, id);
        });
        co_await state->cache.changed();
        co_return product_response(request, 201, updated);
      });

  add_route(router, http::Method::patch, "/v1/products/{product_id}/skus/{sku_id}",
            access::supplier_staff_only(),
            [state](http::Request& request) -> asio::awaitable<http::Response> {
              const auto id = id_param(request, "product_id");
              const auto sku_id = id_param(request, "sku_id");
              const auto expected = if_match_version(request);
              const auto body = parse_json_object(request);
              FieldValidator fields(body);
              auto sku = read_sku_fields(fields, false);
              fields.throw_if_failed();
              const auto actor = actor_id(request);
              auto updated = co_await state->context.db().transaction([&](mysql::Session& session) {
                const auto key = load_owned(session, request, id);
                if (bump_product_version(session, id, expected) == 0) {
                  throw_cas_failure(read_row_state(session, "catalog_products", id), expected,
                                    "product", "change a SKU");
                }
                std::optional<PriceChange> change;
                try {
                  change = update_sku(session, id, sku_id, sku, actor);
                } catch (const sql::SQLException& error) {
                  if (!is_duplicate_key(error)) throw;
                  throw conflict("duplicate-sku", "SKU exists",
                                 "the product has a SKU with this spec");
                }
                apply_sku_attribute_change(session, key.category_id, sku_id, sku);
                // A listed product keeps only prices within the margin or approved.
                if (change && key.status == "listed") {
                  require_justified_prices(session, id, state->price_margin_bp, sku_id);
                }
                if (change) enqueue_price_changed(session, *change, actor, request.request_id);
                return *product_detail(session, id);
              });
              co_await state->cache.changed();
              co_return product_response(request, 200, updated);
            });

  add_route(router, http::Method::get, "/v1/products/{product_id}/price-history",
            access::back_office_readers(),
            [state](http::Request& request) -> asio::awaitable<http::Response> {
              const auto id = id_param(request, "product_id");
              std::vector<http::FieldError> errors;
              const auto after = positive_query(request, "cursor", errors).value_or(0);
              const int limit = static_cast<int>(std::min<std::int64_t>(
                  positive_query(request, "limit", errors).value_or(50), 100));
              if (!errors.empty()) throw validation_failed(errors);
              auto items = co_await state->context.db().run([&](mysql::Session& session) {
                load_owned(session, request, id);
                return price_history(session, id, after, limit);
              });
              co_return page_response(request, std::move(items), limit);
            });

  add_route(router, http::Method::get, "/v1/suppliers/{supplier_id}/products",
            access::back_office_readers(),
            [state](http::Request& request) -> asio::awaitable<http::Response> {
              const auto supplier_id = id_param(request, "supplier_id");
              std::vector<http::FieldError> errors;
              const auto after = positive_query(request, "cursor", errors).value_or(0);
              const int limit = static_cast<int>(std::min<std::int64_t>(
                  positive_query(request, "limit", errors).value_or(50), 100));
              auto status = request.query_param("status");
              if (status && status->empty()) status.reset();
              if (status && !is_product_status(*status)) {
                errors.push_back({"status", "is not a product status"});
              }
              if (!errors.empty()) throw validation_failed(errors);
              auto items = co_await state->context.db().run([&](mysql::Session& session) {
                std::int64_t county_id = 0;
                if (!supplier_status(session, supplier_id, &county_id)) {
                  throw not_found("supplier");
                }
                auth::Owner owner;
                owner.supplier_id = static_cast<std::uint64_t>(supplier_id);
                owner.county_id = static_cast<std::uint64_t>(county_id);
                request.require_access(owner, true);
                return product_summaries(session, supplier_id, status, after, limit);
              });
              co_return page_response(request, std::move(items), limit);
            });

  // The review queue: products waiting for an operator (default: submitted).
  add_route(router, http::Method::get, "/v1/review/products", access::reviewers(),
            [state](http::Request& request) -> asio::awaitable<http::Response> {
              std::vector<http::FieldError> errors;
              const auto after = positive_query(request, "cursor", errors).value_or(0);
              const int limit = static_cast<int>(std::min<std::int64_t>(
                  positive_query(request, "limit", errors).value_or(50), 100));
              std::optional<std::string> status = request.query_param("status");
              if (!status || status->empty()) status = "submitted";
              if (!is_product_status(*status))
                errors.push_back({"status", "is not a product status"});
              if (!errors.empty()) throw validation_failed(errors);
              auto items = co_await state->context.db().run([&](mysql::Session& session) {
                return product_summaries(session, std::nullopt, status, after, limit);
              });
              co_return page_response(request, std::move(items), limit);
            });

  register_transition(router, state, "submit", access::supplier_staff_only(), "product.submitted");
  register_transition(router, state, "approve", access::operator_only(), "product.approved");
  register_transition(router, state, "reject", access::operator_only(), "product.rejected");
  register_transition(router, state, "list", access::supplier_editors(), "product.listed");
  register_transition(router, state, "delist", access::supplier_editors(), "product.delisted");
}

}  // namespace huicai::catalog
