// Typed SKU attributes: operators declare them on categories (inherited by subcategories),
// suppliers' SKUs carry values checked against them (422 naming the attribute, nothing
// written), review waits for required ones, and buyers filter browse pages on them.
#include <set>

#include "catalog_fixture.hpp"

using namespace catalog_test;

namespace {

std::set<std::string> error_fields(const HttpResponse& response) {
  std::set<std::string> fields;
  const auto body = response.json();  // kept: the loop borrows from it
  for (const auto& error : body.at("errors").as_array())
    fields.insert(std::string(error.at("field").as_string()));
  return fields;
}

std::set<std::int64_t> ids_of(const HttpResponse& response) {
  std::set<std::int64_t> ids;
  const auto body = response.json();
  for (const auto& item : body.at("items").as_array()) ids.insert(item.at("id").as_int64());
  return ids;
}

// A root category with 产地 (text), 净含量 (int, g) and 储存方式 (enum), all required, and a
// child category that adds an optional 等级.
struct Tree {
  std::int64_t root = 0, child = 0;
};

Tree declare_tree(CatalogWorld& world) {
  auto op = world.client(world.operator_());
  Tree tree;
  tree.root = world.create_category(unique("attr"));
  tree.child = world.create_category(unique("attr"), tree.root);
  const auto declare = [&](std::int64_t on, const boost::json::object& body) {
    auto created =
        op->post("/v1/categories/" + std::to_string(on) + "/attributes", json(body), kJson);
    INFO(created.body);
    REQUIRE(created.status == 201);
  };
  declare(tree.root, {{"code", "origin"}, {"name", "产地"}, {"type", "text"}, {"required", true}});
  declare(tree.root, {{"code", "net_content"},
                      {"name", "净含量"},
                      {"type", "int"},
                      {"unit", "g"},
                      {"min", 1},
                      {"max", 100000},
                      {"required", true}});
  declare(tree.root, {{"code", "storage"},
                      {"name", "储存方式"},
                      {"type", "enum"},
                      {"values", boost::json::array{"常温", "冷藏"}},
                      {"required", true}});
  declare(tree.child, {{"code", "grade"},
                       {"name", "等级"},
                       {"type", "enum"},
                       {"values", boost::json::array{"特级", "一级"}}});
  return tree;
}

boost::json::object sku(const std::string& spec, std::int64_t price_fen,
                        boost::json::object attributes) {
  return {{"spec", spec},
          {"sale_unit", "袋"},
          {"net_weight_grams", 1000},
          {"price_fen", price_fen},
          {"attributes", std::move(attributes)}};
}

boost::json::object millet(std::int64_t grams, const std::string& storage = "常温") {
  return {{"origin", "陕西省榆林市米脂县"}, {"net_content", grams}, {"storage", storage}};
}

HttpResponse create(HttpClient& http, std::int64_t category, const std::string& title,
                    boost::json::array skus) {
  return http.post("/v1/products",
                   json({{"title", title},
                         {"description", "属性测试"},
                         {"category_id", category},
                         {"skus", std::move(skus)}}),
                   kJson);
}

}  // namespace

TEST_CASE("categories declare typed attributes, and subcategories inherit them",
          "[catalog][attributes]") {
  CatalogWorld world;
  const auto tree = declare_tree(world);
  auto op = world.client(world.operator_());
  const auto on = [](std::int64_t category) {
    return "/v1/categories/" + std::to_string(category) + "/attributes";
  };

  auto listed = world.client(world.buyer())->get(on(tree.child));
  REQUIRE(listed.status == 200);
  const auto items = listed.json().at("items").as_array();
  REQUIRE(items.size() == 4);
  CHECK(items[0].at("code") == "origin");  // the root's first, in their order
  CHECK(items[1].at("unit") == "g");
  CHECK(items[1].at("type") == "int");
  CHECK(items[2].at("values").as_array().size() == 2);
  CHECK(items[3].at("code") == "grade");
  CHECK(items[3].at("category_id").as_int64() == tree.child);
  CHECK(world.client(world.buyer())->get(on(tree.root)).json().at("items").as_array().size() == 3);

  // A code already on the chain (above or below) is a 409; the category keeps its attributes.
  auto again = op->post(on(tree.child),
                        json({{"code", "origin"}, {"name", "产地"}, {"type", "text"}}), kJson);
  CHECK(again.status == 409);
  CHECK(again.body.find("duplicate-attribute") != std::string::npos);
  auto below =
      op->post(on(tree.root), json({{"code", "grade"}, {"name", "等级"}, {"type", "text"}}), kJson);
  CHECK(below.status == 409);

  // Bad declarations: every problem named, nothing declared.
  auto bad = op->post(on(tree.root),
                      json({{"code", "Net-Content"}, {"name", "净含量"}, {"type", "int"}}), kJson);
  REQUIRE(bad.status == 422);
  CHECK(error_fields(bad) == std::set<std::string>{"code", "unit"});
  auto bad_enum = op->post(on(tree.root),
                           json({{"code", "colour"},
                                 {"name", "颜色"},
                                 {"type", "enum"},
                                 {"unit", "g"},
                                 {"values", boost::json::array{"红", "红"}}}),
                           kJson);
  REQUIRE(bad_enum.status == 422);
  CHECK(error_fields(bad_enum) == std::set<std::string>{"unit", "values[1]"});
  CHECK(world.client(world.buyer())->get(on(tree.root)).json().at("items").as_array().size() == 3);
  // Only operators declare attributes; an unknown category is a 404.
  const auto county = world.create_county();
  const auto supplier = world.create_active_supplier(county);
  CHECK(world.client(world.supplier_staff(supplier))
            ->post(on(tree.root), json({{"code", "x"}, {"name", "x"}, {"type", "text"}}), kJson)
            .status == 403);
  CHECK(op->post(on(999'999'999), json({{"code", "x"}, {"name", "x"}, {"type", "text"}}), kJson)
            .status == 404);
}

TEST_CASE("SKU attribute values are checked against the category: 422 naming the attribute",
          "[catalog][attributes]") {
  CatalogWorld world;
  const auto tree = declare_tree(world);
  const auto county = world.create_county();
  const auto supplier = world.create_active_supplier(county);
  auto staff = world.client(world.supplier_staff(supplier));
  const auto products = "/v1/suppliers/" + std::to_string(supplier) + "/products";

  // Every bad value in one answer, each named; nothing is created.
  auto attributes = millet(2500);
  attributes["colour"] = "黄";          // unknown
  attributes["net_content"] = "2.5kg";  // wrong type
  attributes["storage"] = "冷冻";       // not a choice
  attributes.erase("origin");           // required
  boost::json::object wrong_unit = millet(0);
  wrong_unit["net_content"] = {{"value", 2}, {"unit", "kg"}};  // wrong unit
  auto refused = create(*staff, tree.child, unique("米脂小米"),
                        {sku("2.5kg", 3980, attributes), sku("2kg", 3380, wrong_unit)});
  REQUIRE(refused.status == 422);
  CHECK(error_fields(refused) ==
        std::set<std::string>{"skus[0].attributes.colour", "skus[0].attributes.net_content",
                              "skus[0].attributes.storage", "skus[0].attributes.origin",
                              "skus[1].attributes.net_content"});
  CHECK(refused.body.find("unit must be g") != std::string::npos);
  CHECK(staff->get(products).json().at("items").as_array().empty());

  // Values in the declared unit, plain or with the unit spelled out.
  boost::json::object spelled = millet(0);
  spelled["net_content"] = {{"value", 5000}, {"unit", "g"}};
  spelled["grade"] = "特级";
  auto created = create(*staff, tree.child, unique("米脂小米"),
                        {sku("2.5kg", 3980, millet(2500)), sku("5kg", 7480, spelled)});
  INFO(created.body);
  REQUIRE(created.status == 201);
  auto product = created.json().as_object();
  const auto base = "/v1/products/" + std::to_string(product.at("id").as_int64());
  const auto& first = product.at("skus").as_array()[0].at("attributes").as_array();
  REQUIRE(first.size() == 3);
  CHECK(json(first[0]) ==
        R"({"code":"origin","name":"产地","value":"陕西省榆林市米脂县","unit":null})");
  CHECK(json(first[1]) == R"({"code":"net_content","name":"净含量","value":2500,"unit":"g"})");
  const auto& second = product.at("skus").as_array()[1].at("attributes").as_array();
  REQUIRE(second.size() == 4);
  CHECK(second[1].at("value").as_int64() == 5000);
  CHECK(second[3].at("value") == "特级");

  // Adding and changing a SKU: the same checks; a refused change leaves the product as it was.
  const auto version = product.at("version").as_int64();
  auto bad_sku = staff->post(base + "/skus", json(sku("10kg", 13800, millet(200000))), kJson);
  REQUIRE(bad_sku.status == 422);
  CHECK(error_fields(bad_sku) == std::set<std::string>{"attributes.net_content"});
  const auto sku_id = std::to_string(product.at("skus").as_array()[0].at("id").as_int64());
  auto removed =
      staff->patch(base + "/skus/" + sku_id,
                   json({{"price_fen", 1}, {"attributes", {{"origin", nullptr}}}}), kJson);
  REQUIRE(removed.status == 422);
  CHECK(error_fields(removed) == std::set<std::string>{"attributes.origin"});
  auto unchanged = staff->get(base).json();
  CHECK(unchanged.at("version").as_int64() == version);
  CHECK(unchanged.at("skus").at(0).at("price_fen").as_int64() == 3980);
  auto graded =
      staff->patch(base + "/skus/" + sku_id,
                   json({{"attributes", {{"grade", "一级"}, {"net_content", 2400}}}}), kJson);
  REQUIRE(graded.status == 200);
  const auto now = graded.json().at("skus").at(0).at("attributes").as_array();
  REQUIRE(now.size() == 4);
  CHECK(now[1].at("value").as_int64() == 2400);
  CHECK(now[3].at("value") == "一级");

  // A required attribute declared later holds the product back from review until filled.
  auto op = world.client(world.operator_());
  REQUIRE(op->post("/v1/categories/" + std::to_string(tree.root) + "/attributes",
                   json({{"code", "shelf_life"},
                         {"name", "保质期"},
                         {"type", "int"},
                         {"unit", "天"},
                         {"required", true}}),
                   kJson)
              .status == 201);
  auto held = staff->post(base + "/submit", "");
  REQUIRE(held.status == 422);
  CHECK(error_fields(held) ==
        std::set<std::string>{
            "skus[id=" + sku_id + "].attributes.shelf_life",
            "skus[id=" + std::to_string(product.at("skus").at(1).at("id").as_int64()) +
                "].attributes.shelf_life"});
  CHECK(staff->get(base).json().at("status") == "draft");
  for (const auto& each : product.at("skus").as_array()) {
    REQUIRE(staff
                ->patch(base + "/skus/" + std::to_string(each.at("id").as_int64()),
                        json({{"attributes", {{"shelf_life", 365}}}}), kJson)
                .status == 200);
  }
  CHECK(staff->post(base + "/submit", "").status == 200);

  // Another category without these attributes: the product cannot move there with its values.
  auto other = world.category_id(unique("plain"));
  auto moved = staff->patch(base, json({{"category_id", other}}), kJson);
  CHECK(moved.status == 422);
  CHECK(error_fields(moved) == std::set<std::string>{"category_id"});
}

TEST_CASE("browse filters on attribute values within one SKU", "[catalog][attributes][browse]") {
  CatalogWorld world;
  const auto tree = declare_tree(world);
  const auto county = world.create_county();
  const auto supplier = world.create_active_supplier(county);
  auto staff = world.client(world.supplier_staff(supplier));
  const auto listed = [&](std::int64_t category, boost::json::array skus) {
    auto created = create(*staff, category, unique("小米"), std::move(skus));
    INFO(created.body);
    REQUIRE(created.status == 201);
    const auto id = created.json().at("id").as_int64();
    world.list_product(supplier, id);
    return id;
  };
  const auto small = listed(tree.child, {sku("500g", 980, millet(500))});
  const auto medium = listed(tree.root, {sku("2.5kg", 3980, millet(2500, "冷藏"))});
  // Two SKUs: 5 kg at room temperature and 1 kg chilled, so "over 2 kg and chilled" is no SKU.
  const auto mixed =
      listed(tree.child, {sku("5kg", 7480, millet(5000)), sku("1kg", 1880, millet(1000, "冷藏"))});
  auto buyer = world.client(world.buyer());
  const auto browse = [&](const std::string& filters) {
    auto page = buyer->get("/v1/products?county=" + std::to_string(county) +
                           "&category=" + std::to_string(tree.root) + filters);
    INFO(filters << ": " << page.body);
    REQUIRE(page.status == 200);
    return ids_of(page);
  };

  CHECK(browse("") == std::set<std::int64_t>{small, medium, mixed});
  CHECK(browse("&attr.net_content.min=1000&attr.net_content.max=3000") ==
        std::set<std::int64_t>{medium, mixed});
  CHECK(browse("&attr.net_content.max=999") == std::set<std::int64_t>{small});
  CHECK(browse("&attr.net_content=5000") == std::set<std::int64_t>{mixed});
  CHECK(browse("&attr.storage=" + std::string("%E5%86%B7%E8%97%8F")) ==  // 冷藏
        std::set<std::int64_t>{medium, mixed});
  CHECK(browse("&attr.net_content.min=2000&attr.storage=%E5%86%B7%E8%97%8F") ==
        std::set<std::int64_t>{medium});
  // 等级 belongs to the child category: filtering on it needs that category.
  auto root_only = buyer->get("/v1/products?category=" + std::to_string(tree.root) +
                              "&attr.grade=%E7%89%B9%E7%BA%A7");
  CHECK(root_only.status == 422);
  CHECK(error_fields(root_only) == std::set<std::string>{"attr.grade"});

  // Bad filters: each named.
  auto without_category = buyer->get("/v1/products?attr.net_content.min=1");
  CHECK(without_category.status == 422);
  CHECK(error_fields(without_category) == std::set<std::string>{"category"});
  auto malformed = buyer->get("/v1/products?category=" + std::to_string(tree.root) +
                              "&attr.net_content.min=abc&attr.Bad=1");
  CHECK(malformed.status == 422);
  CHECK(error_fields(malformed) == std::set<std::string>{"attr.net_content.min", "attr.Bad"});
  auto mistyped = buyer->get("/v1/products?category=" + std::to_string(tree.root) +
                             "&attr.origin.min=1&attr.net_content=heavy&attr.colour=red");
  CHECK(mistyped.status == 422);
  CHECK(error_fields(mistyped) ==
        std::set<std::string>{"attr.origin", "attr.net_content", "attr.colour"});
}
