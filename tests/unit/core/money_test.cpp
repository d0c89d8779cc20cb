// Money: strict parsing, checked arithmetic at the int64 limits, display in 元, 万元, 亿元.
#include <catch2/catch.hpp>
#include <huicai/core/money.hpp>
#include <limits>

using huicai::Money;
using huicai::MoneyError;

namespace {

constexpr std::int64_t max_fen = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t min_fen = std::numeric_limits<std::int64_t>::min();

std::int64_t parsed_fen(std::string_view text) {
  auto result = Money::parse_yuan(text);
  INFO("parsing \"" << text << "\": " << (result ? "ok" : result.error().message()));
  REQUIRE(result.has_value());
  return result->fen();
}

MoneyError parse_error(std::string_view text) {
  auto result = Money::parse_yuan(text);
  INFO("parsing \"" << text << "\"");
  REQUIRE(result.has_error());
  REQUIRE(&result.error().category() == &huicai::money_category());
  return static_cast<MoneyError>(result.error().value());
}

}  // namespace

TEST_CASE("parse_yuan accepts plain decimal yuan amounts", "[money]") {
  CHECK(parsed_fen("12") == 1200);
  CHECK(parsed_fen("12.3") == 1230);
  CHECK(parsed_fen("12.34") == 1234);
  CHECK(parsed_fen("0.01") == 1);
  CHECK(parsed_fen("-0.01") == -1);
  CHECK(parsed_fen("-12.5") == -1250);
  CHECK(parsed_fen("0") == 0);
  CHECK(parsed_fen("-0") == 0);
  CHECK(parsed_fen("007.10") == 710);
  CHECK(parsed_fen("252000000") == 25'200'000'000);
}

TEST_CASE("parse_yuan reaches exactly the int64 limits", "[money]") {
  CHECK(parsed_fen("92233720368547758.07") == max_fen);
  CHECK(parsed_fen("-92233720368547758.08") == min_fen);
}

TEST_CASE("parse_yuan rejects anything that is not a plain amount", "[money]") {
  for (const char* text :
       {"",    "-",     ".5",    "12.",  "1e3",  "1E3", " 1",  "1 ",   "1,000", "+1", "+-1",
        "--1", "1.2.3", "12.3a", "0x10", "１２", "1\n", "¥12", "1.e2", "nan",   "inf"}) {
    CHECK(parse_error(text) == MoneyError::invalid_format);
  }
  std::string with_nul("1\0", 2);
  CHECK(parse_error(with_nul) == MoneyError::invalid_format);
}

TEST_CASE("parse_yuan rejects amounts below one fen", "[money]") {
  CHECK(parse_error("1.234") == MoneyError::too_many_decimals);
  CHECK(parse_error("1.230") == MoneyError::too_many_decimals);
  CHECK(parse_error("-0.001") == MoneyError::too_many_decimals);
}

TEST_CASE("parse_yuan reports overflow instead of wrapping", "[money]") {
  CHECK(parse_error("92233720368547758.08") == MoneyError::overflow);
  CHECK(parse_error("-92233720368547758.09") == MoneyError::overflow);
  CHECK(parse_error("92233720368547759") == MoneyError::overflow);
  CHECK(parse_error("99999999999999999999999999") == MoneyError::overflow);
  // The shape is checked first: a malformed huge number is a format error, not an overflow.
  CHECK(parse_error("99999999999999999999999999x") == MoneyError::invalid_format);
}

TEST_CASE("error codes carry readable messages", "[money]") {
  const boost::system::error_code code = MoneyError::overflow;
  CHECK(code.message() == "amount out of range");
  CHECK(std::string(code.category().name()) == "huicai.money");
}

TEST_CASE("plus and minus are checked at the int64 limits", "[money]") {
  const Money max = Money::from_fen(max_fen);
  const Money min = Money::from_fen(min_fen);
  const Money one = Money::from_fen(1);

  CHECK(max.minus(one)->plus(one)->fen() == max_fen);
  CHECK(max.plus(one).error() == MoneyError::overflow);
  CHECK(min.minus(one).error() == MoneyError::overflow);
  CHECK(min.plus(one)->fen() == min_fen + 1);
  CHECK(Money::from_fen(0).minus(min).error() == MoneyError::overflow);
  CHECK(max.plus(min)->fen() == -1);
  CHECK(min.minus(Money::from_fen(-1))->fen() == min_fen + 1);
  CHECK(Money::from_fen(1234).plus(Money::from_fen(66))->fen() == 1300);
}

TEST_CASE("times is checked at the int64 limits", "[money]") {
  const Money max = Money::from_fen(max_fen);
  const Money min = Money::from_fen(min_fen);

  CHECK(Money::from_fen(1234).times(3)->fen() == 3702);
  CHECK(Money::from_fen(1234).times(-2)->fen() == -2468);
  CHECK(max.times(1)->fen() == max_fen);
  CHECK(max.times(-1)->fen() == -max_fen);
  CHECK(max.times(2).error() == MoneyError::overflow);
  CHECK(min.times(-1).error() == MoneyError::overflow);
  CHECK(Money::from_fen(max_fen / 2 + 1).times(2).error() == MoneyError::overflow);
  CHECK(Money::from_fen(max_fen / 2).times(2)->fen() == max_fen - 1);
  CHECK(Money::from_fen(100).times(std::numeric_limits<std::int64_t>::max()).error() ==
        MoneyError::overflow);
  CHECK(min.times(0)->fen() == 0);
}

TEST_CASE("to_yuan_string is exact with two decimals", "[money]") {
  CHECK(Money::from_fen(1234).to_yuan_string() == "12.34");
  CHECK(Money::from_fen(1230).to_yuan_string() == "12.30");
  CHECK(Money::from_fen(5).to_yuan_string() == "0.05");
  CHECK(Money::from_fen(0).to_yuan_string() == "0.00");
  CHECK(Money::from_fen(-1).to_yuan_string() == "-0.01");
  CHECK(Money::from_fen(max_fen).to_yuan_string() == "92233720368547758.07");
  CHECK(Money::from_fen(min_fen).to_yuan_string() == "-92233720368547758.08");
}

TEST_CASE("to_yuan_string round-trips through parse_yuan", "[money]") {
  for (std::int64_t fen : {std::int64_t{0}, std::int64_t{1}, std::int64_t{-1}, std::int64_t{99},
                           std::int64_t{-100}, std::int64_t{123456789}, max_fen, min_fen}) {
    CHECK(parsed_fen(Money::from_fen(fen).to_yuan_string()) == fen);
  }
}

TEST_CASE("to_display_string shows small amounts exactly in yuan", "[money]") {
  CHECK(Money::from_fen(1234).to_display_string() == "¥12.34");
  CHECK(Money::from_fen(1230).to_display_string() == "¥12.30");
  CHECK(Money::from_fen(0).to_display_string() == "¥0.00");
  CHECK(Money::from_fen(-1).to_display_string() == "-¥0.01");
  CHECK(Money::from_fen(999'999).to_display_string() == "¥9999.99");
  CHECK(Money::from_fen(-999'999).to_display_string() == "-¥9999.99");
}

TEST_CASE("to_display_string uses 万元 from 1万 yuan, truncating", "[money]") {
  CHECK(Money::from_fen(1'000'000).to_display_string() == "1万元");
  CHECK(Money::from_fen(1'500'000).to_display_string() == "1.5万元");
  CHECK(Money::from_fen(5'581'680'000).to_display_string() == "5581.68万元");
  // 55,816,899.99 yuan = 5581.689999万: truncated, not rounded to 5581.69.
  CHECK(Money::from_fen(5'581'689'999).to_display_string() == "5581.68万元");
  CHECK(Money::from_fen(1'009'999).to_display_string() == "1万元");
  CHECK(Money::from_fen(-5'581'680'000).to_display_string() == "-5581.68万元");
  // Just below 1亿 yuan: stays in 万元 and is never rounded up to "10000万元".
  CHECK(Money::from_fen(9'999'999'999).to_display_string() == "9999.99万元");
}

TEST_CASE("to_display_string uses 亿元 from 1亿 yuan, truncating", "[money]") {
  CHECK(Money::from_fen(25'200'000'000).to_display_string() == "2.52亿元");
  CHECK(Money::from_fen(10'000'000'000).to_display_string() == "1亿元");
  CHECK(Money::from_fen(25'000'000'000).to_display_string() == "2.5亿元");
  CHECK(Money::from_fen(25'299'999'999).to_display_string() == "2.52亿元");
  CHECK(Money::from_fen(-25'200'000'000).to_display_string() == "-2.52亿元");
  CHECK(Money::from_fen(max_fen).to_display_string() == "922337203.68亿元");
  CHECK(Money::from_fen(min_fen).to_display_string() == "-922337203.68亿元");
}

TEST_CASE("万元 and 亿元 in any range, with the sign kept unless the value shows as zero",
          "[money]") {
  CHECK(Money::from_fen(25'200'000'000).to_wan_yuan_string() == "25200万元");
  CHECK(Money::from_fen(1234).to_wan_yuan_string() == "0万元");
  CHECK(Money::from_fen(10'000).to_wan_yuan_string() == "0.01万元");
  CHECK(Money::from_fen(-10'000).to_wan_yuan_string() == "-0.01万元");
  CHECK(Money::from_fen(-9'999).to_wan_yuan_string() == "0万元");
  CHECK(Money::from_fen(5'581'680'000).to_yi_yuan_string() == "0.55亿元");
  CHECK(Money::from_fen(0).to_yi_yuan_string() == "0亿元");
}

TEST_CASE("Money compares by amount", "[money]") {
  CHECK(Money::from_fen(1) < Money::from_fen(2));
  CHECK(Money::from_fen(-1) < Money());
  CHECK(Money::from_fen(5) == Money::from_fen(5));
}
