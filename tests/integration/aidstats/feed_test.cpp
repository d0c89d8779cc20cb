// The live feed (GET /v1/aid-totals/feed, a WebSocket): a subscriber gets a snapshot, then an
// update carrying the new amounts once a payment has gone through ordering and the totals'
// consumer (Redis pub/sub in between); an upgrade without a valid token is refused with 401
// before any WebSocket exists; a plain GET is told to upgrade (426).
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "aidstats_world.hpp"
#include "websocket_client.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::aidstats;

namespace {

const std::string kFeed = "/v1/aid-totals/feed";
const std::string kProtocol = "huicai.aid-totals.v1";

std::unique_ptr<WebSocketClient> subscribe(TestApp& app, const std::string& token) {
  return std::make_unique<WebSocketClient>(
      app.host(), app.port(), kFeed, std::vector<std::string>{kProtocol, "huicai.bearer." + token});
}

// The amount of one row in a frame's changes, if the frame carries it.
std::optional<std::int64_t> change_of(const boost::json::object& frame,
                                      const std::string& dimension, const std::string& period,
                                      const std::string& item) {
  for (const auto& change : frame.at("changes").as_array()) {
    const auto& row = change.as_object();
    if (row.at("dimension").as_string() == dimension && row.at("period").as_string() == period &&
        row.at("item").as_string() == item) {
      return row.at("amount_fen").as_int64();
    }
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("a feed subscriber gets a snapshot, then the new amounts after a payment",
          "[aidstats][feed]") {
  World world;
  auto catalog = world.make_catalog(50, 50);
  auto app = start_aidstats_app();
  auto feed = subscribe(*app, token_for(*app, with_role(auth::Role::auditor)));
  REQUIRE(feed->open());
  CHECK(feed->accepted_subprotocol() == kProtocol);

  auto first = feed->read(std::chrono::seconds(10));
  REQUIRE(first);
  const auto snapshot = boost::json::parse(*first).as_object();
  CHECK(snapshot.at("type").as_string() == "snapshot");
  const auto total_before = snapshot.at("total_fen").as_int64();
  const auto county = std::to_string(catalog.county_id);
  CHECK(!change_of(snapshot, "county", "", county));  // a new county: nothing bought yet

  // An employee pays for 2 bags of the certified product (2 x 29.99) and 1 uncertified box.
  auto employee_client = client_for(*app, employee());
  const auto order_id = place_paid_personal_order(world, *employee_client, catalog, 2, 1);
  REQUIRE(totals_caught_up(world, {order_id}));

  // Updates of other tests' orders may come first: wait for the one naming this county.
  std::optional<boost::json::object> update;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!update && std::chrono::steady_clock::now() < deadline) {
    auto text = feed->read(std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()));
    if (!text) break;
    auto frame = boost::json::parse(*text).as_object();
    if (change_of(frame, "county", "", county)) update = std::move(frame);
  }
  REQUIRE(update);
  CHECK(update->at("type").as_string() == "update");
  CHECK(update->at("seq").as_int64() > snapshot.at("seq").as_int64());
  CHECK(*change_of(*update, "county", "", county) == 2 * 2999);
  CHECK(*change_of(*update, "supplier", "", std::to_string(catalog.supplier_a)) == 2 * 2999);
  CHECK(*change_of(*update, "class", "", "help_sell") >= 2 * 2999);
  // The running total moved by at least this order (concurrent tests may add theirs).
  CHECK(update->at("total_fen").as_int64() >= total_before + 2 * 2999);
}

TEST_CASE("a feed upgrade without a valid token is refused with 401", "[aidstats][feed]") {
  auto app = start_aidstats_app();
  SECTION("no token") {
    WebSocketClient feed(app->host(), app->port(), kFeed, {kProtocol});
    CHECK_FALSE(feed.open());
    CHECK(feed.handshake_status() == 401);
  }
  SECTION("a forged token") {
    auto token = token_for(*app, with_role(auth::Role::auditor));
    token.back() = token.back() == 'A' ? 'B' : 'A';
    WebSocketClient feed(app->host(), app->port(), kFeed, {kProtocol, "huicai.bearer." + token});
    CHECK_FALSE(feed.open());
    CHECK(feed.handshake_status() == 401);
  }
  SECTION("a role that may not read the totals") {
    WebSocketClient feed(app->host(), app->port(), kFeed,
                         {kProtocol, "huicai.bearer." + token_for(*app, employee())});
    CHECK_FALSE(feed.open());
    CHECK(feed.handshake_status() == 403);
  }
  SECTION("a plain GET is told to upgrade") {
    auto client = client_for(*app, with_role(auth::Role::finance));
    const auto response = client->get(kFeed);
    CHECK(response.status == 426);
  }
}
