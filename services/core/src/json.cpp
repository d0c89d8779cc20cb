// The non-template half of the JSON decoder: parsing with positions, readers of single values,
// the error path and the 422 problem.
#include <boost/json/parser.hpp>
#include <cmath>
#include <huicai/core/json.hpp>

namespace huicai::json_detail {
namespace {

// Longest object key quoted in an error path: an attacker's 1 MB key must not come back in
// the problem body.
constexpr std::size_t max_field_name_bytes = 64;

std::string_view kind_name(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return "boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
      return "integer";
    case boost::json::kind::double_:
      return "number";
    case boost::json::kind::string:
      return "string";
    case boost::json::kind::array:
      return "array";
    case boost::json::kind::object:
      return "object";
  }
  return "unknown";
}

std::string expected(std::string_view wanted, const boost::json::value& got) {
  std::string message = "expected ";
  message += wanted;
  message += ", got ";
  if (got.is_double()) {
    message += "a number with a fraction or exponent";
  } else {
    message += kind_name(got);
  }
  return message;
}

// Cuts at most `limit` bytes without splitting a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) {
    return text;
  }
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return text.substr(0, end);
}

std::string range_message(std::string_view minimum, std::string_view maximum) {
  std::string message = "must be an integer from ";
  message += minimum;
  message += " to ";
  message += maximum;
  return message;
}

}  // namespace

void DecodeContext::push_field(std::string_view name) {
  path_marks_.push_back(path_.size());
  if (!path_.empty()) {
    path_ += '.';
  }
  const std::string_view shown = utf8_prefix(name, max_field_name_bytes);
  path_ += shown;
  if (shown.size() < name.size()) {
    path_ += "...";
  }
}

void DecodeContext::push_index(std::size_t index) {
  path_marks_.push_back(path_.size());
  path_ += '[';
  path_ += std::to_string(index);
  path_ += ']';
}

void DecodeContext::pop() {
  path_.resize(path_marks_.back());
  path_marks_.pop_back();
}

void DecodeContext::fail(std::string message) {
  if (errors_.size() < max_listed_errors) {
    errors_.push_back({path_, std::move(message)});
  } else {
    ++omitted_;
  }
}

void DecodeContext::throw_errors() const {
  throw_validation_failed(errors_, omitted_);
}

boost::json::value parse_body(std::string_view body) {
  boost::json::parse_options options;
  options.max_depth = 32;  // bounds the recursion of the parser and of every consumer
  boost::json::parser parser({}, options);
  boost::json::error_code error;
  std::size_t consumed = parser.write_some(body.data(), body.size(), error);
  if (!error && consumed != body.size()) {
    // Whitespace after the value is fine; anything else is a second value or garbage.
    while (consumed < body.size() && (body[consumed] == ' ' || body[consumed] == '\t' ||
                                      body[consumed] == '\n' || body[consumed] == '\r')) {
      ++consumed;
    }
    if (consumed != body.size()) {
      error = boost::json::error::extra_data;
    }
  }
  if (!error) {
    return parser.release();
  }
  // Position of the error as a person finds it in an editor: 1-based line and column (in
  // bytes), plus the 0-based byte offset.
  const std::size_t offset = std::min(consumed, body.size());
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t index = 0; index < offset; ++index) {
    if (body[index] == '\n') {
      ++line;
      line_start = index + 1;
    }
  }
  const std::size_t column = offset - line_start + 1;
  const std::string reason = body.empty() ? std::string("empty body") : error.message();
  http::Problem problem(400, "malformed-json", "The request body is not valid JSON",
                        reason + " at line " + std::to_string(line) + ", column " +
                            std::to_string(column) + " (byte " + std::to_string(offset) + ")");
  problem.with("offset", static_cast<std::uint64_t>(offset))
      .with("line", static_cast<std::uint64_t>(line))
      .with("column", static_cast<std::uint64_t>(column));
  throw problem;
}

std::optional<bool> read_bool(const boost::json::value& value, DecodeContext& context) {
  if (const bool* result = value.if_bool()) {
    return *result;
  }
  context.fail(expected("boolean", value));
  return std::nullopt;
}

std::optional<std::int64_t> read_signed(const boost::json::value& value, std::int64_t minimum,
                                        std::int64_t maximum, DecodeContext& context) {
  std::optional<std::int64_t> result;
  bool in_range = false;
  if (const std::int64_t* number = value.if_int64()) {
    result = *number;
    in_range = *number >= minimum && *number <= maximum;
  } else if (const std::uint64_t* number = value.if_uint64()) {
    in_range = *number <= static_cast<std::uint64_t>(maximum) && maximum >= 0;
    if (in_range) {
      result = static_cast<std::int64_t>(*number);
    }
  } else if (const double* number = value.if_double();
             number != nullptr && std::isfinite(*number) && std::trunc(*number) == *number &&
             std::fabs(*number) >= 9.2e18) {
    // An integer too long for int64: Boost.JSON hands it over as a double.
    in_range = false;
  } else {
    context.fail(expected("integer", value));
    return std::nullopt;
  }
  if (!in_range) {
    context.fail(range_message(std::to_string(minimum), std::to_string(maximum)));
    return std::nullopt;
  }
  return result;
}

std::optional<std::uint64_t> read_unsigned(const boost::json::value& value, std::uint64_t maximum,
                                           DecodeContext& context) {
  std::optional<std::uint64_t> result;
  if (const std::int64_t* number = value.if_int64()) {
    if (*number >= 0 && static_cast<std::uint64_t>(*number) <= maximum) {
      result = static_cast<std::uint64_t>(*number);
    }
  } else if (const std::uint64_t* number = value.if_uint64()) {
    if (*number <= maximum) {
      result = *number;
    }
  } else if (const double* number = value.if_double();
             number == nullptr || !std::isfinite(*number) || std::trunc(*number) != *number ||
             std::fabs(*number) < 9.2e18) {
    context.fail(expected("integer", value));
    return std::nullopt;
  }
  if (!result) {
    context.fail(range_message("0", std::to_string(maximum)));
  }
  return result;
}

std::optional<std::string> read_string(const boost::json::value& value, DecodeContext& context) {
  if (const boost::json::string* text = value.if_string()) {
    return std::string(text->data(), text->size());
  }
  context.fail(expected("string", value));
  return std::nullopt;
}

const boost::json::array* read_array(const boost::json::value& value, DecodeContext& context) {
  if (const boost::json::array* array = value.if_array()) {
    return array;
  }
  context.fail(expected("array", value));
  return nullptr;
}

const boost::json::object* read_object(const boost::json::value& value, DecodeContext& context) {
  if (const boost::json::object* object = value.if_object()) {
    return object;
  }
  context.fail(expected("object", value));
  return nullptr;
}

bool report_unknown_fields(const boost::json::object& object, const std::string_view* known_names,
                           std::size_t known_count, DecodeContext& context) {
  bool found_unknown = false;
  for (const auto& entry : object) {
    const std::string_view key(entry.key().data(), entry.key().size());
    bool known = false;
    for (std::size_t index = 0; index < known_count && !known; ++index) {
      known = known_names[index] == key;
    }
    if (!known) {
      PathScope scope(context, key);
      context.fail("unknown field");
      found_unknown = true;
    }
  }
  return found_unknown;
}

void report_unknown_enumerator(const std::string_view* names, std::size_t count,
                               DecodeContext& context) {
  // The rejected text is not echoed: it may be long, and the client has it.
  std::string message = "expected one of: ";
  for (std::size_t index = 0; index < count; ++index) {
    if (index > 0) {
      message += ", ";
    }
    message += names[index];
  }
  context.fail(std::move(message));
}

}  // namespace huicai::json_detail
