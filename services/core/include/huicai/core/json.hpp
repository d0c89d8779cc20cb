#pragma once
// JSON request bodies into plain structs, and structs back into JSON, with Boost.Describe.
// Boost 1.81's value_to() for described structs rejects a missing optional or an extra key with
// a misleading message and stops at the first problem; this decoder names every failing field.
//
//   struct OrderLine { std::int64_t sku_id; std::int32_t quantity; };
//   BOOST_DESCRIBE_STRUCT(OrderLine, (), (sku_id, quantity))
//   struct PlaceOrder { std::vector<OrderLine> lines; std::optional<std::string> note; };
//   BOOST_DESCRIBE_STRUCT(PlaceOrder, (), (lines, note))
//
//   auto order = huicai::decode_json<PlaceOrder>(request.body);
//
// Errors (thrown as http::Problem):
//   400 "malformed-json": the body is not JSON; `detail` names the byte offset, line and
//       column, also given as `offset`, `line`, `column` members.
//   422 "validation-failed": `errors: [{field, message}]` lists EVERY failing field, e.g.
//       {"field": "lines[2].quantity", "message": "expected integer, got string"}. The field is
//       "" when the body itself has the wrong type. At most 100 errors are listed
//       (`errors_omitted` counts the rest).
//
// Supported member types: bool; integers (int32, int64, uint64, ...: only JSON integers in the
// type's range, so 1.0, 1e3 and 2147483648 for an int32 fail); Money (an integer of fen, for
// members named *_fen); std::string (Boost.JSON already rejects invalid UTF-8 and lone
// surrogate escapes while parsing: 400); std::optional<T> (missing or null -> nullopt);
// std::vector<T>; nested described structs; enums described with BOOST_DESCRIBE_ENUM (as
// their names); boost::json::value (taken as is). No floating point: money and quantities are
// integers in this API.
//
// Not detected: a key given twice ({"a":1,"a":2}); Boost.JSON 1.81 keeps the last value.
//
// encode_json() writes the same shapes back. An empty optional is written as null (not
// omitted), so every response object has the same keys whatever its content.
//
// This header pulls in Boost.JSON and Boost.Describe: include it in handler sources, not in
// widely included headers.

#include <array>
#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/describe/members.hpp>
#include <boost/describe/modifiers.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>
#include <concepts>
#include <cstdint>
#include <huicai/core/money.hpp>
#include <huicai/core/validation.hpp>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace huicai {

struct DecodeOptions {
  // A key the struct does not have is an error ("unknown field"): it catches typos such as
  // "quantiy" that would otherwise silently fall back to a default.
  bool reject_unknown_fields = true;
};

namespace json_detail {

// Where the decoder is ("lines[2].quantity") and what failed so far.
class DecodeContext {
 public:
  static constexpr std::size_t max_listed_errors = 100;

  explicit DecodeContext(DecodeOptions options) : options_(options) {}
  const DecodeOptions& options() const { return options_; }

  void push_field(std::string_view name);
  void push_index(std::size_t index);
  void pop();
  void fail(std::string message);  // at the current path
  bool has_errors() const { return !errors_.empty(); }
  [[noreturn]] void throw_errors() const;

 private:
  DecodeOptions options_;
  std::string path_;
  std::vector<std::size_t> path_marks_;
  std::vector<http::FieldError> errors_;
  std::size_t omitted_ = 0;
};

// Field/index scope: pushes on construction, pops on destruction.
class PathScope {
 public:
  PathScope(DecodeContext& context, std::string_view field) : context_(context) {
    context_.push_field(field);
  }
  PathScope(DecodeContext& context, std::size_t index) : context_(context) {
    context_.push_index(index);
  }
  ~PathScope() { context_.pop(); }
  PathScope(const PathScope&) = delete;
  PathScope& operator=(const PathScope&) = delete;

 private:
  DecodeContext& context_;
};

// Parses the whole body; throws Problem 400 "malformed-json" naming the position.
boost::json::value parse_body(std::string_view body);

// Readers of one JSON value. On a mismatch they record an error at the current path and
// return nothing.
std::optional<bool> read_bool(const boost::json::value& value, DecodeContext& context);
std::optional<std::int64_t> read_signed(const boost::json::value& value, std::int64_t minimum,
                                        std::int64_t maximum, DecodeContext& context);
std::optional<std::uint64_t> read_unsigned(const boost::json::value& value, std::uint64_t maximum,
                                           DecodeContext& context);
std::optional<std::string> read_string(const boost::json::value& value, DecodeContext& context);
const boost::json::array* read_array(const boost::json::value& value, DecodeContext& context);
const boost::json::object* read_object(const boost::json::value& value, DecodeContext& context);
// True when the object has keys outside `known_names` (each recorded as "unknown field").
bool report_unknown_fields(const boost::json::object& object, const std::string_view* known_names,
                           std::size_t known_count, DecodeContext& context);
void report_unknown_enumerator(const std::string_view* names, std::size_t count,
                               DecodeContext& context);

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
struct is_vector : std::false_type {};
template <class T, class Allocator>
struct is_vector<std::vector<T, Allocator>> : std::true_type {};

template <class T>
concept described_struct = std::is_class_v<T> && boost::describe::has_describe_members<T>::value;
template <class T>
concept described_enum = std::is_enum_v<T> && boost::describe::has_describe_enumerators<T>::value;
template <class T>
concept plain_integer =
    std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char> &&
    !std::is_same_v<T, wchar_t> && !std::is_same_v<T, char8_t> && !std::is_same_v<T, char16_t> &&
    !std::is_same_v<T, char32_t>;

template <class T>
using public_members = boost::describe::describe_members<T, boost::describe::mod_public |
                                                                boost::describe::mod_inherited>;

template <class T>
struct dependent_false : std::false_type {};

// Decodes `value` into `out`; false (with errors recorded) when it does not fit.
template <class T>
bool decode_into(const boost::json::value& value, T& out, DecodeContext& context);

template <described_struct T>
bool decode_struct(const boost::json::value& value, T& out, DecodeContext& context) {
  const boost::json::object* object = read_object(value, context);
  if (object == nullptr) {
    return false;
  }
  bool ok = true;
  boost::mp11::mp_for_each<public_members<T>>([&](auto member) {
    using Member = std::remove_cvref_t<decltype(out.*member.pointer)>;
    PathScope scope(context, member.name);
    const boost::json::value* found = object->if_contains(member.name);
    if (found == nullptr) {
      if constexpr (is_optional<Member>::value) {
        out.*member.pointer = std::nullopt;
      } else {
        context.fail("is required");
        ok = false;
      }
      return;
    }
    ok = decode_into(*found, out.*member.pointer, context) && ok;
  });
  if (context.options().reject_unknown_fields) {
    static constexpr auto names = [] {
      std::array<std::string_view, boost::mp11::mp_size<public_members<T>>::value> result{};
      std::size_t index = 0;
      boost::mp11::mp_for_each<public_members<T>>(
          [&](auto member) { result[index++] = member.name; });
      return result;
    }();
    ok = !report_unknown_fields(*object, names.data(), names.size(), context) && ok;
  }
  return ok;
}

template <described_enum T>
bool decode_enum(const boost::json::value& value, T& out, DecodeContext& context) {
  std::optional<std::string> text = read_string(value, context);
  if (!text) {
    return false;
  }
  bool found = false;
  boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>([&](auto enumerator) {
    if (!found && *text == enumerator.name) {
      out = enumerator.value;
      found = true;
    }
  });
  if (!found) {
    static constexpr auto names = [] {
      std::array<std::string_view,
                 boost::mp11::mp_size<boost::describe::describe_enumerators<T>>::value>
          result{};
      std::size_t index = 0;
      boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>(
          [&](auto enumerator) { result[index++] = enumerator.name; });
      return result;
    }();
    report_unknown_enumerator(names.data(), names.size(), context);
  }
  return found;
}

template <class T>
bool decode_into(const boost::json::value& value, T& out, DecodeContext& context) {
  if constexpr (is_optional<T>::value) {
    if (value.is_null()) {
      out = std::nullopt;
      return true;
    }
    typename T::value_type inner{};
    if (!decode_into(value, inner, context)) {
      return false;
    }
    out = std::move(inner);
    return true;
  } else if constexpr (std::is_same_v<T, bool>) {
    const auto result = read_bool(value, context);
    if (result) out = *result;
    return result.has_value();
  } else if constexpr (std::is_same_v<T, Money>) {
    const auto result = read_signed(value, std::numeric_limits<std::int64_t>::min(),
                                    std::numeric_limits<std::int64_t>::max(), context);
    if (result) out = Money::from_fen(*result);
    return result.has_value();
  } else if constexpr (plain_integer<T> && std::is_signed_v<T>) {
    const auto result =
        read_signed(value, std::numeric_limits<T>::min(), std::numeric_limits<T>::max(), context);
    if (result) out = static_cast<T>(*result);
    return result.has_value();
  } else if constexpr (plain_integer<T>) {
    const auto result = read_unsigned(value, std::numeric_limits<T>::max(), context);
    if (result) out = static_cast<T>(*result);
    return result.has_value();
  } else if constexpr (std::is_same_v<T, std::string>) {
    auto result = read_string(value, context);
    if (result) out = std::move(*result);
    return result.has_value();
  } else if constexpr (std::is_same_v<T, boost::json::value>) {
    out = value;
    return true;
  } else if constexpr (is_vector<T>::value) {
    const boost::json::array* array = read_array(value, context);
    if (array == nullptr) {
      return false;
    }
    T result;
    result.reserve(array->size());
    bool ok = true;
    for (std::size_t index = 0; index < array->size(); ++index) {
      PathScope scope(context, index);
      typename T::value_type element{};
      ok = decode_into((*array)[index], element, context) && ok;
      result.push_back(std::move(element));
    }
    if (ok) out = std::move(result);
    return ok;
  } else if constexpr (described_enum<T>) {
    return decode_enum(value, out, context);
  } else if constexpr (described_struct<T>) {
    return decode_struct(value, out, context);
  } else if constexpr (std::is_floating_point_v<T>) {
    static_assert(dependent_false<T>::value,
                  "no floating point in the API: use integer fen, grams or the smallest unit");
  } else {
    static_assert(dependent_false<T>::value,
                  "decode_json: unsupported type (describe it with BOOST_DESCRIBE_STRUCT or "
                  "BOOST_DESCRIBE_ENUM)");
  }
}

template <class T>
boost::json::value encode_value(const T& input) {
  if constexpr (is_optional<T>::value) {
    return input ? encode_value(*input) : boost::json::value(nullptr);
  } else if constexpr (std::is_same_v<T, bool>) {
    return boost::json::value(input);
  } else if constexpr (std::is_same_v<T, Money>) {
    return boost::json::value(input.fen());
  } else if constexpr (plain_integer<T> && std::is_signed_v<T>) {
    return boost::json::value(static_cast<std::int64_t>(input));
  } else if constexpr (plain_integer<T>) {
    return boost::json::value(static_cast<std::uint64_t>(input));
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>) {
    return boost::json::value(boost::json::string_view(input.data(), input.size()));
  } else if constexpr (std::is_same_v<T, boost::json::value>) {
    return input;
  } else if constexpr (is_vector<T>::value) {
    boost::json::array array;
    array.reserve(input.size());
    for (const auto& element : input) {
      array.push_back(encode_value(element));
    }
    return array;
  } else if constexpr (described_enum<T>) {
    const char* name = nullptr;
    boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>([&](auto enumerator) {
      if (name == nullptr && input == enumerator.value) name = enumerator.name;
    });
    // A value outside the described set is a programming error; write its number rather
    // than an invented name.
    return name != nullptr ? boost::json::value(name)
                           : boost::json::value(static_cast<std::int64_t>(input));
  } else if constexpr (described_struct<T>) {
    boost::json::object object;
    boost::mp11::mp_for_each<public_members<T>>(
        [&](auto member) { object.emplace(member.name, encode_value(input.*member.pointer)); });
    return object;
  } else {
    static_assert(dependent_false<T>::value, "encode_json: unsupported type");
  }
}

}  // namespace json_detail

// Decodes an already parsed value (useful when part of a body is dynamic).
template <class T>
T decode_json_value(const boost::json::value& value, DecodeOptions options = {}) {
  json_detail::DecodeContext context(options);
  T result{};
  if (!json_detail::decode_into(value, result, context) || context.has_errors()) {
    context.throw_errors();
  }
  return result;
}

// Parses and decodes a request body; throws http::Problem 400 or 422 (see the top of the file).
template <class T>
T decode_json(std::string_view body, DecodeOptions options = {}) {
  return decode_json_value<T>(json_detail::parse_body(body), options);
}

template <class T>
boost::json::value encode_json(const T& input) {
  return json_detail::encode_value(input);
}

}  // namespace huicai
