// libFuzzer: Money::parse_yuan and formatting. Invariants, checked against an independent
// reference in __int128:
//   - the input is accepted exactly when it has the documented shape and fits in int64 fen;
//   - the error says why (invalid_format, too_many_decimals, overflow);
//   - to_yuan_string() parses back to the same amount;
//   - the display strings follow the unit thresholds and never show more than the amount;
//   - plus/minus/times on the first 24 bytes agree with __int128 or report overflow.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <huicai/core/money.hpp>
#include <limits>
#include <string>
#include <string_view>

namespace {

using huicai::Money;
using huicai::MoneyError;

constexpr __int128 int64_min = std::numeric_limits<std::int64_t>::min();
constexpr __int128 int64_max = std::numeric_limits<std::int64_t>::max();

void require(bool condition) {
  if (!condition) {
    std::abort();
  }
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

struct Reference {
  bool well_formed = false;
  bool too_many_decimals = false;
  bool fits = false;
  __int128 fen = 0;
};

// An independent, simpler reading of the grammar: -?[0-9]+(\.[0-9]{1,2})?
Reference reference_parse(std::string_view text) {
  Reference result;
  std::size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;
  const std::size_t integer_start = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  if (i == integer_start) return result;
  const std::string_view integer = text.substr(integer_start, i - integer_start);
  std::string_view fraction;
  if (i < text.size() && text[i] == '.') {
    const std::size_t fraction_start = ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
    fraction = text.substr(fraction_start, i - fraction_start);
    if (fraction.empty()) return result;
  }
  if (i != text.size()) return result;
  result.well_formed = true;
  if (fraction.size() > 2) {
    result.too_many_decimals = true;
    return result;
  }
  // Leading zeros do not count; anything over 21 significant digits is out of range anyway.
  std::size_t first = 0;
  while (first + 1 < integer.size() && integer[first] == '0') ++first;
  if (integer.size() - first > 21) return result;
  __int128 value = 0;
  for (char c : integer.substr(first)) value = value * 10 + (c - '0');
  for (std::size_t k = 0; k < 2; ++k) {
    value = value * 10 + (k < fraction.size() ? fraction[k] - '0' : 0);
  }
  if (negative) value = -value;
  result.fen = value;
  result.fits = value >= int64_min && value <= int64_max;
  return result;
}

std::uint64_t magnitude(std::int64_t fen) {
  return fen < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(fen)
                 : static_cast<std::uint64_t>(fen);
}

void check_formatting(Money money) {
  const std::string yuan = money.to_yuan_string();
  const auto again = Money::parse_yuan(yuan);
  require(again.has_value() && again->fen() == money.fen());

  const std::string display = money.to_display_string();
  const std::uint64_t fen = magnitude(money.fen());
  if (fen < 1'000'000) {
    require(display == (money.fen() < 0 ? "-¥" : "¥") +
                           Money::from_fen(static_cast<std::int64_t>(fen)).to_yuan_string());
  } else if (fen < 10'000'000'000ULL) {
    require(display == money.to_wan_yuan_string());
  } else {
    require(display == money.to_yi_yuan_string());
  }

  // 万元 and 亿元 are truncated: the shown number, read back in fen, is at most the amount and
  // less than one hundredth of the unit below it.
  const auto check_unit = [&](const std::string& text, std::string_view suffix,
                              std::uint64_t fen_per_hundredth) {
    require(text.size() > suffix.size() &&
            text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0);
    const auto number = Money::parse_yuan(text.substr(0, text.size() - suffix.size()));
    require(number.has_value());
    // parse_yuan read "12.34" as 1234 hundredths.
    const std::uint64_t hundredths = magnitude(number->fen());
    require(hundredths == fen / fen_per_hundredth);
    require((number->fen() < 0) == (money.fen() < 0 && hundredths != 0));
  };
  check_unit(money.to_wan_yuan_string(), "万元", 10'000);
  check_unit(money.to_yi_yuan_string(), "亿元", 100'000'000);
}

void check_arithmetic(const std::uint8_t* data, std::size_t size) {
  if (size < 24) return;
  std::int64_t a = 0;
  std::int64_t b = 0;
  std::int64_t q = 0;
  std::memcpy(&a, data, 8);
  std::memcpy(&b, data + 8, 8);
  std::memcpy(&q, data + 16, 8);
  const auto check = [](const boost::system::result<Money>& result, __int128 expected) {
    if (expected >= int64_min && expected <= int64_max) {
      require(result.has_value() && result->fen() == static_cast<std::int64_t>(expected));
    } else {
      require(result.has_error() && result.error() == MoneyError::overflow);
    }
  };
  const Money x = Money::from_fen(a);
  check(x.plus(Money::from_fen(b)), static_cast<__int128>(a) + b);
  check(x.minus(Money::from_fen(b)), static_cast<__int128>(a) - b);
  check(x.times(q), static_cast<__int128>(a) * q);
  check_formatting(x);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = Money::parse_yuan(text);
  const Reference expected = reference_parse(text);
  if (!expected.well_formed) {
    require(parsed.has_error() && parsed.error() == MoneyError::invalid_format);
  } else if (expected.too_many_decimals) {
    require(parsed.has_error() && parsed.error() == MoneyError::too_many_decimals);
  } else if (!expected.fits) {
    require(parsed.has_error() && parsed.error() == MoneyError::overflow);
  } else {
    require(parsed.has_value() && parsed->fen() == static_cast<std::int64_t>(expected.fen));
    check_formatting(*parsed);
  }
  check_arithmetic(data, size);
  return 0;
}
