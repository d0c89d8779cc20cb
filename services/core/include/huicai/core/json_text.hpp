#pragma once
// JSON written straight to text, for hot responses that would otherwise build a boost::json value
// only to serialize it at once (the placed order's 201: building and serializing its value was
// about 13 % of the server's instructions per order). The text is what boost::json::serialize
// writes for the same value: compact, members in the order written, the same escapes
// (tests/unit/core/json_text_test.cpp holds it to that).
//
//   JsonText json;
//   json.begin_object().key("id").number(7).key("note").string(note).end_object();
//   response.body = json.take();
//
// Keys are the caller's constants and are written as given. A key is followed by exactly one
// value or begin_*.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace huicai {

class JsonText {
 public:
  explicit JsonText(std::size_t reserve = 1024) { text_.reserve(reserve); }

  JsonText& begin_object() { return open('{'); }
  JsonText& end_object() { return close('}'); }
  JsonText& begin_array() { return open('['); }
  JsonText& end_array() { return close(']'); }
  JsonText& key(std::string_view name);

  JsonText& number(std::int64_t value);
  JsonText& string(std::string_view value);
  JsonText& boolean(bool value);
  JsonText& null();
  // The value, or null when there is none.
  JsonText& optional_number(const std::optional<std::int64_t>& value) {
    return value ? number(*value) : null();
  }
  JsonText& optional_string(const std::optional<std::string>& value) {
    return value ? string(*value) : null();
  }

  std::string take() { return std::move(text_); }

 private:
  void before_value();
  JsonText& open(char bracket);
  JsonText& close(char bracket);

  std::string text_;
  bool after_value_ = false;  // the next value or key needs a comma first
};

}  // namespace huicai
