#pragma once
// Typed SKU attributes, without I/O: what a category declares (产地 text, 净含量 int in g,
// 储存方式 enum ...), how a SKU's values are checked against those declarations (every problem
// named "attributes.<code>"), and how browse filters on them are read from a query string.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <huicai/core/http/problem.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace huicai::catalog {

enum class AttributeType { text, integer, choice };  // "text", "int", "enum" in the API

std::string_view to_string(AttributeType type);
std::optional<AttributeType> attribute_type_from(std::string_view text);

struct AttributeDefinition {
  std::int64_t id = 0;
  std::int64_t category_id = 0;  // the category that declares it (maybe an ancestor)
  std::string code;              // [a-z0-9_], unique along a root-to-leaf chain
  std::string name;              // 净含量
  AttributeType type = AttributeType::text;
  std::string unit;                  // integer only ("g", "天")
  std::int64_t min = 0;              // integer only
  std::int64_t max = INT64_MAX;      // integer only
  std::vector<std::string> choices;  // enum only
  bool required = false;
};

inline constexpr std::size_t kMaxAttributeTextChars = 100;  // catalog_sku_attribute_values

// One stored value: integers in `integer`, text and enum values in `text`.
struct AttributeValue {
  std::int64_t attribute_id = 0;
  std::optional<std::int64_t> integer;
  std::optional<std::string> text;
  bool operator==(const AttributeValue&) const = default;
};

// A code as declared: 1-32 of [a-z0-9_], starting with a letter.
bool is_attribute_code(std::string_view code);

// Checks one JSON value against its definition. Integers are plain numbers in the declared
// unit, or {"value": n, "unit": "<the declared unit>"}. Returns the value, or the message.
struct CheckedValue {
  std::optional<AttributeValue> value;
  std::string error;
};
CheckedValue check_attribute_value(const AttributeDefinition& definition,
                                   const boost::json::value& input);

// The values a SKU ends with when `input` (an "attributes" object: code -> value, null
// removes) is applied to `current` under `definitions` (all attributes of the product's
// category). Errors are added as "<prefix>attributes.<code>"; required attributes missing at
// the end are errors too.
std::vector<AttributeValue> apply_attribute_input(
    const std::vector<AttributeDefinition>& definitions, const std::vector<AttributeValue>& current,
    const boost::json::object* input, const std::string& prefix,
    std::vector<http::FieldError>& errors);

// Required attributes of `definitions` missing from `values`, as errors
// "<prefix>attributes.<code>".
void check_required(const std::vector<AttributeDefinition>& definitions,
                    const std::vector<AttributeValue>& values, const std::string& prefix,
                    std::vector<http::FieldError>& errors);

// The JSON of a SKU's values for readers: [{code, name, value, unit}] in declaration order.
boost::json::value attribute_value_json(const AttributeDefinition& definition,
                                        const AttributeValue& value);

// Browse filters: attr.<code>=<text> (text and enum, exact), attr.<code>.min=<n> and
// attr.<code>.max=<n> (integers, inclusive).
struct AttributeFilter {
  std::string code;
  std::optional<std::string> equals;
  std::optional<std::int64_t> min;
  std::optional<std::int64_t> max;
};
// The keys of a raw query string that start with "attr." (sent unescaped: codes are ASCII).
// Cheap when there are none, which is the common case.
std::vector<std::string> attribute_filter_keys(std::string_view raw_query);
// Filters from (key, decoded value) pairs, sorted by code, one per code; malformed keys or
// values are added to `errors` under the parameter's name.
std::vector<AttributeFilter> parse_attribute_filters(
    const std::vector<std::pair<std::string, std::string>>& parameters,
    std::vector<http::FieldError>& errors);
// The canonical text of the filters (part of the browse cache key).
std::string canonical_attribute_filters(const std::vector<AttributeFilter>& filters);

}  // namespace huicai::catalog
