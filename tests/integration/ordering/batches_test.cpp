// Harvest batches, pre-sale and traceability (issue 15 items 2 and 3) as suppliers, buyers,
// county officers and auditors see them over HTTP: orders take from the oldest open batch and
// may span batches, cancels give each part back to its batch, a batch cannot shrink below what
// is ordered from it, a pre-sale SKU sells up to its cap and ships from its date, and the
// trace of a line names its batches, certificate, shipment and acceptance to those who may
// see it. Real server, MariaDB, concurrency.
#include <huicai/events/v1/ordering.pb.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <catch2/catch.hpp>
#include <huicai/core/metrics.hpp>
#include <thread>

#include "ordering_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::ordering;

namespace {

std::string batch_body(std::int64_t quantity, const std::string& harvest_date,
                       const std::string& village = "杨家沟村") {
  return boost::json::serialize(boost::json::object{{"quantity", quantity},
                                                    {"harvest_date", harvest_date},
                                                    {"origin_village", village},
                                                    {"inspection_report", "YL-" + harvest_date}});
}

// A date relative to MariaDB's today, as the server compares them.
std::string date_in_days(World& world, int days) {
  return world.admin().run_blocking([&](mysql::Session& session) {
    auto& select = session.prepare("SELECT DATE_FORMAT(CURRENT_DATE + INTERVAL " +
                                   std::to_string(days) + " DAY, '%Y-%m-%d')");
    auto row = mysql::query(select);
    row->next();
    return std::string(row->getString(1));
  });
}

// Every batch of the SKU, oldest first: (available, reserved, sold).
std::vector<std::array<std::int64_t, 3>> batch_books(HttpClient& supplier, std::int64_t sku_id) {
  auto list = answer(supplier.get("/v1/inventory/" + std::to_string(sku_id) + "/batches"));
  std::vector<std::array<std::int64_t, 3>> books;
  for (const auto& item : list.at("items").as_array()) {
    books.push_back({item.at("available").as_int64(), item.at("reserved").as_int64(),
                     item.at("sold").as_int64()});
  }
  return books;
}

// The stock invariants with batches: the SKU's row counts exactly what its batches hold, each
// batch's reserved + sold is what the lines' parts took from it, nothing negative.
void check_stock_books(World& world, std::int64_t sku_id) {
  const auto sku = std::to_string(sku_id);
  const auto held = [&](const char* which) {
    return world.scalar(
        "SELECT COALESCE(SUM(available), 0) FROM ordering_stock_batches WHERE "
        "sku_id = " +
        sku + " AND harvest_date IS " + which);
  };
  CHECK(world.scalar("SELECT batch_available FROM ordering_stock WHERE sku_id = " + sku) ==
        held("NOT NULL"));
  CHECK(world.scalar("SELECT presale_available FROM ordering_stock WHERE sku_id = " + sku) ==
        held("NULL"));
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_stock_batches b WHERE b.sku_id = " + sku +
                     " AND b.reserved + b.sold <> (SELECT COALESCE(SUM(lb.quantity), 0) FROM "
                     "ordering_line_batches lb JOIN ordering_orders o ON o.id = lb.order_id "
                     "WHERE lb.batch_id = b.id AND o.status NOT IN ('cancelled', 'expired', "
                     "'rejected'))") == 0);
  CHECK(world.scalar("SELECT batch_available + presale_available <= available FROM "
                     "ordering_stock WHERE sku_id = " +
                     sku) == 1);
}

// The slug of a problem+json answer's type.
std::string problem_type(const HttpResponse& response) {
  const std::string type(response.json().at("type").as_string());
  return type.substr(type.rfind('/') + 1);
}

// The batch's events in the ordering outbox, oldest first: (type, the batch as it was after).
std::vector<std::pair<std::string, events::v1::StockBatchChanged>> batch_events(
    World& world, std::int64_t batch_id) {
  return world.admin().run_blocking([&](mysql::Session& session) {
    auto& select = session.prepare(
        "SELECT event_type, payload FROM ordering_outbox WHERE aggregate_id = ? ORDER BY id");
    auto rows = mysql::query(mysql::bind(select, "batch-" + std::to_string(batch_id)));
    std::vector<std::pair<std::string, events::v1::StockBatchChanged>> found;
    while (rows->next()) {
      events::v1::StockBatchChanged message;
      REQUIRE(message.ParseFromString(mysql::get_string(*rows, "payload")));
      found.emplace_back(mysql::get_string(*rows, "event_type"), std::move(message));
    }
    return found;
  });
}

std::int64_t only_line(const boost::json::object& order) {
  return order.at("fulfilments").at(0).at("lines").at(0).at("id").as_int64();
}

}  // namespace

TEST_CASE("orders take from the oldest open batch, span batches, and a cancel returns each part",
          "[ordering][batches]") {
  World world;
  auto catalog = world.make_catalog(0, 10);
  auto app = start_app();
  auto supplier = client_for(*app, supplier_staff(catalog.supplier_a));
  const auto batches = "/v1/inventory/" + std::to_string(catalog.sku_a) + "/batches";

  // Added out of harvest order: the September 1st batch is still the oldest.
  auto september_20 = answer(supplier->post(batches, batch_body(3, "2026-09-20")), 201);
  CHECK(september_20.at("quantity").as_int64() == 3);
  CHECK(september_20.at("origin_village").as_string() == "杨家沟村");
  answer(supplier->post(batches, batch_body(5, "2026-10-05", "高西沟村")), 201);
  answer(supplier->post(batches, batch_body(2, "2026-09-01", "姜兴庄村")), 201);
  CHECK(world.available(catalog.sku_a) == 10);

  auto buyer = client_for(*app, employee());
  auto placed =
      answer(buyer->post("/v1/orders", order_body(catalog, 4, 0), key("bt1-" + world.suffix)), 201);
  using Books = std::vector<std::array<std::int64_t, 3>>;
  CHECK(batch_books(*supplier, catalog.sku_a) == Books{{0, 2, 0}, {1, 2, 0}, {5, 0, 0}});
  check_stock_books(world, catalog.sku_a);

  auto trace =
      answer(buyer->get("/v1/order-lines/" + std::to_string(only_line(placed)) + "/trace"));
  const auto& parts = trace.at("batches").as_array();
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].at("quantity").as_int64() == 2);
  CHECK(parts[0].at("harvest_date").as_string() == "2026-09-01");
  CHECK(parts[0].at("origin_village").as_string() == "姜兴庄村");
  CHECK(parts[1].at("quantity").as_int64() == 2);
  CHECK(parts[1].at("inspection_report").as_string() == "YL-2026-09-20");
  CHECK(trace.at("certification").at("certified").as_bool());
  CHECK(trace.at("shipment").is_null());

  answer(buyer->post("/v1/orders/" + std::to_string(placed.at("id").as_int64()) + "/cancel", ""));
  CHECK(batch_books(*supplier, catalog.sku_a) == Books{{2, 0, 0}, {3, 0, 0}, {5, 0, 0}});
  CHECK(world.available(catalog.sku_a) == 10);
  CHECK(world.reserved(catalog.sku_a) == 0);
  check_stock_books(world, catalog.sku_a);

  // Loose stock (set before batches) is taken after the batches.
  auto stock = answer(supplier->get("/v1/inventory/" + std::to_string(catalog.sku_a)));
  answer(
      supplier->put("/v1/inventory/" + std::to_string(catalog.sku_a), R"({"available":12})",
                    {{"if-match", "\"v" + std::to_string(stock.at("version").as_int64()) + "\""}}));
  auto big = answer(
      buyer->post("/v1/orders", order_body(catalog, 11, 0), key("bt2-" + world.suffix)), 201);
  CHECK(batch_books(*supplier, catalog.sku_a) == Books{{0, 2, 0}, {0, 3, 0}, {0, 5, 0}});
  CHECK(world.available(catalog.sku_a) == 1);
  check_stock_books(world, catalog.sku_a);
  answer(buyer->post("/v1/orders/" + std::to_string(big.at("id").as_int64()) + "/cancel", ""));
  check_stock_books(world, catalog.sku_a);
}

TEST_CASE(
    "a batch cannot shrink below what is ordered from it, and bad or stale writes change "
    "nothing",
    "[ordering][batches]") {
  World world;
  auto catalog = world.make_catalog(0, 10);
  auto app = start_app();
  auto supplier = client_for(*app, supplier_staff(catalog.supplier_a));
  const auto batches = "/v1/inventory/" + std::to_string(catalog.sku_a) + "/batches";
  auto created = supplier->post(batches, batch_body(5, "2026-09-20"));
  auto batch = answer(created, 201);
  const auto url = batches + "/" + std::to_string(batch.at("id").as_int64());
  const auto etag = created.header("etag");
  auto buyer = client_for(*app, employee());
  answer(buyer->post("/v1/orders", order_body(catalog, 3, 0), key("bq-" + world.suffix)), 201);

  // Its first tag is stale now (the order changed the batch); the current one is in the answer.
  auto stale = supplier->put(url, R"({"quantity":9})", {{"if-match", etag}});
  CHECK(stale.status == 412);
  const auto current = stale.header("etag");
  CHECK(supplier->put(url, R"({"quantity":9})").status == 428);

  auto below = supplier->put(url, R"({"quantity":2})", {{"if-match", current}});
  CHECK(below.status == 409);
  CHECK(problem_type(below) == "batch-quantity-below-reserved");
  CHECK(below.json().at("reserved").as_int64() == 3);
  auto other = client_for(*app, supplier_staff(catalog.supplier_b));
  CHECK(other->put(url, R"({"quantity":9})", {{"if-match", current}}).status == 403);
  CHECK(other->post(batches, batch_body(5, "2026-09-20")).status == 403);
  // Bad bodies: no harvest, half a harvest, a non-date, both harvest and pre-sale.
  CHECK(supplier->post(batches, R"({"quantity":5})").status == 422);
  CHECK(supplier->post(batches, R"({"quantity":5,"harvest_date":"2026-09-20"})").status == 422);
  CHECK(supplier->post(batches, batch_body(5, "2026-02-30")).status == 422);
  std::string long_village;
  for (int i = 0; i < 129; ++i) long_village += "村";  // the column holds 128 characters
  CHECK(supplier->post(batches, batch_body(5, "2026-09-20", long_village)).status == 422);
  CHECK(supplier
            ->post(batches, R"({"quantity":5,"harvest_date":"2026-09-20","origin_village":"村",)"
                            R"("inspection_report":"R","presale_ships_from":"2026-12-01"})")
            .status == 422);
  // The total cannot drop below the batches' units either.
  auto stock = answer(supplier->get("/v1/inventory/" + std::to_string(catalog.sku_a)));
  auto total =
      supplier->put("/v1/inventory/" + std::to_string(catalog.sku_a), R"({"available":1})",
                    {{"if-match", "\"v" + std::to_string(stock.at("version").as_int64()) + "\""}});
  CHECK(total.status == 409);
  CHECK(problem_type(total) == "stock-held-in-batches");

  using Books = std::vector<std::array<std::int64_t, 3>>;
  CHECK(batch_books(*supplier, catalog.sku_a) == Books{{2, 3, 0}});
  CHECK(world.available(catalog.sku_a) == 2);
  check_stock_books(world, catalog.sku_a);

  // Exactly what is ordered is allowed: nothing left to sell.
  auto exact = answer(supplier->put(url, R"({"quantity":3})", {{"if-match", current}}));
  CHECK(exact.at("available").as_int64() == 0);
  const auto corrected = batch_events(world, batch.at("id").as_int64());
  REQUIRE(corrected.size() == 2);  // created, then this correction only: refusals are not events
  CHECK(corrected[1].first == "ordering.batch_corrected.v1");
  CHECK(corrected[1].second.quantity() == 3);
  CHECK(world.available(catalog.sku_a) == 0);
  check_stock_books(world, catalog.sku_a);
}

TEST_CASE(
    "closing a batch withdraws its unsold remainder and keeps what is ordered, under its version",
    "[ordering][batches]") {
  World world;
  auto catalog = world.make_catalog(0, 10);
  auto app = start_app();
  auto supplier = client_for(*app, supplier_staff(catalog.supplier_a));
  const auto batches = "/v1/inventory/" + std::to_string(catalog.sku_a) + "/batches";
  auto created = supplier->post(batches, batch_body(5, "2026-09-21"));
  auto batch = answer(created, 201);
  const auto close = batches + "/" + std::to_string(batch.at("id").as_int64()) + "/close";
  const auto first_tag = created.header("etag");
  auto buyer = client_for(*app, employee());
  answer(buyer->post("/v1/orders", order_body(catalog, 3, 0), key("cl1-" + world.suffix)), 201);
  using Books = std::vector<std::array<std::int64_t, 3>>;

  // Refusals change nothing: no version, a stale one, another supplier, someone else's batch.
  CHECK(supplier->post(close, "").status == 428);
  auto stale = supplier->post(close, "", {{"if-match", first_tag}});
  CHECK(stale.status == 412);
  const auto current = stale.header("etag");
  auto other = client_for(*app, supplier_staff(catalog.supplier_b));
  CHECK(other->post(close, "", {{"if-match", current}}).status == 403);
  CHECK(client_for(*app, employee())->post(close, "", {{"if-match", current}}).status == 403);
  CHECK(supplier->post(batches + "/999999999999/close", "", {{"if-match", current}}).status == 404);
  CHECK(batch_books(*supplier, catalog.sku_a) == Books{{2, 3, 0}});
  CHECK(world.available(catalog.sku_a) == 2);

  auto closed = supplier->post(close, "", {{"if-match", current}});
  auto body = answer(closed);
  CHECK(body.at("quantity").as_int64() == 3);
  CHECK(body.at("available").as_int64() == 0);
  CHECK(body.at("reserved").as_int64() == 3);
  CHECK(closed.header("etag") != current);
  CHECK(world.available(catalog.sku_a) == 0);
  check_stock_books(world, catalog.sku_a);
  // Its old tag is stale now, and nothing is left to sell.
  CHECK(supplier->post(close, "", {{"if-match", current}}).status == 412);
  auto refused = buyer->post("/v1/orders", order_body(catalog, 1, 0), key("cl2-" + world.suffix));
  CHECK(refused.status == 409);
  CHECK(batch_books(*supplier, catalog.sku_a) == Books{{0, 3, 0}});
  check_stock_books(world, catalog.sku_a);

  // Created and closed are events (the refusals are not), the batch as it was after each.
  const auto events = batch_events(world, batch.at("id").as_int64());
  REQUIRE(events.size() == 2);
  CHECK(events[0].first == "ordering.batch_created.v1");
  CHECK(events[0].second.quantity() == 5);
  CHECK(events[0].second.origin_village() == "杨家沟村");
  CHECK(events[0].second.supplier_id() == catalog.supplier_a);
  CHECK(events[1].first == "ordering.batch_closed.v1");
  CHECK(events[1].second.available() == 0);
  CHECK(events[1].second.reserved() == 3);
  CHECK(events[1].second.quantity() == 3);
}

TEST_CASE(
    "a pre-sale SKU sells up to its cap, ships from its date, and its batch draws the "
    "pre-sold units",
    "[ordering][presale]") {
  World world;
  auto catalog = world.make_catalog(0, 10);
  auto app = start_app();
  auto supplier = client_for(*app, supplier_staff(catalog.supplier_a));
  const auto batches = "/v1/inventory/" + std::to_string(catalog.sku_a) + "/batches";
  const auto tomorrow = date_in_days(world, 1);
  auto presale = answer(
      supplier->post(batches, R"({"quantity":5,"presale_ships_from":")" + tomorrow + "\"}"), 201);
  CHECK(presale.at("presale").as_bool());
  CHECK_FALSE(presale.at("arrived").as_bool());
  CHECK(presale.at("harvest_date").is_null());
  const auto url = batches + "/" + std::to_string(presale.at("id").as_int64());

  const auto units = budgeted_unit(world, *app, 1'000'000);
  auto buyer = client_for(*app, in_unit(auth::Role::unit_buyer, units.unit));
  auto placed = answer(buyer->post("/v1/orders", order_body(catalog, 3, 0, "unit_budget"),
                                   key("ps1-" + world.suffix)),
                       201);
  CHECK(placed.at("status").as_string() == "paid");
  auto over = buyer->post("/v1/orders", order_body(catalog, 3, 0, "unit_budget"),
                          key("ps2-" + world.suffix));
  CHECK(over.status == 409);  // the cap is 5: 2 left
  CHECK(over.json().at("available").as_int64() == 2);

  const auto fulfilment = "/v1/fulfilments/" +
                          std::to_string(placed.at("fulfilments").at(0).at("id").as_int64()) +
                          "/ship";
  const std::string shipment = R"({"carrier":"中国邮政","tracking_number":"EMS)" + world.suffix +
                               R"(","batch_number":"PS-1"})";
  auto not_arrived = supplier->post(fulfilment, shipment);
  CHECK(not_arrived.status == 409);
  CHECK(problem_type(not_arrived) == "batch-not-shipping");

  // The harvest arrives smaller than what was pre-sold: refused, nothing changes.
  auto read = supplier->get(batches);
  const auto tag =
      "\"v" + std::to_string(answer(read).at("items").at(0).at("version").as_int64()) + "\"";
  const auto arrival = [&](std::int64_t quantity) {
    return R"({"quantity":)" + std::to_string(quantity) +
           R"(,"harvest_date":"2026-10-08","origin_village":"桃镇村","inspection_report":"QC-8"})";
  };
  auto small = supplier->put(url, arrival(2), {{"if-match", tag}});
  CHECK(small.status == 409);
  CHECK(problem_type(small) == "batch-quantity-below-reserved");
  using Books = std::vector<std::array<std::int64_t, 3>>;
  CHECK(batch_books(*supplier, catalog.sku_a) == Books{{2, 3, 0}});

  auto arrived = answer(supplier->put(url, arrival(10), {{"if-match", tag}}));
  CHECK(arrived.at("arrived").as_bool());
  CHECK(arrived.at("available").as_int64() == 7);
  CHECK(arrived.at("reserved").as_int64() == 3);
  CHECK(world.available(catalog.sku_a) == 7);
  check_stock_books(world, catalog.sku_a);
  // Harvest facts are written once.
  auto again = supplier->put(
      url, arrival(10),
      {{"if-match", "\"v" + std::to_string(arrived.at("version").as_int64()) + "\""}});
  CHECK(again.status == 409);

  // Still before the declared date: 409; on the date it ships.
  auto early = supplier->post(fulfilment, shipment);
  CHECK(early.status == 409);
  CHECK(early.json().at("ships_from").as_string() == tomorrow);
  world.execute("UPDATE ordering_stock_batches SET ships_from = CURRENT_DATE WHERE id = " +
                std::to_string(presale.at("id").as_int64()));
  answer(supplier->post(fulfilment, shipment));
  CHECK(batch_books(*supplier, catalog.sku_a) == Books{{7, 0, 3}});
  check_stock_books(world, catalog.sku_a);

  auto trace =
      answer(buyer->get("/v1/order-lines/" + std::to_string(only_line(placed)) + "/trace"));
  CHECK(trace.at("batches").at(0).at("harvest_date").as_string() == "2026-10-08");
  CHECK(trace.at("batches").at(0).at("origin_village").as_string() == "桃镇村");
  CHECK(trace.at("batches").at(0).at("presale").as_bool());
  CHECK(trace.at("shipment").at("carrier").as_string() == "中国邮政");
  CHECK(trace.at("shipment").at("tracking_number").as_string() == "EMS" + world.suffix);
}

TEST_CASE(
    "a line's trace is for its buyer, the buyer's unit, the supplier's county officer "
    "and auditors only",
    "[ordering][trace]") {
  World world;
  auto catalog = world.make_catalog(0, 10);
  auto app = start_app();
  auto supplier = client_for(*app, supplier_staff(catalog.supplier_a));
  answer(supplier->post("/v1/inventory/" + std::to_string(catalog.sku_a) + "/batches",
                        batch_body(10, "2026-09-20")),
         201);
  const auto units = budgeted_unit(world, *app, 1'000'000);
  auto buyer = client_for(*app, in_unit(auth::Role::unit_buyer, units.unit));
  auto placed = answer(buyer->post("/v1/orders", order_body(catalog, 2, 0, "unit_budget"),
                                   key("tr-" + world.suffix)),
                       201);
  const auto line = std::to_string(only_line(placed));
  const auto url = "/v1/order-lines/" + line + "/trace";
  // Ship, receive and accept, so the trace has all of it.
  const auto fulfilment = std::to_string(placed.at("fulfilments").at(0).at("id").as_int64());
  answer(supplier->post("/v1/fulfilments/" + fulfilment + "/ship",
                        R"({"carrier":"顺丰","tracking_number":"SF9","batch_number":"MZ-9"})"));
  answer(buyer->post("/v1/fulfilments/" + fulfilment + "/receive", ""));
  answer(buyer->post("/v1/fulfilments/" + fulfilment + "/accept",
                     R"({"lines":[{"line_id":)" + line + R"(,"accepted_quantity":2}]})",
                     key("tr-acc-" + world.suffix)));

  auto as_buyer = answer(buyer->get(url));
  CHECK(as_buyer.at("batches").at(0).at("inspection_report").as_string() == "YL-2026-09-20");
  CHECK(as_buyer.at("certification").at("certificate_id").as_int64() == catalog.certificate_a);
  CHECK(as_buyer.at("shipment").at("batch_number").as_string() == "MZ-9");
  CHECK(as_buyer.at("acceptance").at("accepted_quantity").as_int64() == 2);
  CHECK(as_buyer.at("acceptance").at("accepted_at").is_string());

  auto officer = with_role(auth::Role::county_officer);
  officer.county_id = static_cast<std::uint64_t>(catalog.county_id);
  auto other_officer = with_role(auth::Role::county_officer);
  other_officer.county_id = static_cast<std::uint64_t>(catalog.county_id + 1);
  CHECK(client_for(*app, officer)->get(url).status == 200);
  CHECK(client_for(*app, with_role(auth::Role::auditor))->get(url).status == 200);
  CHECK(client_for(*app, in_unit(auth::Role::unit_admin, units.parent))->get(url).status == 200);
  CHECK(client_for(*app, in_unit(auth::Role::unit_approver, units.unit))->get(url).status == 200);
  // Everyone else: the line is not theirs (404) or their role never reads traces (403).
  CHECK(client_for(*app, other_officer)->get(url).status == 404);
  CHECK(client_for(*app, employee())->get(url).status == 404);
  const auto other_unit = world.make_unit();
  CHECK(client_for(*app, in_unit(auth::Role::unit_buyer, other_unit))->get(url).status == 404);
  CHECK(supplier->get(url).status == 403);
  CHECK(client_for(*app, with_role(auth::Role::finance))->get(url).status == 403);
  CHECK(client_for(*app, with_role(auth::Role::operator_))->get(url).status == 403);
  CHECK(buyer->get("/v1/order-lines/999999999999/trace").status == 404);
}

TEST_CASE("units on hand are sold before a pre-sale batch: harvested, then loose, then pre-sale",
          "[ordering][presale]") {
  World world;
  auto catalog = world.make_catalog(3, 10);  // 3 loose units set before any batch
  auto app = start_app();
  auto supplier = client_for(*app, supplier_staff(catalog.supplier_a));
  const auto batches = "/v1/inventory/" + std::to_string(catalog.sku_a) + "/batches";
  answer(supplier->post(batches, R"({"quantity":5,"presale_ships_from":"2026-12-31"})"), 201);
  answer(supplier->post(batches, batch_body(2, "2026-09-20")), 201);
  auto buyer = client_for(*app, employee());
  using Books = std::vector<std::array<std::int64_t, 3>>;
  // 4 units: the 2 harvested, then 2 of the 3 loose; the pre-sale batch is untouched.
  auto first =
      answer(buyer->post("/v1/orders", order_body(catalog, 4, 0), key("lp1-" + world.suffix)), 201);
  CHECK(batch_books(*supplier, catalog.sku_a) == Books{{0, 2, 0}, {5, 0, 0}});
  check_stock_books(world, catalog.sku_a);
  // 3 more: the last loose unit, then 2 pre-sold.
  answer(buyer->post("/v1/orders", order_body(catalog, 3, 0), key("lp2-" + world.suffix)), 201);
  CHECK(batch_books(*supplier, catalog.sku_a) == Books{{0, 2, 0}, {3, 2, 0}});
  CHECK(world.available(catalog.sku_a) == 3);
  check_stock_books(world, catalog.sku_a);
  answer(buyer->post("/v1/orders/" + std::to_string(first.at("id").as_int64()) + "/cancel", ""));
  CHECK(batch_books(*supplier, catalog.sku_a) == Books{{2, 0, 0}, {3, 2, 0}});
  CHECK(world.available(catalog.sku_a) == 7);
  check_stock_books(world, catalog.sku_a);
}

// Orders that arrive together are written as one group (docs/adr/0031), which does not look
// at batches: its reservation takes loose units only and must give way on a SKU that holds
// batches, so each order is placed alone and takes the harvested units first.
TEST_CASE("orders placed at once on a SKU with loose units and a batch take the batch first",
          "[ordering][batches][groups]") {
  World world;
  constexpr std::int64_t kLoose = 100;
  auto catalog = world.make_catalog(kLoose, 1000);
  auto app = start_app();
  auto supplier = client_for(*app, supplier_staff(catalog.supplier_a));
  const auto batches = "/v1/inventory/" + std::to_string(catalog.sku_a) + "/batches";
  const auto groups_placed_alone = [&] {
    return app->context()
        .metrics()
        .counter("huicai_order_groups_total", {{"outcome", "place_alone"}})
        .value();
  };
  constexpr int kBuyers = 12;  // 1 unit each: 6 from the round's batch, then 6 loose
  std::vector<std::unique_ptr<HttpClient>> clients;
  for (int i = 0; i < kBuyers; ++i) clients.push_back(client_for(*app, employee()));
  using Books = std::vector<std::array<std::int64_t, 3>>;
  Books expected;
  // Until a group met the batch and gave way (released at once, the first round nearly always
  // has one); every round is checked in full.
  for (int round = 0; round < 5 && groups_placed_alone() == 0; ++round) {
    answer(supplier->post(batches, batch_body(6, date_in_days(world, -30 + round))), 201);
    expected.push_back({0, 6, 0});
    std::atomic<bool> go{false};
    std::vector<int> statuses(kBuyers, 0);
    std::vector<std::thread> threads;
    for (int i = 0; i < kBuyers; ++i) {
      threads.emplace_back([&, i] {
        while (!go.load()) std::this_thread::yield();
        statuses[i] = clients[i]
                          ->post("/v1/orders", order_body(catalog, 1, 0),
                                 key("bgroup-" + world.suffix + "-" + std::to_string(round) + "-" +
                                     std::to_string(i)))
                          .status;
      });
    }
    go = true;
    for (auto& thread : threads) thread.join();
    CHECK(std::count(statuses.begin(), statuses.end(), 201) == kBuyers);
    CHECK(batch_books(*supplier, catalog.sku_a) == expected);
    CHECK(world.available(catalog.sku_a) == kLoose - 6 * (round + 1));
    CHECK(world.reserved(catalog.sku_a) == kBuyers * (round + 1));
    check_stock_books(world, catalog.sku_a);
  }
  CHECK(groups_placed_alone() > 0);
}

TEST_CASE("64 concurrent buyers over two batches and a pre-sale cap: exactly what exists is sold",
          "[ordering][race][batches]") {
  World world;
  auto catalog = world.make_catalog(0, 1000);
  auto app = start_app();
  auto supplier = client_for(*app, supplier_staff(catalog.supplier_a));
  const auto batches = "/v1/inventory/" + std::to_string(catalog.sku_a) + "/batches";
  answer(supplier->post(batches, batch_body(3, "2026-09-01")), 201);
  answer(supplier->post(batches, batch_body(4, "2026-09-20")), 201);
  answer(supplier->post(batches, R"({"quantity":5,"presale_ships_from":"2026-12-31"})"), 201);
  constexpr int kBuyers = 64;
  constexpr std::int64_t kUnits = 3 + 4 + 5;  // two units an order: every batch boundary split

  std::vector<std::unique_ptr<HttpClient>> clients;
  for (int i = 0; i < kBuyers; ++i) clients.push_back(client_for(*app, employee()));
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<int> statuses(kBuyers, 0);
  std::vector<std::int64_t> orders(kBuyers, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kBuyers; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (!go.load()) std::this_thread::yield();
      try {
        auto response = clients[i]->post("/v1/orders", order_body(catalog, 2, 0),
                                         key("brace-" + world.suffix + std::to_string(i)));
        statuses[i] = response.status;
        if (response.status == 201) orders[i] = response.json().at("id").as_int64();
      } catch (const std::exception&) {
        statuses[i] = -1;
      }
    });
  }
  while (ready.load() < kBuyers) std::this_thread::yield();
  go = true;
  for (auto& thread : threads) thread.join();

  CHECK(std::count(statuses.begin(), statuses.end(), 201) == kUnits / 2);
  CHECK(std::count(statuses.begin(), statuses.end(), 409) == kBuyers - kUnits / 2);
  using Books = std::vector<std::array<std::int64_t, 3>>;
  CHECK(batch_books(*supplier, catalog.sku_a) == Books{{0, 3, 0}, {0, 4, 0}, {0, 5, 0}});
  CHECK(world.available(catalog.sku_a) == 0);
  CHECK(world.reserved(catalog.sku_a) == kUnits);
  check_stock_books(world, catalog.sku_a);

  // Half cancel at once: every part goes back to its own batch, once.
  std::vector<std::thread> cancels;
  for (int i = 0; i < kBuyers; ++i) {
    if (orders[i] == 0 || i % 2 == 1) continue;
    cancels.emplace_back(
        [&, i] { clients[i]->post("/v1/orders/" + std::to_string(orders[i]) + "/cancel", ""); });
  }
  for (auto& thread : cancels) thread.join();
  check_stock_books(world, catalog.sku_a);
  CHECK(world.available(catalog.sku_a) + world.reserved(catalog.sku_a) == kUnits);
}
