#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <catch2/catch.hpp>
#include <huicai/catalog/field_validator.hpp>

using huicai::catalog::FieldValidator;

namespace {
boost::json::object parse(std::string_view text) {
  boost::json::parse_options options;
  options.allow_invalid_utf8 = true;
  return boost::json::parse(text, {}, options).as_object();
}
bool names(const FieldValidator& fields, std::string_view field) {
  for (const auto& error : fields.errors()) {
    if (error.field == field) return true;
  }
  return false;
}
}  // namespace

TEST_CASE("every invalid field is reported, not just the first", "[catalog][validation]") {
  const auto body = parse(R"({"title": "", "price_fen": -5, "weight": 0, "kind": "x",
                              "from": "2026-02-30"})");
  FieldValidator fields(body);
  fields.text("title", {true, 2, 60});
  fields.integer("price_fen", {true, 1, 10'000'000});
  fields.integer("weight", {true, 1, 1000});
  fields.choice("kind", true, {"cooperative", "enterprise"});
  fields.date("from", true);
  fields.text("missing", {true, 1, 10});
  CHECK(fields.errors().size() == 6);
  CHECK(names(fields, "price_fen"));
  CHECK(names(fields, "from"));
  CHECK_THROWS_AS(fields.throw_if_failed(), huicai::http::Problem);
}

TEST_CASE("titles are measured in characters and checked for UTF-8", "[catalog][validation]") {
  std::string long_title;
  for (int i = 0; i < 61; ++i) long_title += "米";
  const auto body =
      parse("{\"ok\": \"米脂小米\", \"long\": \"" + long_title + "\", \"bad\": \"\xff\xfe\"}");
  FieldValidator fields(body);
  CHECK(fields.text("ok", {true, 2, 4}) == std::string("米脂小米"));
  CHECK_FALSE(fields.text("long", {true, 2, 60}));
  CHECK_FALSE(fields.text("bad", {true, 1, 60}));
  CHECK(names(fields, "long"));
  CHECK(names(fields, "bad"));
}

TEST_CASE("nested validators prefix their field paths", "[catalog][validation]") {
  const auto body = parse(R"({"skus": [{"price_fen": 0}]})");
  FieldValidator fields(body);
  const auto& sku = body.at("skus").as_array()[0].as_object();
  auto nested = fields.nested(sku, "skus[0].");
  nested.integer("price_fen", {true, 1, 100});
  REQUIRE(fields.errors().size() == 1);
  CHECK(fields.errors()[0].field == "skus[0].price_fen");
}

TEST_CASE("dates must exist on the calendar", "[catalog][validation]") {
  CHECK(huicai::catalog::is_iso_date("2024-02-29"));
  CHECK_FALSE(huicai::catalog::is_iso_date("2023-02-29"));
  CHECK_FALSE(huicai::catalog::is_iso_date("2023-13-01"));
  CHECK_FALSE(huicai::catalog::is_iso_date("20230101"));
}
