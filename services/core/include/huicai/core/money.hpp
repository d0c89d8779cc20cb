#pragma once
// Money is an exact count of fen (0.01 yuan) in an int64. No floating point ever touches it.
// Arithmetic is checked: an overflow is an error the caller must handle, never a silent wrap.

#include <boost/system/result.hpp>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace huicai {

enum class MoneyError {
  overflow = 1,    // result does not fit in int64 fen
  invalid_format,  // not a decimal amount like "12", "12.3" or "-12.34"
  too_many_decimals,
};
const boost::system::error_category& money_category() noexcept;
boost::system::error_code make_error_code(MoneyError error) noexcept;

class Money {
 public:
  constexpr Money() = default;
  static constexpr Money from_fen(std::int64_t fen) { return Money(fen); }
  constexpr std::int64_t fen() const { return fen_; }

  // Parses a yuan amount with at most two decimals: "12.34" -> 1234 fen. Accepts a leading '-'.
  // Strict: optional '-', digits, optionally '.' and one or two digits; nothing else ("+1",
  // " 1", "1,000", "1e3", "12." are invalid_format; "1.234" and "1.230" too_many_decimals;
  // beyond int64 fen overflow). "-0" is zero.
  static boost::system::result<Money> parse_yuan(std::string_view text);

  boost::system::result<Money> plus(Money other) const;
  boost::system::result<Money> minus(Money other) const;
  boost::system::result<Money> times(std::int64_t quantity) const;

  // "12.34", "-0.01", "0.00" (plain yuan, exact, always two decimals; what exports use).
  std::string to_yuan_string() const;
  // For people. The unit is picked by the exact absolute amount:
  //   below 1万 yuan (1,000,000 fen): exact yuan with two decimals, "¥12.30", "-¥0.01";
  //   below 1亿 yuan (10,000,000,000 fen): to_wan_yuan_string(), "5581.68万元";
  //   otherwise: to_yi_yuan_string(), "2.52亿元".
  std::string to_display_string() const;
  // Always in 万元 / 亿元: TRUNCATED toward zero to two decimals of the unit (never rounded, so
  // a total is never shown larger than it is, and 9999.999万 stays "9999.99万元" instead of
  // becoming "10000万元"); trailing zeros of the fraction are dropped ("1万元", "2.5亿元").
  // Negative amounts keep their sign ("-3.2万元"), unless the truncated value is zero ("0万元").
  // Examples: 5,581,689,999 fen -> "5581.68万元"; 25,200,000,000 fen -> "2.52亿元".
  std::string to_wan_yuan_string() const;
  std::string to_yi_yuan_string() const;

  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads the defaulted <=>
  friend constexpr auto operator<=>(Money, Money) = default;

 private:
  constexpr explicit Money(std::int64_t fen) : fen_(fen) {}
  std::int64_t fen_ = 0;
};

}  // namespace huicai

template <>
struct boost::system::is_error_code_enum<huicai::MoneyError> : std::true_type {};
