// JsonText writes what boost::json::serialize writes for the same value, so a response written
// straight to text reads the same as one built as a boost::json value.
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <catch2/catch.hpp>
#include <cstdint>
#include <huicai/core/json_text.hpp>
#include <limits>
#include <optional>
#include <string>

using huicai::JsonText;

TEST_CASE("json text escapes every character as boost::json does", "[core]") {
  for (int c = 0; c < 256; ++c) {
    const std::string value = "a" + std::string(1, static_cast<char>(c)) + "b";
    JsonText json;
    json.string(value);
    INFO("character " << c);
    CHECK(json.take() == boost::json::serialize(boost::json::value(value)));
  }
  const std::string mixed = "压测小米 \"quoted\" back\\slash\ttab\x01\x1f end";
  JsonText json;
  json.string(mixed);
  CHECK(json.take() == boost::json::serialize(boost::json::value(mixed)));
}

TEST_CASE("json text writes numbers, booleans, nulls, nesting and commas as boost::json does",
          "[core]") {
  const std::optional<std::int64_t> none;
  const std::optional<std::string> some_text = "x";
  JsonText json;
  json.begin_object()
      .key("zero")
      .number(0)
      .key("negative")
      .number(-42)
      .key("smallest")
      .number(std::numeric_limits<std::int64_t>::min())
      .key("largest")
      .number(std::numeric_limits<std::int64_t>::max())
      .key("yes")
      .boolean(true)
      .key("no")
      .boolean(false)
      .key("nothing")
      .optional_number(none)
      .key("text")
      .optional_string(some_text)
      .key("empty_array")
      .begin_array()
      .end_array()
      .key("empty_object")
      .begin_object()
      .end_object()
      .key("list")
      .begin_array()
      .begin_object()
      .key("a")
      .number(1)
      .end_object()
      .begin_object()
      .key("b")
      .begin_array()
      .number(2)
      .number(3)
      .end_array()
      .end_object()
      .string("s")
      .end_array()
      .end_object();
  boost::json::value expected = {
      {"zero", 0},
      {"negative", -42},
      {"smallest", std::numeric_limits<std::int64_t>::min()},
      {"largest", std::numeric_limits<std::int64_t>::max()},
      {"yes", true},
      {"no", false},
      {"nothing", nullptr},
      {"text", "x"},
      {"empty_array", boost::json::array()},
      {"empty_object", boost::json::object()},
      {"list", boost::json::array{boost::json::object{{"a", 1}},
                                  boost::json::object{{"b", boost::json::array{2, 3}}}, "s"}}};
  CHECK(json.take() == boost::json::serialize(expected));
}
