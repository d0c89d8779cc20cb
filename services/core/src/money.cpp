// Money: exact int64 fen, checked arithmetic, strict parsing and display in 元, 万元 and 亿元.
#include <huicai/core/money.hpp>
#include <limits>
#include <string>

namespace huicai {
namespace {

constexpr std::uint64_t fen_per_yuan = 100;
constexpr std::uint64_t fen_per_wan_yuan = 10'000 * fen_per_yuan;      // 1,000,000
constexpr std::uint64_t fen_per_yi_yuan = 100'000'000 * fen_per_yuan;  // 10,000,000,000

class MoneyCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "huicai.money"; }
  std::string message(int value) const override {
    switch (static_cast<MoneyError>(value)) {
      case MoneyError::overflow:
        return "amount out of range";
      case MoneyError::invalid_format:
        return "not a decimal yuan amount like 12, 12.3 or -12.34";
      case MoneyError::too_many_decimals:
        return "more than two decimals (smaller than one fen)";
    }
    return "unknown money error";
  }
};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// |fen| as unsigned, so that INT64_MIN has a magnitude too.
std::uint64_t magnitude(std::int64_t fen) {
  return fen < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(fen)
                 : static_cast<std::uint64_t>(fen);
}

// `units` is the amount in hundredths of the unit (already truncated). Writes "12", "12.3" or
// "12.34": trailing zeros of the fraction are dropped.
std::string hundredths_without_trailing_zeros(std::uint64_t units) {
  std::string text = std::to_string(units / 100);
  const auto fraction = static_cast<unsigned>(units % 100);
  if (fraction == 0) {
    return text;
  }
  text += '.';
  text += static_cast<char>('0' + fraction / 10);
  if (fraction % 10 != 0) {
    text += static_cast<char>('0' + fraction % 10);
  }
  return text;
}

// Amount in a unit of `fen_per_unit` fen, truncated toward zero to two decimals. The sign is
// kept, except when the truncated value is zero (no "-0万元").
std::string in_unit(std::int64_t fen, std::uint64_t fen_per_unit, std::string_view suffix) {
  const std::uint64_t hundredths = magnitude(fen) / (fen_per_unit / 100);
  std::string text = (fen < 0 && hundredths != 0) ? "-" : "";
  text += hundredths_without_trailing_zeros(hundredths);
  text += suffix;
  return text;
}

}  // namespace

const boost::system::error_category& money_category() noexcept {
  static const MoneyCategory category;
  return category;
}

boost::system::error_code make_error_code(MoneyError error) noexcept {
  return {static_cast<int>(error), money_category()};
}

boost::system::result<Money> Money::parse_yuan(std::string_view text) {
  // First the shape, so that a malformed text is always invalid_format (never overflow):
  // optional '-', one or more digits, optionally '.' and one or two digits.
  const std::size_t sign_length = (!text.empty() && text.front() == '-') ? 1 : 0;
  std::size_t position = sign_length;
  while (position < text.size() && is_digit(text[position])) {
    ++position;
  }
  const std::size_t integer_end = position;
  if (integer_end == sign_length) {
    return MoneyError::invalid_format;  // "", "-", ".5", "+1", " 1"
  }
  std::size_t decimals = 0;
  if (position < text.size() && text[position] == '.') {
    ++position;
    while (position < text.size() && is_digit(text[position])) {
      ++position;
      ++decimals;
    }
    if (decimals == 0) {
      return MoneyError::invalid_format;  // "12.", "12.e3"
    }
  }
  if (position != text.size()) {
    return MoneyError::invalid_format;  // "1e3", "1,000", "12 ", "1.2.3"
  }
  if (decimals > 2) {
    return MoneyError::too_many_decimals;  // "1.234", also "1.230": fen is the smallest unit
  }

  // Then the value. Accumulate the negated amount: int64's negative range is one larger, so
  // INT64_MIN ("-92233720368547758.08") parses without a special case.
  std::int64_t negated = 0;
  const auto push_digit = [&negated](int digit) {
    return !__builtin_mul_overflow(negated, 10, &negated) &&
           !__builtin_sub_overflow(negated, digit, &negated);
  };
  for (std::size_t index = sign_length; index < text.size(); ++index) {
    if (text[index] != '.' && !push_digit(text[index] - '0')) {
      return MoneyError::overflow;
    }
  }
  for (; decimals < 2; ++decimals) {
    if (!push_digit(0)) {
      return MoneyError::overflow;
    }
  }
  if (sign_length == 1) {
    return Money(negated);
  }
  if (negated == std::numeric_limits<std::int64_t>::min()) {
    return MoneyError::overflow;
  }
  return Money(-negated);
}

boost::system::result<Money> Money::plus(Money other) const {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(fen_, other.fen_, &sum)) {
    return MoneyError::overflow;
  }
  return Money(sum);
}

boost::system::result<Money> Money::minus(Money other) const {
  std::int64_t difference = 0;
  if (__builtin_sub_overflow(fen_, other.fen_, &difference)) {
    return MoneyError::overflow;
  }
  return Money(difference);
}

boost::system::result<Money> Money::times(std::int64_t quantity) const {
  std::int64_t product = 0;
  if (__builtin_mul_overflow(fen_, quantity, &product)) {
    return MoneyError::overflow;
  }
  return Money(product);
}

std::string Money::to_yuan_string() const {
  const std::uint64_t fen = magnitude(fen_);
  const auto fraction = static_cast<unsigned>(fen % fen_per_yuan);
  std::string text = fen_ < 0 ? "-" : "";
  text += std::to_string(fen / fen_per_yuan);
  text += '.';
  text += static_cast<char>('0' + fraction / 10);
  text += static_cast<char>('0' + fraction % 10);
  return text;
}

std::string Money::to_display_string() const {
  const std::uint64_t fen = magnitude(fen_);
  if (fen < fen_per_wan_yuan) {
    // Exact: yuan always with two decimals, the sign before the currency sign: "-¥12.30".
    std::string text = fen_ < 0 ? "-¥" : "¥";
    text += Money(static_cast<std::int64_t>(fen)).to_yuan_string();
    return text;
  }
  if (fen < fen_per_yi_yuan) {
    return to_wan_yuan_string();
  }
  return to_yi_yuan_string();
}

std::string Money::to_wan_yuan_string() const {
  return in_unit(fen_, fen_per_wan_yuan, "万元");
}

std::string Money::to_yi_yuan_string() const {
  return in_unit(fen_, fen_per_yi_yuan, "亿元");
}

}  // namespace huicai
