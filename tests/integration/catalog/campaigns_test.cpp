// Holiday campaigns through the catalog API: an operator defines one (window, featured
// products, campaign prices and caps), everyone signed in sees it while active, the price
// history shows the campaign price at the window's start and the revert at its end, an early
// end reverts at once; bad input (overlapping campaign prices for one SKU among others) changes
// nothing; only operators write campaigns.
#include <cctype>
#include <chrono>
#include <ctime>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <map>

#include "catalog_fixture.hpp"
#include "io_thread.hpp"

using namespace catalog_test;

namespace {

// Now plus `offset`, as the API takes it ("YYYY-MM-DDTHH:MM:SSZ").
std::string utc_in(std::chrono::seconds offset) {
  const auto at = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + offset);
  std::tm parts{};
  gmtime_r(&at, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}
constexpr std::chrono::hours kHour{1};
constexpr std::chrono::hours kDay{24};

struct Shop {
  std::int64_t product = 0;
  std::int64_t sku = 0;
  std::int64_t county = 0;
};

Shop listed_sku(CatalogWorld& world, std::int64_t price_fen) {
  const auto county = world.create_county();
  const auto supplier = world.create_active_supplier(county);
  const auto product = world.listed_product(supplier, unique("春节礼盒小米"), price_fen,
                                            world.category_id("grain-millet"));
  auto detail = world.client(world.buyer())->get("/v1/products/" + std::to_string(product));
  REQUIRE(detail.status == 200);
  return {product, detail.json().at("skus").at(0).at("id").as_int64(), county};
}

// The price an order for the SKU is charged now: what the order path reads (catalog_sku_pricing,
// one SELECT): the active campaign's price while below the SKU's own, else its own.
std::int64_t charged_now(CatalogWorld& world, std::int64_t sku) {
  return world.app().run<std::int64_t>([&]() -> boost::asio::awaitable<std::int64_t> {
    co_return co_await world.app().context().db().run([sku](huicai::mysql::Session& session) {
      auto& select = session.prepare(
          "SELECT LEAST(price_fen, COALESCE(campaign_price_fen, price_fen)) AS charged FROM "
          "catalog_sku_pricing "
          "WHERE sku_id = ?");
      auto row = huicai::mysql::query(huicai::mysql::bind(select, sku));
      row->next();
      return row->getInt64("charged");
    });
  });
}

boost::json::object campaign_body(const std::string& code, std::int64_t sku, std::int64_t price,
                                  const std::string& starts_at, const std::string& ends_at) {
  return {{"code", code},
          {"name", "春节年货节"},
          {"kind", "spring_festival"},
          {"starts_at", starts_at},
          {"ends_at", ends_at},
          {"skus", boost::json::array{boost::json::object{
                       {"sku_id", sku}, {"price_fen", price}, {"stock_cap", 500}}}}};
}

boost::json::array history(CatalogWorld& world, std::int64_t product) {
  auto response = world.client(world.operator_())
                      ->get("/v1/products/" + std::to_string(product) + "/price-history");
  INFO(response.body);
  REQUIRE(response.status == 200);
  return response.json().at("items").as_array();
}

bool listed_in(const HttpResponse& response, std::int64_t campaign) {
  const auto body = response.json();  // kept: the loop borrows from it
  for (const auto& item : body.at("items").as_array()) {
    if (item.at("id").as_int64() == campaign) return true;
  }
  return false;
}

std::string code() {
  std::string text = unique("cny");
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

TEST_CASE(
    "a campaign prices its SKUs for its window, shows while active, and the price history "
    "shows both changes",
    "[catalog][campaigns]") {
  CatalogWorld world;
  const auto shop = listed_sku(world, 2000);
  auto op = world.client(world.operator_());
  const auto starts = utc_in(-kHour);
  const auto ends = utc_in(kDay);
  auto created =
      op->post("/v1/campaigns", json(campaign_body(code(), shop.sku, 1500, starts, ends)), kJson);
  INFO(created.body);
  REQUIRE(created.status == 201);
  const auto campaign = created.json().as_object();
  const auto id = campaign.at("id").as_int64();
  CHECK(campaign.at("state").as_string() == "active");
  CHECK(campaign.at("featured_products").at(0).at("product_id").as_int64() == shop.product);
  const auto& sku = campaign.at("skus").at(0).as_object();
  CHECK(sku.at("base_price_fen").as_int64() == 2000);
  CHECK(sku.at("campaign_price_fen").as_int64() == 1500);
  CHECK(sku.at("stock_cap").as_int64() == 500);

  // A buyer sees it among the active campaigns and reads it.
  auto buyer = world.client(world.buyer());
  auto active = buyer->get("/v1/campaigns?state=active&limit=50");
  REQUIRE(active.status == 200);
  bool found = listed_in(active, id);
  for (auto cursor = active.json().at("next_cursor"); !found && cursor.is_string();) {
    auto next =
        buyer->get("/v1/campaigns?state=active&limit=50&cursor=" + std::string(cursor.as_string()));
    REQUIRE(next.status == 200);
    found = listed_in(next, id);
    cursor = next.json().at("next_cursor");
  }
  CHECK(found);
  CHECK(buyer->get("/v1/campaigns/" + std::to_string(id)).status == 200);

  // The history: the campaign price from the start, the SKU's own price again from the end.
  auto rows = history(world, shop.product);
  REQUIRE(rows.size() >= 3);
  const auto& to_campaign = rows[rows.size() - 2].as_object();
  const auto& back = rows[rows.size() - 1].as_object();
  CHECK(to_campaign.at("campaign_id").as_int64() == id);
  CHECK(to_campaign.at("old_price_fen").as_int64() == 2000);
  CHECK(to_campaign.at("new_price_fen").as_int64() == 1500);
  // Asked to start an hour ago, it started when it was defined (no retroactive prices).
  CHECK(std::string(campaign.at("starts_at").as_string()) > starts);
  CHECK(to_campaign.at("changed_at").as_string() == campaign.at("starts_at").as_string());
  CHECK(back.at("campaign_id").as_int64() == id);
  CHECK(back.at("old_price_fen").as_int64() == 1500);
  CHECK(back.at("new_price_fen").as_int64() == 2000);
  CHECK(std::string(back.at("changed_at").as_string()).substr(0, 19) == ends.substr(0, 19));

  // Ending it early: prices revert now, the revert row is dated now, it is no longer active.
  const auto base = "/v1/campaigns/" + std::to_string(id);
  CHECK(op->post(base + "/end", "", kJson).status == 422);  // a reason is required
  auto ended = op->post(base + "/end", json({{"reason", "货源不足，提前结束"}}), kJson);
  INFO(ended.body);
  REQUIRE(ended.status == 200);
  CHECK(ended.json().at("state").as_string() == "ended");
  CHECK(ended.json().at("ended_early").as_bool());
  const auto ended_at = std::string(ended.json().at("ends_at").as_string());
  CHECK(ended_at < ends);
  rows = history(world, shop.product);
  CHECK(rows[rows.size() - 1].at("changed_at").as_string() == ended_at);
  CHECK_FALSE(listed_in(buyer->get("/v1/campaigns?state=active&limit=50"), id));
  auto again = op->post(base + "/end", json({{"reason", "再次结束"}}), kJson);
  CHECK(again.status == 409);
  CHECK(again.json().at("type").as_string().find("invalid-transition") != std::string::npos);
}

TEST_CASE("overlapping campaign prices and other bad campaigns are refused and change nothing",
          "[catalog][campaigns]") {
  CatalogWorld world;
  const auto shop = listed_sku(world, 3000);
  auto op = world.client(world.operator_());
  const auto first = code();
  REQUIRE(op->post("/v1/campaigns",
                   json(campaign_body(first, shop.sku, 2500, utc_in(kDay), utc_in(3 * kDay))),
                   kJson)
              .status == 201);
  const auto rows_before = history(world, shop.product).size();

  const auto refused = [&](const boost::json::object& body, int status, const std::string& what) {
    auto response = op->post("/v1/campaigns", json(body), kJson);
    INFO(response.body);
    CHECK(response.status == status);
    CHECK(response.body.find(what) != std::string::npos);
    CHECK(history(world, shop.product).size() == rows_before);
    return response;
  };
  // Overlapping the first campaign's window for the same SKU.
  auto overlap = refused(campaign_body(code(), shop.sku, 2400, utc_in(2 * kDay), utc_in(4 * kDay)),
                         409, "campaign-overlap");
  CHECK(overlap.json().at("skus").at(0).at("sku_id").as_int64() == shop.sku);
  // Inside it, and around it.
  refused(campaign_body(code(), shop.sku, 2400, utc_in(kDay + kHour), utc_in(2 * kDay)), 409,
          "campaign-overlap");
  refused(campaign_body(code(), shop.sku, 2400, utc_in(kHour), utc_in(5 * kDay)), 409,
          "campaign-overlap");
  // A campaign price not below the SKU's own, an unknown SKU, a window backwards or over.
  refused(campaign_body(code(), shop.sku, 3000, utc_in(5 * kDay), utc_in(6 * kDay)), 422,
          "skus[0].price_fen");
  refused(campaign_body(code(), 999999999, 100, utc_in(5 * kDay), utc_in(6 * kDay)), 422,
          "skus[0].sku_id");
  refused(campaign_body(code(), shop.sku, 100, utc_in(6 * kDay), utc_in(5 * kDay)), 422, "ends_at");
  refused(campaign_body(code(), shop.sku, 100, utc_in(-2 * kDay), utc_in(-kDay)), 422, "ends_at");
  refused(campaign_body(code(), shop.sku, 100, "2027-10-17", utc_in(kDay)), 422, "starts_at");
  auto stock_cap = campaign_body(code(), shop.sku, 100, utc_in(5 * kDay), utc_in(6 * kDay));
  stock_cap["skus"].as_array()[0].as_object()["stock_cap"] = 0;
  refused(stock_cap, 422, "skus[0].stock_cap");
  // The same code again.
  refused(campaign_body(first, shop.sku, 100, utc_in(5 * kDay), utc_in(6 * kDay)), 409,
          "duplicate-campaign-code");

  // Back to back with the first (its end is exclusive) is no overlap.
  auto after = op->post(
      "/v1/campaigns",
      json(campaign_body(code(), shop.sku, 2600, utc_in(3 * kDay), utc_in(4 * kDay))), kJson);
  INFO(after.body);
  CHECK(after.status == 201);
}

TEST_CASE("only operators define and end campaigns; every signed-in role reads them",
          "[catalog][campaigns][authz]") {
  CatalogWorld world;
  const auto shop = listed_sku(world, 2000);
  const auto body = json(campaign_body(code(), shop.sku, 1500, utc_in(kDay), utc_in(2 * kDay)));
  const auto county = world.create_county();
  for (const auto& who : {world.buyer(), world.finance(), world.auditor(), world.officer(county),
                          world.supplier_staff(1)}) {
    CHECK(world.client(who)->post("/v1/campaigns", body, kJson).status == 403);
  }
  HttpClient anonymous("127.0.0.1", world.app().port());
  CHECK(anonymous.post("/v1/campaigns", body, kJson).status == 401);
  CHECK(anonymous.get("/v1/campaigns").status == 401);

  auto created = world.client(world.operator_())->post("/v1/campaigns", body, kJson);
  REQUIRE(created.status == 201);
  const auto base = "/v1/campaigns/" + std::to_string(created.json().at("id").as_int64());
  for (const auto& who : {world.buyer(), world.finance(), world.auditor(), world.officer(county),
                          world.supplier_staff(1)}) {
    CHECK(world.client(who)->get(base).status == 200);
    CHECK(world.client(who)->post(base + "/end", json({{"reason", "不要了"}}), kJson).status ==
          403);
  }
  CHECK(world.client(world.buyer())->get("/v1/campaigns/999999999").status == 404);
  CHECK(world.client(world.buyer())->get("/v1/campaigns?state=soon").status == 422);
  CHECK(world.client(world.buyer())->get(base).json().at("state").as_string() == "upcoming");
}

TEST_CASE(
    "a product page read before a campaign opens shows the campaign price once it opens and the "
    "SKU's own price after it ends",
    "[catalog][campaigns]") {
  CatalogWorld world;
  const auto shop = listed_sku(world, 2000);
  auto op = world.client(world.operator_());
  auto buyer = world.client(world.buyer());
  const auto page = "/v1/products/" + std::to_string(shop.product);
  // The price the page offers for the SKU: the campaign's while one prices it, else its own.
  const auto offered = [&] {
    auto response = buyer->get(page);
    REQUIRE(response.status == 200);
    const auto body = response.json();  // kept: the reads below borrow from it
    const auto& sku = body.at("skus").at(0).as_object();
    return sku.at("campaign").is_null() ? sku.at("price_fen").as_int64()
                                        : sku.at("campaign").at("price_fen").as_int64();
  };
  const auto starts = utc_in(std::chrono::seconds(3));
  const auto ends = utc_in(std::chrono::seconds(7));
  auto created =
      op->post("/v1/campaigns", json(campaign_body(code(), shop.sku, 1500, starts, ends)), kJson);
  INFO(created.body);
  REQUIRE(created.status == 201);
  // The lowest price the product page and browse show for the product.
  const auto page_lowest = [&] {
    auto response = buyer->get(page);
    REQUIRE(response.status == 200);
    return response.json().at("min_price_fen").as_int64();
  };
  const auto browse_lowest = [&] {
    auto response = buyer->get("/v1/products?county=" + std::to_string(shop.county));
    REQUIRE(response.status == 200);
    const auto body = response.json();  // kept: the reads below borrow from it
    REQUIRE(body.at("items").as_array().size() == 1);
    return body.at("items").at(0).at("min_price_fen").as_int64();
  };
  // Read (and cached) before the window opens: the SKU's own price, the one an order pays.
  CHECK(offered() == 2000);
  CHECK(offered() == 2000);
  CHECK(page_lowest() == 2000);
  CHECK(browse_lowest() == 2000);
  CHECK(charged_now(world, shop.sku) == 2000);

  // No write happens at the edges: the page must follow the clock, well before the cache's own
  // ageing (a minute) would refresh it.
  const auto opened = huicai::test::wait_until(
      [&] { return offered() == 1500; }, std::chrono::seconds(15), std::chrono::milliseconds(100));
  CHECK(opened);
  CHECK(utc_in(std::chrono::seconds(0)) >= starts);
  CHECK(page_lowest() == 1500);
  CHECK(huicai::test::wait_until([&] { return browse_lowest() == 1500; }, std::chrono::seconds(5),
                                 std::chrono::milliseconds(100)));
  CHECK(charged_now(world, shop.sku) == 1500);
  const auto closed = huicai::test::wait_until(
      [&] { return offered() == 2000; }, std::chrono::seconds(15), std::chrono::milliseconds(100));
  CHECK(closed);
  CHECK(utc_in(std::chrono::seconds(0)) >= ends);
  CHECK(page_lowest() == 2000);
  CHECK(huicai::test::wait_until([&] { return browse_lowest() == 2000; }, std::chrono::seconds(5),
                                 std::chrono::milliseconds(100)));
  CHECK(charged_now(world, shop.sku) == 2000);
}

TEST_CASE("the demo seed defines the holiday campaigns of the source on their real dates",
          "[catalog][campaigns][demo]") {
  // `huicai seed` ran on the test database (the stack fixture): 春节 (6 February 2027, the
  // three weeks before), 中秋 (15 September 2027) and 扶贫日 (17 October), from China's midnight.
  CatalogWorld world;
  auto buyer = world.client(world.buyer());
  std::map<std::string, boost::json::object> demo;
  std::string cursor;
  for (int page = 0; page < 100; ++page) {
    auto response = buyer->get("/v1/campaigns?state=upcoming&limit=50" +
                               (cursor.empty() ? "" : "&cursor=" + cursor));
    REQUIRE(response.status == 200);
    const auto body = response.json();  // kept: the loop borrows from it
    for (const auto& item : body.at("items").as_array()) {
      const std::string code(item.at("code").as_string());
      if (code.starts_with("demo-")) demo[code] = item.as_object();
    }
    if (!body.at("next_cursor").is_string()) break;
    cursor = std::string(body.at("next_cursor").as_string());
  }
  const auto window = [&](const std::string& code) {
    REQUIRE(demo.count(code) == 1);
    const auto& campaign = demo.at(code);
    return std::string(campaign.at("kind").as_string()) + " " +
           std::string(campaign.at("starts_at").as_string()).substr(0, 19) + " " +
           std::string(campaign.at("ends_at").as_string()).substr(0, 19);
  };
  CHECK(window("demo-spring-festival-2027") ==
        "spring_festival 2027-01-15T16:00:00 2027-02-05T16:00:00");
  CHECK(window("demo-mid-autumn-2027") == "mid_autumn 2027-09-04T16:00:00 2027-09-15T16:00:00");
  CHECK(window("demo-poverty-relief-day-2027") ==
        "poverty_relief_day 2027-10-09T16:00:00 2027-10-17T16:00:00");
  for (const auto& [code, campaign] : demo) {
    INFO(code);
    const auto& skus = campaign.at("skus").as_array();
    CHECK(skus.size() == 8);
    for (const auto& sku : skus) {
      CHECK(sku.at("campaign_price_fen").as_int64() < sku.at("base_price_fen").as_int64());
      CHECK(sku.at("stock_cap").as_int64() == 500);
    }
    CHECK(!campaign.at("featured_products").as_array().empty());
  }
}
