#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <huicai/catalog/attribute_rules.hpp>

using namespace huicai::catalog;

namespace {

AttributeDefinition net_content() {
  AttributeDefinition d;
  d.id = 2;
  d.code = "net_content";
  d.name = "净含量";
  d.type = AttributeType::integer;
  d.unit = "g";
  d.min = 1;
  d.max = 100000;
  d.required = true;
  return d;
}

AttributeDefinition storage() {
  AttributeDefinition d;
  d.id = 3;
  d.code = "storage";
  d.name = "储存方式";
  d.type = AttributeType::choice;
  d.choices = {"常温", "冷藏"};
  return d;
}

std::string error_of(const AttributeDefinition& d, const char* json) {
  return check_attribute_value(d, boost::json::parse(json)).error;
}

}  // namespace

TEST_CASE("integer attributes take a number in the declared unit", "[catalog][attributes]") {
  const auto d = net_content();
  CHECK(check_attribute_value(d, boost::json::parse("2500")).value->integer == 2500);
  CHECK(
      check_attribute_value(d, boost::json::parse(R"({"value":2500,"unit":"g"})")).value->integer ==
      2500);
  CHECK(error_of(d, R"({"value":2.5,"unit":"kg"})") == "unit must be g, not kg");
  CHECK(error_of(d, R"("2.5kg")").starts_with("must be an integer number of g"));
  CHECK(error_of(d, "2.5").starts_with("must be an integer number of g"));
  CHECK(error_of(d, R"({"value":1,"unit":"g","extra":1})").starts_with("must be an integer"));
  CHECK(error_of(d, "0") == "must be between 1 and 100000 g");
  CHECK(error_of(d, "100001") == "must be between 1 and 100000 g");
}

TEST_CASE("enum and text attributes take strings", "[catalog][attributes]") {
  CHECK(check_attribute_value(storage(), boost::json::parse(R"("冷藏")")).value->text == "冷藏");
  CHECK(error_of(storage(), R"("冷冻")") == "must be one of: 常温, 冷藏");
  CHECK(error_of(storage(), "1") == "must be a string");
  AttributeDefinition origin;
  origin.code = "origin";
  CHECK(check_attribute_value(origin, boost::json::parse(R"("  米脂县 ")")).value->text ==
        "米脂县");
  CHECK(error_of(origin, R"("   ")") == "must be 1 to 100 characters");
  CHECK(error_of(origin, ("\"" + std::string(101, 'a') + "\"").c_str()) ==
        "must be 1 to 100 characters");
}

TEST_CASE("applying an attributes object: merge, removal, unknown and required",
          "[catalog][attributes]") {
  const std::vector<AttributeDefinition> definitions{net_content(), storage()};
  const std::vector<AttributeValue> current{{2, 500, std::nullopt}, {3, std::nullopt, "常温"}};
  std::vector<huicai::http::FieldError> errors;

  auto input = boost::json::parse(R"({"storage":"冷藏"})").as_object();
  auto values = apply_attribute_input(definitions, current, &input, "", errors);
  CHECK(errors.empty());
  REQUIRE(values.size() == 2);
  CHECK(values[1].text == "冷藏");

  input = boost::json::parse(R"({"storage":null})").as_object();
  values = apply_attribute_input(definitions, current, &input, "", errors);
  CHECK(errors.empty());  // storage is optional
  CHECK(values.size() == 1);

  input = boost::json::parse(R"({"net_content":null,"colour":"红"})").as_object();
  apply_attribute_input(definitions, current, &input, "skus[1].", errors);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].field == "skus[1].attributes.colour");
  CHECK(errors[1].field == "skus[1].attributes.net_content");
  CHECK(errors[1].message == "is required (净含量)");

  // A required attribute with a bad value is reported once, for the value.
  errors.clear();
  input = boost::json::parse(R"({"net_content":"heavy"})").as_object();
  apply_attribute_input(definitions, {}, &input, "", errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message.starts_with("must be an integer"));
}

TEST_CASE("browse attribute filters are read from attr.* parameters", "[catalog][attributes]") {
  CHECK(attribute_filter_keys("county=1&sort=newest").empty());
  CHECK(attribute_filter_keys("category=3&attr.net_content.min=500&xattr.a=1&attr.grade") ==
        std::vector<std::string>{"attr.net_content.min", "attr.grade"});

  std::vector<huicai::http::FieldError> errors;
  auto filters = parse_attribute_filters(
      {{"attr.net_content.max", "2500"}, {"attr.storage", "冷藏"}, {"attr.net_content.min", "500"}},
      errors);
  CHECK(errors.empty());
  REQUIRE(filters.size() == 2);
  CHECK(filters[0].code == "net_content");
  CHECK(filters[0].min == 500);
  CHECK(filters[0].max == 2500);
  CHECK(filters[1].equals == "冷藏");
  // Order of parameters does not change the cache key; a value cannot forge another filter.
  auto reordered = parse_attribute_filters(
      {{"attr.storage", "冷藏"}, {"attr.net_content.min", "500"}, {"attr.net_content.max", "2500"}},
      errors);
  CHECK(canonical_attribute_filters(filters) == canonical_attribute_filters(reordered));
  auto forged = parse_attribute_filters({{"attr.storage", "冷藏&attr.grade=特级"}}, errors);
  auto honest = parse_attribute_filters({{"attr.storage", "冷藏"}, {"attr.grade", "特级"}}, errors);
  CHECK(canonical_attribute_filters(forged) != canonical_attribute_filters(honest));

  parse_attribute_filters({{"attr.Net", "1"},
                           {"attr.a.min", "x"},
                           {"attr.b", ""},
                           {"attr.c.min", "9"},
                           {"attr.c.max", "1"},
                           {"attr.d", "1"},
                           {"attr.d.min", "1"}},
                          errors);
  std::vector<std::string> fields;
  for (const auto& error : errors) fields.push_back(error.field);
  CHECK(fields ==
        std::vector<std::string>{"attr.Net", "attr.a.min", "attr.b", "attr.c.max", "attr.d"});
}
