#pragma once
// Test world for the aid totals: ordering's and settlement's test helpers (catalog rows, units
// with budgets, orders driven through ordering's own routes), an app running ordering and
// aidstats with the totals' consumer running for real, and readers of aidstats_totals.

#include <huicai/aidstats/service.hpp>
#include <huicai/core/events/outbox.hpp>

#include "../ordering/sandbox_signature.hpp"
#include "../settlement/settlement_world.hpp"

namespace huicai::test::aidstats {

using namespace huicai::test::settlement;

// Ordering and aidstats in one app; the totals' consumer runs in the background.
inline std::unique_ptr<TestApp> start_aidstats_app() {
  ::setenv("HUICAI_ORDER_SWEEP_INTERVAL_MS", "0", 1);
  return std::make_unique<TestApp>(std::vector<app::ServiceEntry>{
      huicai::ordering::service_entry(), huicai::aidstats::service_entry()});
}

// One row of aidstats_totals (0 when there is none).
inline std::int64_t total(World& world, const std::string& dimension, const std::string& period,
                          const std::string& item) {
  return world.scalar(
      "SELECT COALESCE(SUM(amount_fen), 0) FROM aidstats_totals WHERE dimension "
      "= '" +
      dimension + "' AND period = '" + period + "' AND item = '" + item + "'");
}

// The aid of a county recomputed from ordering's own tables: certified lines of paid orders at
// their paid amount less refunds.
inline std::int64_t recomputed_county_aid(World& world, std::int64_t county_id) {
  return world.scalar(
      "SELECT COALESCE(SUM(l.line_total_fen - l.refunded_fen), 0) FROM ordering_order_lines l "
      "JOIN ordering_orders o ON o.id = l.order_id WHERE o.paid_at IS NOT NULL AND l.certified = 1 "
      "AND l.county_id = " +
      std::to_string(county_id));
}

// Every totals row matching `where`, as one comparable text ("dimension|period|item=fen;...").
inline std::string totals_picture(World& world, const std::string& where) {
  return world.admin().run_blocking([&](mysql::Session& session) {
    auto& select =
        session.prepare("SELECT dimension, period, item, amount_fen FROM aidstats_totals WHERE " +
                        where + " AND amount_fen <> 0 ORDER BY dimension, period, item");
    auto rows = mysql::query(select);
    std::string picture;
    while (rows->next()) {
      picture += mysql::get_string(*rows, "dimension") + "|" + mysql::get_string(*rows, "period") +
                 "|" + mysql::get_string(*rows, "item") + "=" +
                 std::to_string(rows->getInt64("amount_fen")) + ";";
    }
    return picture;
  });
}

// Waits until the totals' consumer has applied every paid/refund event of these orders.
inline bool totals_caught_up(
    World& world, const std::vector<std::int64_t>& order_ids,
    const std::string& group = std::string(huicai::aidstats::kTotalsGroup)) {
  std::string ids;
  for (auto id : order_ids) ids += (ids.empty() ? "'" : ", '") + std::to_string(id) + "'";
  return wait_until(
      [&] {
        return world.scalar("SELECT COUNT(*) FROM ordering_outbox WHERE aggregate_id IN (" + ids +
                            ") AND event_type IN ('ordering.order_paid.v1', "
                            "'ordering.refund_completed.v1') AND event_id NOT IN (SELECT event_id "
                            "FROM aidstats_processed_events WHERE consumer_group = '" +
                            group + "')") == 0;
      },
      std::chrono::seconds(120));
}

// An employee's personal order paid through the sandbox channel; returns its id once paid.
inline std::int64_t place_paid_personal_order(World& world, HttpClient& client,
                                              const Catalog& catalog, std::int64_t quantity_a,
                                              std::int64_t quantity_b) {
  auto order = ok(client.post("/v1/orders", order_body(catalog, quantity_a, quantity_b, "personal"),
                              key("p-" + world.suffix + std::to_string(random_id()))),
                  201);
  const auto order_id = order.at("id").as_int64();
  auto intent = ok(client.post("/v1/orders/" + std::to_string(order_id) + "/payment-intents", "",
                               key("i-" + world.suffix + std::to_string(random_id()))),
                   201);
  const std::string intent_id(intent.at("intent_id").as_string());
  REQUIRE(client.post("/v1/payments/sandbox/" + intent_id + "/confirm", "").status == 202);
  REQUIRE(wait_until(
      [&] {
        return world.scalar("SELECT paid_at IS NOT NULL FROM ordering_orders WHERE id = " +
                            std::to_string(order_id)) == 1;
      },
      std::chrono::seconds(20)));
  return order_id;
}

}  // namespace huicai::test::aidstats

namespace huicai::test::aidstats {

// A buyer of a real org unit (in identity's directory: ordering checks budgets' units there and
// the totals roll up through it), with a budget of `budget_fen` this year. Nobody grants its own
// unit's budget and a child's budget comes out of its parent's: finance grants a root unit, or
// the parent of a child unit, and the parent's admin hands the child its share.
struct OrgBuyer {
  World::Unit unit;
  std::unique_ptr<HttpClient> buyer;
};
inline OrgBuyer buyer_of(TestApp& app, World& world, const World::Unit& unit,
                         std::int64_t budget_fen,
                         const std::optional<World::Unit>& parent = std::nullopt) {
  const std::string year = std::to_string(budget_year());
  const std::string body = R"({"granted_fen":)" + std::to_string(budget_fen) + "}";
  auto finance = client_for(app, with_role(auth::Role::finance));
  ok(finance->put("/v1/units/" + std::to_string((parent ? *parent : unit).id) + "/budgets/" + year,
                  body));
  if (parent) {
    auto admin =
        client_for(app, in_unit(auth::Role::unit_admin, *parent, world.make_account(*parent)));
    ok(admin->put("/v1/units/" + std::to_string(unit.id) + "/budgets/" + year, body));
  }
  return {unit, client_for(app, in_unit(auth::Role::unit_buyer, unit, world.make_account(unit)))};
}

inline PlacedOrder place_order_of(World& world, OrgBuyer& unit, const Catalog& catalog,
                                  std::int64_t quantity_a, std::int64_t quantity_b) {
  return place_unit_order(world, *unit.buyer, catalog, quantity_a, quantity_b);
}

// Ships, receives and accepts the fulfilment; `lines_json` as the accept route takes it.
inline void deliver(TestApp& app, World& world, OrgBuyer& unit, std::int64_t supplier_id,
                    std::int64_t fulfilment_id, const std::string& lines_json = "[]") {
  ship_and_receive(app, *unit.buyer, supplier_id, fulfilment_id);
  accept(world, *unit.buyer, fulfilment_id, lines_json);
}

}  // namespace huicai::test::aidstats
