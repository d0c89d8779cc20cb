// The JSON decoder: every failing field named in one 422, malformed JSON as 400 with a
// position, strict integers, UTF-8, optionals, vectors, nested structs, enums; and encoding.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <functional>
#include <huicai/core/json.hpp>
#include <map>

namespace test_types {

enum class Channel { direct_purchase, help_sell };
BOOST_DESCRIBE_ENUM(Channel, direct_purchase, help_sell)

struct Line {
  std::int64_t sku_id = 0;
  std::int32_t quantity = 0;
};
BOOST_DESCRIBE_STRUCT(Line, (), (sku_id, quantity))

struct Order {
  std::string buyer;
  std::vector<Line> lines;
  std::optional<std::string> note;
  bool gift = false;
  Channel channel = Channel::direct_purchase;
  huicai::Money budget_fen;
  std::uint64_t reference = 0;
  std::optional<std::vector<std::int64_t>> tags;
};
BOOST_DESCRIBE_STRUCT(Order, (), (buyer, lines, note, gift, channel, budget_fen, reference, tags))

struct Flexible {
  std::int32_t count = 0;
  boost::json::value extra;
};
BOOST_DESCRIBE_STRUCT(Flexible, (), (count, extra))

}  // namespace test_types

using huicai::decode_json;
using huicai::http::Problem;
using test_types::Order;

namespace {

constexpr const char* valid_order = R"({
  "buyer": "食堂",
  "lines": [{"sku_id": 7, "quantity": 3}, {"sku_id": 9, "quantity": 1}],
  "note": "before the holiday",
  "gift": true,
  "channel": "help_sell",
  "budget_fen": 25200000000,
  "reference": 18446744073709551615
})";

// The problem+json body a thrown Problem turns into.
boost::json::object problem_body(const std::function<void()>& action, int expected_status) {
  try {
    action();
  } catch (const Problem& problem) {
    CHECK(problem.status() == expected_status);
    auto response = problem.to_response("/v1/test", "request-1");
    CHECK(response.status == expected_status);
    return boost::json::parse(response.body).as_object();
  }
  FAIL("expected a Problem");
  return {};
}

// field -> message of a 422 problem.
std::map<std::string, std::string> field_errors(std::string_view body) {
  auto problem = problem_body([&] { decode_json<Order>(body); }, 422);
  CHECK(problem.at("type").as_string() == "https://huicai.dev/problems/validation-failed");
  std::map<std::string, std::string> result;
  for (const auto& error : problem.at("errors").as_array()) {
    result[std::string(error.at("field").as_string())] =
        std::string(error.at("message").as_string());
  }
  return result;
}

template <class T>
std::string single_error(std::string_view body, std::string_view field) {
  auto problem = problem_body([&] { decode_json<T>(body); }, 422);
  const auto& errors = problem.at("errors").as_array();
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].at("field").as_string() == field);
  return std::string(errors[0].at("message").as_string());
}

}  // namespace

TEST_CASE("a valid body decodes into the struct", "[json]") {
  const Order order = decode_json<Order>(valid_order);
  CHECK(order.buyer == "食堂");
  REQUIRE(order.lines.size() == 2);
  CHECK(order.lines[0].sku_id == 7);
  CHECK(order.lines[0].quantity == 3);
  CHECK(order.lines[1].sku_id == 9);
  CHECK(order.note == "before the holiday");
  CHECK(order.gift);
  CHECK(order.channel == test_types::Channel::help_sell);
  CHECK(order.budget_fen == huicai::Money::from_fen(25'200'000'000));
  CHECK(order.reference == 18446744073709551615ULL);
  CHECK_FALSE(order.tags.has_value());
}

TEST_CASE("optional members may be missing or null", "[json]") {
  const Order order = decode_json<Order>(
      R"({"buyer":"a","lines":[],"note":null,"gift":false,"channel":"direct_purchase",
          "budget_fen":0,"reference":0})");
  CHECK_FALSE(order.note.has_value());
  CHECK_FALSE(order.tags.has_value());
  CHECK(order.lines.empty());
  const Order with_tags = decode_json<Order>(
      R"({"buyer":"a","lines":[],"gift":false,"channel":"direct_purchase","budget_fen":-5,
          "reference":0,"tags":[1,-2]})");
  CHECK(with_tags.tags == std::vector<std::int64_t>{1, -2});
  CHECK(with_tags.budget_fen.fen() == -5);
}

TEST_CASE("every failing field is listed, with its path", "[json]") {
  const auto errors = field_errors(R"({
    "buyer": 12,
    "lines": [{"sku_id": 1, "quantity": 1}, {"sku_id": "x", "quantity": 1},
              {"sku_id": 3, "quantity": 1.5}, {"quantity": 2}],
    "gift": "yes",
    "channel": "giveaway",
    "budget_fen": null,
    "reference": -1,
    "colour": "red"
  })");
  const std::map<std::string, std::string> expected = {
      {"buyer", "expected string, got integer"},
      {"lines[1].sku_id", "expected integer, got string"},
      {"lines[2].quantity", "expected integer, got a number with a fraction or exponent"},
      {"lines[3].sku_id", "is required"},
      {"gift", "expected boolean, got string"},
      {"channel", "expected one of: direct_purchase, help_sell"},
      {"budget_fen", "expected integer, got null"},
      {"reference", "must be an integer from 0 to 18446744073709551615"},
      {"colour", "unknown field"},
  };
  CHECK(errors == expected);
}

TEST_CASE("the 422 problem names the first failure in its detail", "[json]") {
  auto problem = problem_body([] { decode_json<test_types::Line>(R"({"sku_id":"1"})"); }, 422);
  CHECK(problem.at("status").as_int64() == 422);
  CHECK(problem.at("detail").as_string() == "sku_id: expected integer, got string (and 1 more)");
  CHECK(problem.at("errors").as_array().size() == 2);
}

TEST_CASE("integers are strict about type and range", "[json]") {
  using test_types::Line;
  CHECK(single_error<Line>(R"({"sku_id":1,"quantity":1.0})", "quantity") ==
        "expected integer, got a number with a fraction or exponent");
  CHECK(single_error<Line>(R"({"sku_id":1,"quantity":1e3})", "quantity") ==
        "expected integer, got a number with a fraction or exponent");
  CHECK(single_error<Line>(R"({"sku_id":1,"quantity":2147483648})", "quantity") ==
        "must be an integer from -2147483648 to 2147483647");
  CHECK(single_error<Line>(R"({"sku_id":1,"quantity":-2147483649})", "quantity") ==
        "must be an integer from -2147483648 to 2147483647");
  CHECK(single_error<Line>(R"({"sku_id":9223372036854775808,"quantity":1})", "sku_id") ==
        "must be an integer from -9223372036854775808 to 9223372036854775807");
  CHECK(single_error<Line>(R"({"sku_id":99999999999999999999999,"quantity":1})", "sku_id") ==
        "must be an integer from -9223372036854775808 to 9223372036854775807");
  CHECK(single_error<Line>(R"({"sku_id":true,"quantity":1})", "sku_id") ==
        "expected integer, got boolean");
  CHECK(single_error<Line>(R"({"sku_id":"12","quantity":1})", "sku_id") ==
        "expected integer, got string");
  const auto edges = decode_json<Line>(R"({"sku_id":-9223372036854775808,"quantity":-0})");
  CHECK(edges.sku_id == std::numeric_limits<std::int64_t>::min());
  CHECK(edges.quantity == 0);
}

TEST_CASE("the body itself must be an object", "[json]") {
  CHECK(single_error<test_types::Line>("[1,2]", "") == "expected object, got array");
  CHECK(single_error<test_types::Line>("null", "") == "expected object, got null");
}

TEST_CASE("malformed JSON is a 400 naming the position", "[json]") {
  auto problem = problem_body([] { decode_json<Order>("{\n  \"buyer\": \"a\",\n  oops\n}"); }, 400);
  CHECK(problem.at("type").as_string() == "https://huicai.dev/problems/malformed-json");
  CHECK(problem.at("line").as_int64() == 3);
  CHECK(problem.at("column").as_int64() == 3);
  CHECK(problem.at("offset").as_int64() == 20);
  const std::string detail(problem.at("detail").as_string());
  CHECK(detail.find("line 3, column 3 (byte 20)") != std::string::npos);

  for (std::string_view body : {"", "{", "{\"buyer\": }", "{} {}", "{}x", "[1,]", "{'a':1}",
                                "{\"a\":1} // comment", "nul", "\"\\x\""}) {
    INFO(body);
    problem_body([&] { decode_json<Order>(body); }, 400);
  }
  // Trailing whitespace is fine (the 422 is about the missing fields, not the syntax).
  problem_body([] { decode_json<test_types::Line>("{}  \r\n"); }, 422);
}

TEST_CASE("deep nesting is refused by the parser, not by the stack", "[json]") {
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  auto problem = problem_body([&] { decode_json<Order>(deep); }, 400);
  CHECK(problem.at("offset").as_int64() <= 33);
}

TEST_CASE("strings must be valid UTF-8", "[json]") {
  problem_body([] { decode_json<Order>("{\"buyer\":\"\xff\"}"); }, 400);
  problem_body([] { decode_json<Order>("{\"buyer\":\"\xe9\x95\"}"); }, 400);     // truncated
  problem_body([] { decode_json<Order>("{\"buyer\":\"\xc0\xaf\"}"); }, 400);     // overlong
  problem_body([] { decode_json<Order>(R"({"buyer":"\ud800"})"); }, 400);        // lone surrogate
  problem_body([] { decode_json<Order>(R"({"buyer":"\udc00\ud800"})"); }, 400);  // reversed pair
  const auto order = decode_json<Order>(
      R"({"buyer":"\u6167\u91c7 \ud83d\ude00","lines":[],"gift":false,"channel":"help_sell",
          "budget_fen":1,"reference":1})");
  CHECK(order.buyer == "慧采 \xF0\x9F\x98\x80");
}

TEST_CASE("unknown fields can be allowed", "[json]") {
  const auto line = decode_json<test_types::Line>(R"({"sku_id":1,"quantity":2,"extra":3})",
                                                  huicai::DecodeOptions{false});
  CHECK(line.quantity == 2);
}

TEST_CASE("a very long unknown key is cut in the error path", "[json]") {
  const std::string key(10'000, 'k');
  const std::string message = single_error<test_types::Flexible>(
      "{\"count\":1,\"extra\":1,\"" + key + "\":1}", std::string(64, 'k') + "...");
  CHECK(message == "unknown field");
}

TEST_CASE("the error list is bounded", "[json]") {
  std::string body = R"({"buyer":"a","gift":false,"channel":"help_sell","budget_fen":1,)"
                     R"("reference":1,"lines":[)";
  for (int index = 0; index < 500; ++index) {
    body += index == 0 ? "" : ",";
    body += R"({"sku_id":"x","quantity":1})";
  }
  body += "]}";
  auto problem = problem_body([&] { decode_json<Order>(body); }, 422);
  CHECK(problem.at("errors").as_array().size() == 100);
  CHECK(problem.at("errors_omitted").as_int64() == 400);
  CHECK(problem.at("errors").as_array()[99].at("field").as_string() == "lines[99].sku_id");
}

TEST_CASE("boost::json::value members take any JSON", "[json]") {
  const auto flexible =
      huicai::decode_json<test_types::Flexible>(R"({"count": 2, "extra": {"a": [1, "b", null]}})");
  CHECK(flexible.count == 2);
  CHECK(boost::json::serialize(flexible.extra) == R"({"a":[1,"b",null]})");
  CHECK(single_error<test_types::Flexible>(R"({"count":2})", "extra") == "is required");
}

TEST_CASE("encode_json writes described structs, enums by name and empty optionals as null",
          "[json]") {
  Order order;
  order.buyer = "工会";
  order.lines = {{7, 3}};
  order.channel = test_types::Channel::help_sell;
  order.budget_fen = huicai::Money::from_fen(1234);
  order.reference = 18446744073709551615ULL;
  const boost::json::value encoded = huicai::encode_json(order);
  CHECK(encoded == boost::json::parse(R"({
    "buyer": "工会", "lines": [{"sku_id": 7, "quantity": 3}], "note": null, "gift": false,
    "channel": "help_sell", "budget_fen": 1234, "reference": 18446744073709551615, "tags": null
  })"));
  // And back: decoding what was encoded gives the same struct.
  const Order decoded = decode_json<Order>(boost::json::serialize(encoded));
  CHECK(decoded.buyer == order.buyer);
  CHECK(decoded.lines[0].quantity == 3);
  CHECK(decoded.channel == order.channel);
  CHECK(decoded.budget_fen == order.budget_fen);
  CHECK(decoded.reference == order.reference);
}

TEST_CASE("Validator collects every failed check into one 422", "[json][validation]") {
  huicai::Validator check;
  CHECK(check.require(true, "name", "must not be empty"));
  CHECK_FALSE(check.require(false, "price_fen", "must be positive"));
  check.add("lines[0].quantity", "must be at least 1");
  CHECK(check.errors().size() == 2);
  auto problem = problem_body([&] { check.throw_if_any(); }, 422);
  CHECK(problem.at("type").as_string() == "https://huicai.dev/problems/validation-failed");
  CHECK(problem.at("detail").as_string() == "price_fen: must be positive (and 1 more)");
  const auto& errors = problem.at("errors").as_array();
  REQUIRE(errors.size() == 2);
  CHECK(errors[1].at("field").as_string() == "lines[0].quantity");

  huicai::Validator clean;
  clean.require(true, "a", "b");
  CHECK(clean.empty());
  CHECK_NOTHROW(clean.throw_if_any());
}
