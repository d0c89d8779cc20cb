// Browse and search as buyers see them: n-gram search over Chinese titles, keyset pagination
// under concurrent inserts, ETag/304, cache invalidation across two server instances, and the
// version lease that spares most reads a Redis round trip.
#include <optional>
#include <set>
#include <thread>

#include "catalog_fixture.hpp"

using namespace catalog_test;

namespace {

std::set<std::int64_t> ids_of(const HttpResponse& response) {
  std::set<std::int64_t> ids;
  const auto body = response.json();
  for (const auto& item : body.at("items").as_array()) {
    ids.insert(item.at("id").as_int64());
  }
  return ids;
}

std::string url_encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

TEST_CASE("search finds Chinese titles by two-character words", "[catalog][search]") {
  CatalogWorld world;
  const auto county = world.create_county();
  const auto supplier = world.create_active_supplier(county);
  const auto category = world.category_id("grain-millet");
  const auto millet = world.listed_product(supplier, unique("米脂小米"), 3980, category);
  const auto noodles = world.listed_product(supplier, unique("吴堡空心挂面"), 2280, category);
  auto buyer = world.client(world.buyer());
  const auto in_supplier = "&supplier=" + std::to_string(supplier);

  auto found = buyer->get("/v1/products?q=" + url_encode("小米") + in_supplier);
  REQUIRE(found.status == 200);
  CHECK(ids_of(found) == std::set<std::int64_t>{millet});
  CHECK(ids_of(buyer->get("/v1/products?q=" + url_encode("米脂") + in_supplier)) ==
        std::set<std::int64_t>{millet});
  CHECK(ids_of(buyer->get("/v1/products?q=" + url_encode("挂面") + in_supplier)) ==
        std::set<std::int64_t>{noodles});
  CHECK(ids_of(buyer->get("/v1/products?q=" + url_encode("米") + in_supplier)) ==
        std::set<std::int64_t>{millet});
  CHECK(ids_of(buyer->get("/v1/products?q=" + url_encode("小米 米脂") + in_supplier)) ==
        std::set<std::int64_t>{millet});
  CHECK(ids_of(buyer->get("/v1/products?q=" + url_encode("黑小米") + in_supplier)).empty());
  // The demo catalog (when loaded) answers too; at least the query is accepted everywhere.
  CHECK(buyer->get("/v1/products?q=" + url_encode("小米")).status == 200);
  // Renaming a draft rewrites its terms in the same transaction.
  auto draft = world.create_product(supplier, unique("宁城番茄"), 4980, category);
  const auto draft_base = "/v1/products/" + std::to_string(draft.at("id").as_int64());
  auto staff = world.client(world.supplier_staff(supplier));
  REQUIRE(staff->patch(draft_base, json({{"title", unique("宁城黄瓜")}}), kJson).status == 200);
  world.list_product(supplier, draft.at("id").as_int64());
  CHECK(ids_of(buyer->get("/v1/products?q=" + url_encode("番茄") + in_supplier)).empty());
  CHECK(ids_of(buyer->get("/v1/products?q=" + url_encode("黄瓜") + in_supplier)).size() == 1);
}

TEST_CASE("filters, sorting and validation of browse parameters", "[catalog][browse]") {
  CatalogWorld world;
  const auto county = world.create_county();
  const auto supplier = world.create_active_supplier(county);
  const auto category = world.category_id("grain-millet");
  const auto cheap = world.listed_product(supplier, unique("便宜小米"), 1000, category);
  const auto dear = world.listed_product(supplier, unique("贵的小米"), 9000, category);
  auto buyer = world.client(world.buyer());
  const auto scope = "county=" + std::to_string(county);

  auto ascending = buyer->get("/v1/products?" + scope + "&sort=price_asc");
  REQUIRE(ascending.status == 200);
  const auto ascending_body = ascending.json();
  const auto& items = ascending_body.at("items").as_array();
  REQUIRE(items.size() == 2);
  CHECK(items[0].at("id") == cheap);
  CHECK(items[1].at("id") == dear);
  CHECK(ids_of(buyer->get("/v1/products?" + scope + "&min_price_fen=5000")) ==
        std::set<std::int64_t>{dear});
  CHECK(ids_of(buyer->get("/v1/products?" + scope + "&certified_only=true")).empty());
  auto bad = buyer->get("/v1/products?sort=random&limit=0&min_price_fen=-1&cursor=zzz");
  CHECK(bad.status == 422);
  for (const char* field : {"sort", "limit", "min_price_fen", "cursor"}) {
    INFO(field);
    CHECK(bad.body.find(std::string("\"") + field + "\"") != std::string::npos);
  }
  // A cursor of one query is refused by another.
  auto page = buyer->get("/v1/products?" + scope + "&sort=price_asc&limit=1");
  const auto cursor = std::string(page.json().at("next_cursor").as_string());
  CHECK(buyer->get("/v1/products?" + scope + "&sort=newest&limit=1&cursor=" + cursor).status ==
        422);
}

TEST_CASE("the category filter takes the category's subtree and nothing beside it",
          "[catalog][browse]") {
  CatalogWorld world;
  const auto county = world.create_county();
  const auto supplier = world.create_active_supplier(county);
  // Codes chosen to catch a careless prefix test: "x_y" as a LIKE pattern matches "xzy", and
  // "/ab/" must not take "/abc/".
  const auto stem = unique("c");
  const auto parent = world.create_category(stem + "x_y");
  const auto child = world.create_category(stem + "x_y-kid", parent);
  const auto lookalike = world.create_category(stem + "xzy");
  const auto longer = world.create_category(stem + "x_yz");
  const auto in_parent = world.listed_product(supplier, unique("杂粮礼盒"), 5000, parent);
  const auto in_child = world.listed_product(supplier, unique("小米"), 3000, child);
  const auto in_lookalike = world.listed_product(supplier, unique("红枣"), 2000, lookalike);
  const auto in_longer = world.listed_product(supplier, unique("绿豆"), 1000, longer);
  auto buyer = world.client(world.buyer());
  const auto browse = [&](std::int64_t id) {
    auto page = buyer->get("/v1/products?county=" + std::to_string(county) +
                           "&category=" + std::to_string(id));
    INFO(page.body);
    REQUIRE(page.status == 200);
    return ids_of(page);
  };

  CHECK(browse(parent) == std::set<std::int64_t>{in_parent, in_child});
  CHECK(browse(child) == std::set<std::int64_t>{in_child});
  CHECK(browse(lookalike) == std::set<std::int64_t>{in_lookalike});
  CHECK(browse(longer) == std::set<std::int64_t>{in_longer});
  // Each item names its own category, not the one filtered on.
  auto page = buyer->get("/v1/products?county=" + std::to_string(county) +
                         "&category=" + std::to_string(parent) + "&sort=price_asc");
  const auto body = page.json();
  REQUIRE(body.at("items").as_array().size() == 2);
  CHECK(body.at("items").at(0).at("category").at("id").as_int64() == child);
  CHECK(body.at("items").at(1).at("category").at("id").as_int64() == parent);
  // An unknown category finds nothing; a malformed one is a 422 naming it.
  CHECK(browse(999'999'999).empty());
  auto bad = buyer->get("/v1/products?category=grain");
  CHECK(bad.status == 422);
  CHECK(bad.body.find("\"category\"") != std::string::npos);
}

TEST_CASE("ETag and If-None-Match answer 304 until the page changes", "[catalog][etag]") {
  CatalogWorld world;
  const auto county = world.create_county();
  const auto supplier = world.create_active_supplier(county);
  const auto category = world.category_id("grain-millet");
  const auto product = world.listed_product(supplier, unique("缓存小米"), 3000, category);
  auto buyer = world.client(world.buyer());
  const auto page_url = "/v1/products?county=" + std::to_string(county);
  const auto detail_url = "/v1/products/" + std::to_string(product);
  for (const auto& url : {page_url, detail_url}) {
    auto first = buyer->get(url);
    REQUIRE(first.status == 200);
    const auto etag = first.header("etag");
    REQUIRE_FALSE(etag.empty());
    auto again = buyer->get(url, {{"if-none-match", etag}});
    CHECK(again.status == 304);
    CHECK(again.body.empty());
  }
  auto before = buyer->get(page_url).header("etag");
  auto staff = world.client(world.supplier_staff(supplier));
  auto detail = staff->get(detail_url).json();
  const auto sku = detail.at("skus").as_array()[0].at("id").as_int64();
  REQUIRE(
      staff->patch(detail_url + "/skus/" + std::to_string(sku), json({{"price_fen", 3300}}), kJson)
          .status == 200);
  CHECK(buyer->get(page_url, {{"if-none-match", before}}).status == 200);
}

TEST_CASE("a price change is visible on the very next read from another instance",
          "[catalog][cache]") {
  CatalogWorld writer;  // instance A
  CatalogWorld reader;  // instance B: same MySQL and Redis, its own in-process cache
  const auto county = writer.create_county();
  const auto supplier = writer.create_active_supplier(county);
  const auto category = writer.category_id("grain-millet");
  const auto product = writer.listed_product(supplier, unique("两实例小米"), 4000, category);
  auto buyer = reader.client(reader.buyer());
  auto staff = writer.client(writer.supplier_staff(supplier));
  const auto page_url = "/v1/products?county=" + std::to_string(county);
  const auto detail_url = "/v1/products/" + std::to_string(product);
  const auto sku = staff->get(detail_url).json().at("skus").as_array()[0].at("id").as_int64();

  for (std::int64_t price : {4100, 4200, 3900, 4000}) {
    // B reads both right before the change, so B holds a valid version lease (and the pages
    // filed under that version) while A writes: only A's wait after its INCR (1.1x the lease)
    // keeps B from serving them after A's answer.
    REQUIRE(buyer->get(detail_url).status == 200);
    REQUIRE(buyer->get(page_url).status == 200);
    REQUIRE(staff
                ->patch(detail_url + "/skus/" + std::to_string(sku), json({{"price_fen", price}}),
                        kJson)
                .status == 200);
    // No waiting: the very next read on B must show the new price.
    auto page = buyer->get(page_url);
    REQUIRE(page.status == 200);
    CHECK(page.json().at("items").as_array()[0].at("min_price_fen") == price);
    auto detail = buyer->get(detail_url);
    CHECK(detail.json().at("skus").as_array()[0].at("price_fen") == price);
  }
  // Delisting on A hides the product on B immediately.
  REQUIRE(staff->post(detail_url + "/delist", json({{"reason", "售罄"}}), kJson).status == 200);
  CHECK(buyer->get(detail_url).status == 404);
  CHECK(buyer->get(page_url).json().at("items").as_array().empty());
}

namespace {

// /metrics answers on the API port only with the metrics token (set in the test's config).
const std::string kMetricsToken = "browse-test-metrics-token-0123456789";

// One outcome of huicai_catalog_cache_total on /metrics (this app's BrowseCache counters).
std::uint64_t cache_counter(HttpClient& http, const std::string& outcome) {
  const auto response = http.get("/metrics", {{"authorization", "Bearer " + kMetricsToken}});
  REQUIRE(response.status == 200);
  const std::string prefix = "huicai_catalog_cache_total{outcome=\"" + outcome + "\"} ";
  const auto at = response.body.find(prefix);
  if (at == std::string::npos) return 0;
  return std::stoull(response.body.substr(at + prefix.size()));
}

}  // namespace

TEST_CASE("reads under a held version lease need no Redis round trip", "[catalog][cache]") {
  // A lease longer than the default (50 ms) so that a slow, loaded machine (a few ms per
  // request) still shows the effect; no write happens here, so nothing waits for it.
  CatalogWorld world(
      std::make_unique<huicai::test::TestApp>(CatalogWorld::services(), [](huicai::Config& config) {
        config.catalog_version_lease = std::chrono::milliseconds(250);
        config.access_log = false;
        config.metrics_token = kMetricsToken;
      }));
  auto buyer = world.client(world.buyer());
  const std::string page_url = "/v1/products?sort=newest&limit=5";
  const auto first_page = buyer->get(page_url);
  REQUIRE(first_page.status == 200);
  // A page others may see too: revalidated by the client (ETag), never kept by a shared cache.
  CHECK(first_page.header("cache-control") == "private, no-cache");

  // Every read goes through the cache with a version (other tests' writes bump it, so some
  // reads may miss, but none is bypassed).
  const auto served = [&] {
    return cache_counter(*buyer, "local_hit") + cache_counter(*buyer, "redis_hit") +
           cache_counter(*buyer, "miss");
  };
  const auto version_reads_before = cache_counter(*buyer, "version_read");
  CHECK(version_reads_before >= 1);  // the first read had no lease yet: it sent a GET
  const auto served_before = served();
  const auto bypassed_before = cache_counter(*buyer, "bypassed");
  constexpr std::uint64_t kReads = 300;
  for (std::uint64_t i = 0; i < kReads; ++i) REQUIRE(buyer->get(page_url).status == 200);
  const auto version_reads = cache_counter(*buyer, "version_read") - version_reads_before;
  INFO("version reads: " << version_reads << " for " << kReads << " page reads");
  // One GET per request before the lease; now about one per half lease.
  CHECK(version_reads < kReads / 5);
  CHECK(served() - served_before == kReads);
  CHECK(cache_counter(*buyer, "bypassed") == bypassed_before);
}

TEST_CASE("keyset pages neither skip nor repeat while products are being listed",
          "[catalog][pagination]") {
  CatalogWorld world;
  const auto county = world.create_county();
  const auto supplier = world.create_active_supplier(county);
  const auto category = world.category_id("grain-millet");
  std::set<std::int64_t> original;
  for (int i = 0; i < 24; ++i) {
    original.insert(
        world.listed_product(supplier, unique("分页小米"), 1000 + 100 * (i % 12), category));
  }
  // Real concurrency: a second thread lists more products (prices interleaved with the
  // existing ones) while the buyer pages through.
  std::atomic<bool> stop{false};
  std::atomic<int> inserted{0};
  // Catch2 assertions are not thread-safe: the inserter only records failures.
  auto staff_token = world.token(world.supplier_staff(supplier));
  auto operator_token = world.token(world.operator_());
  const auto port = world.app().port();
  std::atomic<int> failures{0};
  const auto attributes = world.required_attributes(category);
  std::thread inserter([&] {
    HttpClient staff("127.0.0.1", port);
    HttpClient op("127.0.0.1", port);
    staff.set_bearer_token(staff_token);
    op.set_bearer_token(operator_token);
    while (!stop && inserted < 30) {
      const auto body =
          json({{"title", unique("插队小米")},
                {"category_id", category},
                {"skus",
                 boost::json::array{boost::json::object{{"spec", "1kg"},
                                                        {"sale_unit", "袋"},
                                                        {"net_weight_grams", 1000},
                                                        {"price_fen", 1050 + 100 * (inserted % 12)},
                                                        {"attributes", attributes}}}}});
      auto created = staff.post("/v1/products", body, kJson);
      if (created.status != 201) {
        ++failures;
        break;
      }
      const auto base = "/v1/products/" + std::to_string(created.json().at("id").as_int64());
      if (staff.post(base + "/submit", "").status != 200 ||
          op.post(base + "/approve", "").status != 200 ||
          staff.post(base + "/list", "").status != 200) {
        ++failures;
        break;
      }
      ++inserted;
    }
  });
  auto buyer = world.client(world.buyer());
  std::vector<std::int64_t> seen;
  for (const char* sort : {"price_asc", "newest"}) {
    seen.clear();
    std::string cursor;
    int pages = 0;
    while (true) {
      auto page = buyer->get("/v1/products?county=" + std::to_string(county) + "&sort=" + sort +
                             "&limit=5" + (cursor.empty() ? "" : "&cursor=" + cursor));
      REQUIRE(page.status == 200);
      const auto body = page.json();
      for (const auto& item : body.at("items").as_array()) {
        seen.push_back(item.at("id").as_int64());
      }
      ++pages;
      const auto next = body.at("next_cursor");
      if (next.is_null() || pages > 40) break;
      cursor = std::string(next.as_string());
    }
    const std::set<std::int64_t> unique_seen(seen.begin(), seen.end());
    INFO(sort);
    CHECK(unique_seen.size() == seen.size());                    // no repeats
    for (auto id : original) CHECK(unique_seen.count(id) == 1);  // no skips
  }
  stop = true;
  inserter.join();
  CHECK(inserted > 0);
  CHECK(failures == 0);
}
