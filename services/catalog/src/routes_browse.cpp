// Browse and product detail for signed-in buyers (and everyone else signed in): listed
// products of active suppliers only. Pages and details go through the BrowseCache (Redis +
// in-process, invalidated by the catalog version), carry a content ETag and answer
// If-None-Match with 304. Managers (the product's supplier staff, its county officer,
// operators, auditors, finance) also see unlisted products on the detail route.
#include <boost/json/serialize.hpp>
#include <charconv>
#include <huicai/catalog/attribute_rules.hpp>
#include <huicai/catalog/browse_cache.hpp>
#include <huicai/catalog/browse_cursor.hpp>
#include <huicai/catalog/etag.hpp>
#include <huicai/catalog/field_validator.hpp>
#include <huicai/catalog/search_terms.hpp>
#include <huicai/catalog/text_rules.hpp>

#include "browse_repository.hpp"
#include "http_support.hpp"
#include "product_repository.hpp"
#include "routes.hpp"

namespace huicai::catalog {
namespace {
namespace asio = boost::asio;

constexpr int kDefaultLimit = 20;
constexpr int kMaxLimit = 50;

struct ParsedBrowse {
  BrowseQuery query;
  std::string canonical_filters;  // everything but cursor and limit, in a fixed order
  std::string cache_key;
};

ParsedBrowse parse_browse(const http::Request& request) {
  ParsedBrowse parsed;
  auto& query = parsed.query;
  std::vector<http::FieldError> errors;
  const auto integer = [&](const char* name, std::int64_t min) -> std::optional<std::int64_t> {
    auto text = request.query_param(name);
    if (!text || text->empty()) return std::nullopt;
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error == std::errc{} && end == text->data() + text->size() && value >= min) return value;
    errors.push_back({name, min > 0 ? "must be a positive integer"
                                    : "must be an integer of at least " + std::to_string(min)});
    return std::nullopt;
  };
  query.county_id = integer("county", 1);
  query.category_id = integer("category", 1);
  query.supplier_id = integer("supplier", 1);
  query.min_price_fen = integer("min_price_fen", 0);
  query.max_price_fen = integer("max_price_fen", 0);
  if (query.min_price_fen && query.max_price_fen && *query.min_price_fen > *query.max_price_fen) {
    errors.push_back({"max_price_fen", "must not be below min_price_fen"});
  }
  if (auto certified = request.query_param("certified_only")) {
    if (*certified == "true" || *certified == "1") {
      query.certified_only = true;
    } else if (!(*certified == "false" || *certified == "0" || certified->empty())) {
      errors.push_back({"certified_only", "must be true or false"});
    }
  }
  std::string keywords;
  if (auto q = request.query_param("q")) {
    if (!is_valid_utf8(*q)) {
      errors.push_back({"q", "is not valid UTF-8"});
    } else if (character_count(*q) > 50) {
      errors.push_back({"q", "must be at most 50 characters"});
    } else {
      query.terms = query_terms(*q);
      for (const auto& term : query.terms) keywords += term + " ";
    }
  }
  if (auto keys = attribute_filter_keys(request.query); !keys.empty()) {
    std::vector<std::pair<std::string, std::string>> parameters;
    for (auto& key : keys) {
      auto value = request.query_param(key).value_or("");
      parameters.emplace_back(std::move(key), std::move(value));
    }
    query.attributes = parse_attribute_filters(parameters, errors);
    if (!query.category_id) {
      errors.push_back({"category", "is required with attribute filters (attr.*)"});
    }
  }
  if (auto sort = request.query_param("sort"); sort && !sort->empty()) {
    if (*sort == "price_asc" || *sort == "price_desc" || *sort == "newest" || *sort == "sales") {
      query.sort = *sort;
    } else {
      errors.push_back({"sort", "must be one of: price_asc, price_desc, newest, sales"});
    }
  }
  if (auto limit = integer("limit", 1))
    query.limit = static_cast<int>(std::min<std::int64_t>(*limit, kMaxLimit));
  else
    query.limit = kDefaultLimit;

  // Built on every request (it keys the cache): appended in place, no temporaries.
  auto& canonical = parsed.canonical_filters;
  canonical.reserve(96 + keywords.size() + query.sort.size());
  const auto append_field = [&canonical](std::string_view name,
                                         const std::optional<std::int64_t>& value) {
    canonical += name;
    if (!value) return;
    char digits[24];
    const auto written = std::to_chars(digits, digits + sizeof digits, *value);
    canonical.append(digits, written.ptr);
  };
  append_field("county=", query.county_id);
  append_field("&category=", query.category_id);
  append_field("&supplier=", query.supplier_id);
  append_field("&min=", query.min_price_fen);
  append_field("&max=", query.max_price_fen);
  canonical += query.certified_only ? "&certified=1" : "&certified=0";
  canonical += "&terms=";
  canonical += keywords;
  canonical += "&sort=";
  canonical += query.sort;
  if (!query.attributes.empty()) canonical += canonical_attribute_filters(query.attributes);
  const auto filters = fingerprint(parsed.canonical_filters);
  std::string cursor_text;
  if (auto cursor = request.query_param("cursor"); cursor && !cursor->empty()) {
    auto decoded = decode_cursor(*cursor);
    bool valid = decoded && decoded->sort == query.sort && decoded->filters == filters;
    if (valid && query.sort != "newest") {
      valid = !decoded->key.empty() &&
              decoded->key.find_first_not_of("0123456789") == std::string::npos &&
              decoded->key.size() <= 18;
    }
    if (!valid) {
      errors.push_back({"cursor", "is not a cursor of this query (filters and sort must match)"});
    } else {
      query.after = decoded;
      cursor_text = *cursor;
    }
  }
  if (!errors.empty()) throw validation_failed(errors);
  // Terms are sorted, so "米脂 小米" and "小米 米脂" share a cache entry.
  parsed.cache_key =
      "browse:" + std::to_string(filters) + ":" + std::to_string(query.limit) + ":" + cursor_text;
  return parsed;
}

http::Response cached_response(const http::Request& request,
                               const std::shared_ptr<const CachedPage>& page) {
  // The body is the cached string itself (an aliasing pointer keeps the page alive).
  auto response = json_with_etag(request, 200,
                                 std::shared_ptr<const std::string>(page, &page->body), page->etag);
  response.set_header("cache-control", "private, no-cache");
  return response;
}

bool publicly_visible(const boost::json::object& product) {
  return product.at("status").as_string() == "listed" &&
         product.at("supplier").as_object().at("status").as_string() == "active";
}

}  // namespace

void register_browse_routes(http::Router& router, const StatePtr& state) {
  add_route(router, http::Method::get, "/v1/products", access::everyone(),
            [state](http::Request& request) -> asio::awaitable<http::Response> {
              auto parsed = parse_browse(request);
              auto page = co_await state->cache.get_or_load(
                  parsed.cache_key, [&]() -> asio::awaitable<std::optional<CachedPage>> {
                    auto result = co_await state->context.db().run([&](mysql::Session& session) {
                      return browse_products(session, parsed.query);
                    });
                    boost::json::object body;
                    body["items"] = std::move(result.items);
                    if (result.next) {
                      result.next->filters = fingerprint(parsed.canonical_filters);
                      body["next_cursor"] = encode_cursor(*result.next);
                    } else {
                      body["next_cursor"] = nullptr;
                    }
                    body["limit"] = parsed.query.limit;
                    CachedPage rendered;
                    rendered.body = boost::json::serialize(body);
                    rendered.etag = content_etag(rendered.body);
                    co_return rendered;
                  });
              co_return cached_response(request, page);
            });

  add_route(
      router, http::Method::get, "/v1/products/{product_id}", access::everyone(),
      [state](http::Request& request) -> asio::awaitable<http::Response> {
        const auto id = id_param(request, "product_id");
        std::optional<boost::json::object> unlisted;
        auto page = co_await state->cache.get_or_load(
            "detail:" + std::to_string(id), [&]() -> asio::awaitable<std::optional<CachedPage>> {
              auto product = co_await state->context.db().run(
                  [id](mysql::Session& session) { return product_detail(session, id); });
              if (!product) co_return std::nullopt;
              if (!publicly_visible(*product)) {
                unlisted = std::move(product);
                co_return std::nullopt;
              }
              CachedPage rendered;
              rendered.body = boost::json::serialize(*product);
              rendered.etag =
                  versioned_content_etag(product->at("version").as_int64(), rendered.body);
              co_return rendered;
            });
        if (page) co_return cached_response(request, page);
        if (!unlisted) throw not_found("product");
        // Not listed: only those who manage or oversee the product may see it.
        static const auth::AccessRule managers = access::back_office_readers();
        auth::Owner owner;
        owner.supplier_id =
            static_cast<std::uint64_t>(unlisted->at("supplier").as_object().at("id").as_int64());
        owner.county_id =
            static_cast<std::uint64_t>(unlisted->at("county").as_object().at("id").as_int64());
        if (!request.caller().may_access(managers, owner)) throw not_found("product");
        auto body = boost::json::serialize(*unlisted);
        const auto etag = versioned_content_etag(unlisted->at("version").as_int64(), body);
        auto response = json_with_etag(request, 200, std::move(body), etag);
        response.set_header("cache-control", "private, no-cache");
        co_return response;
      });
}

}  // namespace huicai::catalog
