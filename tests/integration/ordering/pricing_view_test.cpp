// Pricing reads catalog's catalog_sku_pricing view (db/migrations/0310): the certificate an order
// line snapshots is the certification valid today that runs longest (then the highest id), of
// the product's or of its supplier's scope; expired, not yet valid and revoked ones never count.
// The view must name the same certificate as catalog_orderable_sku (0206) for every SKU.
#include <catch2/catch.hpp>

#include "ordering_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::ordering;

namespace {

// Certifies `scope`'s `target` from `from_days` to `to_days` days from today.
std::int64_t certify(World& world, const Catalog& catalog, const std::string& scope,
                     std::int64_t target, int from_days, int to_days,
                     const std::string& status = "active") {
  static int serial = 0;
  return world.insert(
      "INSERT INTO catalog_certifications (certificate_number, issuing_body, scope, target_id, "
      "county_id, valid_from, valid_to, status) VALUES ('P-" +
      world.suffix + "-" + std::to_string(++serial) + "', '县扶贫办', '" + scope + "', " +
      std::to_string(target) + ", " + std::to_string(catalog.county_id) + ", CURRENT_DATE + " +
      "INTERVAL " + std::to_string(from_days) + " DAY, CURRENT_DATE + INTERVAL " +
      std::to_string(to_days) + " DAY, '" + status + "')");
}

std::int64_t product_of(World& world, std::int64_t sku_id) {
  return world.scalar("SELECT product_id FROM catalog_skus WHERE id = " + std::to_string(sku_id));
}

// The certificate id an order of 1 unit of `sku_id` snapshots on its line (0: uncertified).
std::int64_t ordered_certificate(HttpClient& client, World& world, std::int64_t sku_id) {
  static int serial = 0;
  const auto body = boost::json::serialize(
      boost::json::object{{"lines", boost::json::array{{{"sku_id", sku_id}, {"quantity", 1}}}},
                          {"fund_plan", "personal"}});
  auto response =
      client.post("/v1/orders", body, key("cert-" + world.suffix + std::to_string(++serial)));
  REQUIRE(response.status == 201);
  const auto order = response.json();
  const auto& line = order.at("fulfilments").at(0).at("lines").at(0).as_object();
  if (line.at("certificate_id").is_null()) {
    CHECK_FALSE(line.at("certified").as_bool());
    return 0;
  }
  CHECK(line.at("certified").as_bool());
  return line.at("certificate_id").as_int64();
}

// Both views' certificate of `sku_id` (0: none) must agree; returns it.
std::int64_t views_agree(World& world, std::int64_t sku_id) {
  const auto old_view =
      world.scalar("SELECT COALESCE(certificate_id, 0) FROM catalog_orderable_sku WHERE sku_id = " +
                   std::to_string(sku_id));
  // catalog_sku_pricing's two candidates '<valid_to> <id> <number>', the later by (valid_to, id).
  const auto pricing = world.scalar(
      "SELECT CASE WHEN p_id IS NULL THEN COALESCE(s_id, 0) WHEN s_id IS NULL THEN p_id "
      "WHEN (p_to, p_id) > (s_to, s_id) THEN p_id ELSE s_id END FROM (SELECT "
      "LEFT(product_certificate, 10) AS p_to, CAST(SUBSTRING_INDEX(SUBSTRING_INDEX("
      "product_certificate, ' ', 2), ' ', -1) AS SIGNED) AS p_id, LEFT(supplier_certificate, 10) "
      "AS s_to, CAST(SUBSTRING_INDEX(SUBSTRING_INDEX(supplier_certificate, ' ', 2), ' ', -1) AS "
      "SIGNED) AS s_id FROM catalog_sku_pricing WHERE sku_id = " +
      std::to_string(sku_id) + ") candidates");
  CHECK(pricing == old_view);
  return old_view;
}

}  // namespace

TEST_CASE("an order line snapshots the certification valid today that runs longest",
          "[ordering][place][certification]") {
  World world;
  auto catalog = world.make_catalog(100, 100);
  auto app = start_app();
  auto client = client_for(*app, employee());
  const auto product_b = product_of(world, catalog.sku_b);

  // B has none yet; expired, future and revoked certifications do not count.
  certify(world, catalog, "product", product_b, -400, -1);
  certify(world, catalog, "product", product_b, 1, 900);
  certify(world, catalog, "supplier", catalog.supplier_b, -10, 900, "revoked");
  CHECK(ordered_certificate(*client, world, catalog.sku_b) == 0);
  CHECK(views_agree(world, catalog.sku_b) == 0);

  // A supplier-scope certification counts for every product of the supplier.
  const auto supplier_b = certify(world, catalog, "supplier", catalog.supplier_b, -5, 100);
  CHECK(ordered_certificate(*client, world, catalog.sku_b) == supplier_b);
  CHECK(views_agree(world, catalog.sku_b) == supplier_b);

  // A product-scope one running longer wins; then a supplier-scope one running longer still.
  const auto product_longer = certify(world, catalog, "product", product_b, -5, 200);
  CHECK(ordered_certificate(*client, world, catalog.sku_b) == product_longer);
  CHECK(views_agree(world, catalog.sku_b) == product_longer);
  const auto supplier_longest = certify(world, catalog, "supplier", catalog.supplier_b, 0, 300);
  CHECK(ordered_certificate(*client, world, catalog.sku_b) == supplier_longest);
  CHECK(views_agree(world, catalog.sku_b) == supplier_longest);

  // Ending on the same day: the higher id, whatever its scope.
  const auto tie = certify(world, catalog, "product", product_b, -1, 300);
  CHECK(ordered_certificate(*client, world, catalog.sku_b) == tie);
  CHECK(views_agree(world, catalog.sku_b) == tie);

  // A's own certificate (ordering_world) is untouched by B's.
  CHECK(ordered_certificate(*client, world, catalog.sku_a) == catalog.certificate_a);
  CHECK(views_agree(world, catalog.sku_a) == catalog.certificate_a);
}
