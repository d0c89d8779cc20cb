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
  static boost::system::result<Money> parse_yuan(std::string_view text);

  boost::system::result<Money> plus(Money other) const;
  boost::system::result<Money> minus(Money other) const;
  boost::system::result<Money> times(std::int64_t quantity) const;

  // "12.34" (plain yuan, two decimals; what exports use).
  std::string to_yuan_string() const;
  // For people: "¥12.34", "5581.68万元", "2.52亿元". Picks the unit: below 1万 yuan -> ¥,
  // below 1亿 -> 万元, else 亿元; trailing zeros of the fraction are dropped, never rounded up
  // (the shown value is truncated to two decimals of the unit).
  std::string to_display_string() const;
  std::string to_wan_yuan_string() const;  // always in 万元
  std::string to_yi_yuan_string() const;   // always in 亿元

  friend constexpr auto operator<=>(Money, Money) = default;

 private:
  constexpr explicit Money(std::int64_t fen) : fen_(fen) {}
  std::int64_t fen_ = 0;
};

}  // namespace huicai

template <>
struct boost::system::is_error_code_enum<huicai::MoneyError> : std::true_type {};
