#include <huicai/core/json_text.hpp>

namespace huicai {

void JsonText::before_value() {
  if (after_value_) text_ += ',';
  after_value_ = true;
}

JsonText& JsonText::open(char bracket) {
  before_value();
  text_ += bracket;
  after_value_ = false;  // the first member or element follows without a comma
  return *this;
}

JsonText& JsonText::close(char bracket) {
  text_ += bracket;
  after_value_ = true;
  return *this;
}

JsonText& JsonText::key(std::string_view name) {
  before_value();
  text_ += '"';
  text_ += name;
  text_ += "\":";
  after_value_ = false;  // its value follows without a comma
  return *this;
}

JsonText& JsonText::number(std::int64_t value) {
  before_value();
  char digits[24];
  char* end = digits + sizeof digits;
  char* at = end;
  // Negative numbers through the unsigned magnitude: -INT64_MIN does not fit an int64.
  std::uint64_t magnitude =
      value < 0 ? ~static_cast<std::uint64_t>(value) + 1 : static_cast<std::uint64_t>(value);
  do {
    *--at = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  if (value < 0) *--at = '-';
  text_.append(at, end);
  return *this;
}

JsonText& JsonText::string(std::string_view value) {
  before_value();
  static constexpr char kHex[] = "0123456789abcdef";
  text_ += '"';
  std::size_t plain_from = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    text_.append(value.data() + plain_from, i - plain_from);
    plain_from = i + 1;
    switch (c) {
      case '"':
        text_ += "\\\"";
        break;
      case '\\':
        text_ += "\\\\";
        break;
      case '\b':
        text_ += "\\b";
        break;
      case '\f':
        text_ += "\\f";
        break;
      case '\n':
        text_ += "\\n";
        break;
      case '\r':
        text_ += "\\r";
        break;
      case '\t':
        text_ += "\\t";
        break;
      default:
        text_ += "\\u00";
        text_ += kHex[c >> 4];
        text_ += kHex[c & 0xf];
    }
  }
  text_.append(value.data() + plain_from, value.size() - plain_from);
  text_ += '"';
  return *this;
}

JsonText& JsonText::boolean(bool value) {
  before_value();
  text_ += value ? "true" : "false";
  return *this;
}

JsonText& JsonText::null() {
  before_value();
  text_ += "null";
  return *this;
}

}  // namespace huicai
