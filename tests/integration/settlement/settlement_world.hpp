#pragma once
// Test world for settlement: ordering's world (catalog rows, principals, the HTTP helpers) plus
// an app running ordering and settlement together, the ledger's consumer running for real, and
// helpers that drive orders through ordering's own routes and read the ledger back.

#include <chrono>
#include <huicai/settlement/service.hpp>

#include "../ordering/ordering_world.hpp"

namespace huicai::test::settlement {

using namespace huicai::test::ordering;

inline int budget_year() {
  const auto now = std::chrono::system_clock::now() + std::chrono::hours(8);
  return static_cast<int>(
      std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(now)}.year());
}

inline boost::json::object ok(const HttpResponse& response, int status = 200) {
  INFO(response.body);
  REQUIRE(response.status == status);
  return response.json().as_object();
}

// Ordering and settlement in one app; the ledger's consumer runs in the background.
inline std::unique_ptr<TestApp> start_settlement_app() {
  ::setenv("HUICAI_ORDER_SWEEP_INTERVAL_MS", "0", 1);
  ::setenv("HUICAI_LEDGER_CONSUMER", "true", 1);
  return std::make_unique<TestApp>(std::vector<app::ServiceEntry>{
      huicai::ordering::service_entry(), huicai::settlement::service_entry()});
}

// A unit (in identity's directory, under a parent) with a budget, its buyer and admin, buying
// from the world's two suppliers. Finance grants the parent's budget; the parent's admin gives
// the unit its share.
struct UnitBuyer {
  std::int64_t unit_id = 0;
  std::string unit_path;
  std::unique_ptr<HttpClient> buyer, admin;

  UnitBuyer(World& world, TestApp& app, std::int64_t budget_fen) {
    const auto parent = world.make_unit();
    const auto unit = world.make_unit(parent, "unit");
    unit_id = unit.id;
    unit_path = unit.path;
    const std::string year = std::to_string(budget_year());
    auto finance = client_for(app, with_role(auth::Role::finance));
    ok(finance->put("/v1/units/" + std::to_string(parent.id) + "/budgets/" + year,
                    R"({"granted_fen":)" + std::to_string(budget_fen) + "}"));
    admin = client_for(app, in_unit(auth::Role::unit_admin, parent));
    buyer = client_for(app, unit_role(auth::Role::unit_buyer, unit_id, unit_path));
    ok(admin->put("/v1/units/" + std::to_string(unit_id) + "/budgets/" + year,
                  R"({"granted_fen":)" + std::to_string(budget_fen) + "}"));
  }
};

struct PlacedOrder {
  std::int64_t order_id = 0;
  std::map<std::int64_t, std::int64_t> fulfilment_of_supplier;
  std::map<std::int64_t, std::int64_t> line_of_sku;
};

inline PlacedOrder place_unit_order(World& world, HttpClient& buyer, const Catalog& catalog,
                                    std::int64_t quantity_a, std::int64_t quantity_b) {
  auto order =
      ok(buyer.post("/v1/orders", order_body(catalog, quantity_a, quantity_b, "unit_budget"),
                    key("o-" + world.suffix + std::to_string(random_id()))),
         201);
  REQUIRE(order.at("status").as_string() == "paid");
  PlacedOrder placed;
  placed.order_id = order.at("id").as_int64();
  for (const auto& fulfilment : order.at("fulfilments").as_array()) {
    placed.fulfilment_of_supplier[fulfilment.at("supplier_id").as_int64()] =
        fulfilment.at("id").as_int64();
    for (const auto& line : fulfilment.at("lines").as_array()) {
      placed.line_of_sku[line.at("sku_id").as_int64()] = line.at("id").as_int64();
    }
  }
  return placed;
}

inline void ship_and_receive(TestApp& app, HttpClient& buyer, std::int64_t supplier_id,
                             std::int64_t fulfilment_id) {
  auto supplier = client_for(app, supplier_staff(supplier_id));
  const auto path = "/v1/fulfilments/" + std::to_string(fulfilment_id);
  ok(supplier->post(path + "/ship",
                    R"({"carrier":"顺丰","tracking_number":"SF123","batch_number":"B-1"})"));
  ok(buyer.post(path + "/receive", ""));
}

// Accepts the fulfilment; `lines_json` as the accept route takes it ("[]": all in full).
inline void accept(World& world, HttpClient& buyer, std::int64_t fulfilment_id,
                   const std::string& lines_json = "[]") {
  ok(buyer.post("/v1/fulfilments/" + std::to_string(fulfilment_id) + "/accept",
                R"({"lines":)" + lines_json + "}",
                key("acc-" + world.suffix + std::to_string(random_id()))));
}

// An after-sale refund of `amount_fen` on the fulfilment, accepted by the supplier.
inline void refund_after_sale(TestApp& app, World& world, HttpClient& buyer, std::int64_t order_id,
                              std::int64_t supplier_id, std::int64_t fulfilment_id,
                              std::int64_t amount_fen) {
  auto request =
      ok(buyer.post("/v1/orders/" + std::to_string(order_id) + "/after-sales",
                    R"({"fulfilment_id":)" + std::to_string(fulfilment_id) +
                        R"(,"kind":"partial","amount_fen":)" + std::to_string(amount_fen) +
                        R"(,"reason":"受潮","evidence_urls":["https://img.example/1.jpg"]})",
                    key("as-" + world.suffix + std::to_string(random_id()))),
         201);
  auto supplier = client_for(app, supplier_staff(supplier_id));
  auto decided = ok(supplier->post(
      "/v1/after-sales/" + std::to_string(request.at("id").as_int64()) + "/supplier-decision",
      R"({"decision":"accept"})", key("dec-" + world.suffix + std::to_string(random_id()))));
  REQUIRE(decided.at("status").as_string() == "refunded");
}

// Balance of a ledger account by code: Σ debits − Σ credits (0 for an account never used).
// The first of this month in China's calendar: the current statement period.
inline std::string this_month() {
  const auto now = std::chrono::system_clock::now() + std::chrono::hours(8);
  const std::chrono::year_month_day date{std::chrono::floor<std::chrono::days>(now)};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-01", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()));
  return text;
}

// The first of the month after `first` (YYYY-MM-01): the next statement period.
inline std::string month_after(const std::string& first) {
  const std::chrono::year_month_day date{
      std::chrono::year(std::stoi(first.substr(0, 4))),
      std::chrono::month(static_cast<unsigned>(std::stoi(first.substr(5, 2)))),
      std::chrono::day(1)};
  const auto next = date + std::chrono::months(1);
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-01", static_cast<int>(next.year()),
                static_cast<unsigned>(next.month()));
  return text;
}

// The supplier's statements of the period, read as the supplier's own staff.
inline boost::json::array statements_of(TestApp& app, std::int64_t supplier_id,
                                        const std::string& period) {
  auto staff = client_for(app, supplier_staff(supplier_id));
  return ok(staff->get("/v1/settlement/statements?period_start=" + period)).at("items").as_array();
}

// The one statement of the supplier for the period.
inline boost::json::object statement_of(TestApp& app, std::int64_t supplier_id,
                                        const std::string& period) {
  const auto items = statements_of(app, supplier_id, period);
  REQUIRE(items.size() == 1);
  return items[0].as_object();
}

inline std::int64_t balance(World& world, const std::string& code) {
  return world.scalar(
      "SELECT COALESCE(SUM(IF(e.side = 'D', e.amount_fen, -e.amount_fen)), 0) FROM "
      "settlement_entries e JOIN settlement_accounts a ON a.id = e.account_id WHERE a.code = '" +
      code + "'");
}

// Waits until every event of the order that settlement posts is in the ledger.
inline bool ledger_caught_up(World& world, std::int64_t order_id) {
  const auto id = std::to_string(order_id);
  return wait_until(
      [&] {
        return world.scalar(
                   "SELECT COUNT(*) FROM ordering_outbox WHERE aggregate_id = '" + id +
                   "' AND event_type IN ('ordering.order_paid.v1', "
                   "'ordering.fulfilment_accepted.v1', 'ordering.refund_completed.v1') AND "
                   "event_id NOT IN (SELECT event_id FROM settlement_processed_events WHERE "
                   "consumer_group = 'settlement-ledger')") == 0;
      },
      std::chrono::seconds(120));
}

// A county officer of `county_id`.
inline auth::Principal county_officer(std::int64_t county_id) {
  auto principal = with_role(auth::Role::county_officer);
  principal.county_id = static_cast<std::uint64_t>(county_id);
  return principal;
}

// Where the statement and export tests start: the world's two suppliers (one county), ordering
// and settlement running, a unit with a budget and one order of both suppliers (A: 5998 fen,
// B: 1550 fen) shipped, received and accepted in full, in the ledger; finance's client.
struct AcceptedOrderWorld {
  World world;
  Catalog catalog = world.make_catalog(50, 50);
  std::unique_ptr<TestApp> app = start_settlement_app();
  UnitBuyer unit{world, *app, 100000};
  PlacedOrder order = place_unit_order(world, *unit.buyer, catalog, 2, 1);
  std::int64_t fulfilment_a = order.fulfilment_of_supplier.at(catalog.supplier_a);
  std::int64_t fulfilment_b = order.fulfilment_of_supplier.at(catalog.supplier_b);
  std::unique_ptr<HttpClient> finance = client_for(*app, with_role(auth::Role::finance));

  AcceptedOrderWorld() {
    ship_and_receive(*app, *unit.buyer, catalog.supplier_a, fulfilment_a);
    ship_and_receive(*app, *unit.buyer, catalog.supplier_b, fulfilment_b);
    accept(world, *unit.buyer, fulfilment_a);
    accept(world, *unit.buyer, fulfilment_b);
    REQUIRE(ledger_caught_up(world, order.order_id));
  }
};

}  // namespace huicai::test::settlement
