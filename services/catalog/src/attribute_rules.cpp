#include <algorithm>
#include <charconv>
#include <huicai/catalog/attribute_rules.hpp>
#include <huicai/catalog/text_rules.hpp>

namespace huicai::catalog {
namespace {

std::optional<std::int64_t> json_integer(const boost::json::value& value) {
  if (value.is_int64()) return value.get_int64();
  if (value.is_uint64() && value.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(value.get_uint64());
  return std::nullopt;
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

CheckedValue check_integer(const AttributeDefinition& definition, const boost::json::value& input) {
  const std::string expected = "must be an integer number of " + definition.unit +
                               " (or {\"value\": n, \"unit\": \"" + definition.unit + "\"})";
  std::optional<std::int64_t> number = json_integer(input);
  if (!number && input.is_object()) {
    const auto& object = input.get_object();
    const auto* unit = object.if_contains("unit");
    const auto* value = object.if_contains("value");
    if (object.size() != 2 || unit == nullptr || value == nullptr || !unit->is_string())
      return {std::nullopt, expected};
    if (unit->get_string() != definition.unit)
      return {std::nullopt,
              "unit must be " + definition.unit + ", not " + std::string(unit->get_string())};
    number = json_integer(*value);
  }
  if (!number) return {std::nullopt, expected};
  if (*number < definition.min || *number > definition.max) {
    return {std::nullopt, "must be between " + std::to_string(definition.min) + " and " +
                              std::to_string(definition.max) + " " + definition.unit};
  }
  return {AttributeValue{definition.id, number, std::nullopt}, {}};
}

CheckedValue check_text(const AttributeDefinition& definition, const boost::json::value& input) {
  if (!input.is_string()) return {std::nullopt, "must be a string"};
  std::string text(input.get_string());
  if (!is_valid_utf8(text)) return {std::nullopt, "is not valid UTF-8"};
  const auto first = text.find_first_not_of(" \t\r\n");
  const auto last = text.find_last_not_of(" \t\r\n");
  text = first == std::string::npos ? std::string{} : text.substr(first, last - first + 1);
  const auto length = character_count(text);
  if (length == 0 || length > kMaxAttributeTextChars || text.find('\0') != std::string::npos) {
    return {std::nullopt, "must be 1 to " + std::to_string(kMaxAttributeTextChars) + " characters"};
  }
  if (definition.type == AttributeType::choice &&
      std::find(definition.choices.begin(), definition.choices.end(), text) ==
          definition.choices.end()) {
    return {std::nullopt, "must be one of: " + joined(definition.choices)};
  }
  return {AttributeValue{definition.id, std::nullopt, std::move(text)}, {}};
}

}  // namespace

std::string_view to_string(AttributeType type) {
  switch (type) {
    case AttributeType::integer:
      return "int";
    case AttributeType::choice:
      return "enum";
    case AttributeType::text:
      break;
  }
  return "text";
}

std::optional<AttributeType> attribute_type_from(std::string_view text) {
  if (text == "text") return AttributeType::text;
  if (text == "int") return AttributeType::integer;
  if (text == "enum") return AttributeType::choice;
  return std::nullopt;
}

bool is_attribute_code(std::string_view code) {
  if (code.empty() || code.size() > 32 || code[0] < 'a' || code[0] > 'z') return false;
  return code.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string_view::npos;
}

CheckedValue check_attribute_value(const AttributeDefinition& definition,
                                   const boost::json::value& input) {
  if (definition.type == AttributeType::integer) return check_integer(definition, input);
  return check_text(definition, input);
}

std::vector<AttributeValue> apply_attribute_input(
    const std::vector<AttributeDefinition>& definitions, const std::vector<AttributeValue>& current,
    const boost::json::object* input, const std::string& prefix,
    std::vector<http::FieldError>& errors) {
  std::vector<AttributeValue> values = current;
  if (input != nullptr) {
    for (const auto& [key, given] : *input) {
      const std::string field = prefix + "attributes." + std::string(key);
      const auto definition =
          std::find_if(definitions.begin(), definitions.end(),
                       [&](const AttributeDefinition& d) { return d.code == key; });
      if (definition == definitions.end()) {
        errors.push_back({field, "is not an attribute of the product's category"});
        continue;
      }
      std::erase_if(values,
                    [&](const AttributeValue& v) { return v.attribute_id == definition->id; });
      if (given.is_null()) continue;  // removed (a required one is reported below)
      auto checked = check_attribute_value(*definition, given);
      if (!checked.value) {
        errors.push_back({field, checked.error});
        continue;
      }
      values.push_back(std::move(*checked.value));
    }
  }
  check_required(definitions, values, prefix, errors);
  return values;
}

void check_required(const std::vector<AttributeDefinition>& definitions,
                    const std::vector<AttributeValue>& values, const std::string& prefix,
                    std::vector<http::FieldError>& errors) {
  for (const auto& definition : definitions) {
    if (!definition.required) continue;
    const bool present = std::any_of(values.begin(), values.end(), [&](const AttributeValue& v) {
      return v.attribute_id == definition.id;
    });
    const std::string field = prefix + "attributes." + definition.code;
    const bool reported = std::any_of(errors.begin(), errors.end(),
                                      [&](const http::FieldError& e) { return e.field == field; });
    if (!present && !reported) {
      errors.push_back({field, "is required (" + definition.name + ")"});
    }
  }
}

boost::json::value attribute_value_json(const AttributeDefinition& definition,
                                        const AttributeValue& value) {
  boost::json::object out;
  out["code"] = definition.code;
  out["name"] = definition.name;
  if (value.integer) {
    out["value"] = *value.integer;
  } else {
    out["value"] = value.text.value_or("");
  }
  out["unit"] =
      definition.unit.empty() ? boost::json::value(nullptr) : boost::json::value(definition.unit);
  return out;
}

std::vector<std::string> attribute_filter_keys(std::string_view raw_query) {
  std::vector<std::string> keys;
  if (raw_query.find("attr.") == std::string_view::npos) return keys;
  while (!raw_query.empty()) {
    const auto ampersand = raw_query.find('&');
    const auto pair = raw_query.substr(0, ampersand);
    raw_query =
        ampersand == std::string_view::npos ? std::string_view{} : raw_query.substr(ampersand + 1);
    const auto key = pair.substr(0, pair.find('='));
    if (key.starts_with("attr.")) keys.emplace_back(key);
  }
  return keys;
}

std::vector<AttributeFilter> parse_attribute_filters(
    const std::vector<std::pair<std::string, std::string>>& parameters,
    std::vector<http::FieldError>& errors) {
  std::map<std::string, AttributeFilter> by_code;
  for (const auto& [key, value] : parameters) {
    std::string_view rest = std::string_view(key).substr(5);  // after "attr."
    std::string_view bound;
    if (rest.ends_with(".min") || rest.ends_with(".max")) {
      bound = rest.substr(rest.size() - 3);
      rest.remove_suffix(4);
    }
    if (!is_attribute_code(rest)) {
      errors.push_back({key, "is not attr.<code>, attr.<code>.min or attr.<code>.max"});
      continue;
    }
    auto& filter = by_code[std::string(rest)];
    filter.code = std::string(rest);
    if (bound.empty()) {
      if (value.empty() || !is_valid_utf8(value) || character_count(value) > kMaxAttributeTextChars)
        errors.push_back({key, "must be 1 to 100 characters"});
      else
        filter.equals = value;
      continue;
    }
    const auto number = parse_integer(value);
    if (!number) {
      errors.push_back({key, "must be an integer"});
    } else {
      (bound == "min" ? filter.min : filter.max) = number;
    }
  }
  std::vector<AttributeFilter> filters;
  for (auto& [code, filter] : by_code) {
    if (filter.equals && (filter.min || filter.max)) {
      errors.push_back({"attr." + code, "takes either a value or a .min/.max range, not both"});
    }
    if (filter.min && filter.max && *filter.min > *filter.max) {
      errors.push_back({"attr." + code + ".max", "must not be below attr." + code + ".min"});
    }
    filters.push_back(std::move(filter));
  }
  return filters;
}

std::string canonical_attribute_filters(const std::vector<AttributeFilter>& filters) {
  std::string out;
  for (const auto& filter : filters) {
    out += "&attr." + filter.code;
    // Length-prefixed: a value holding "&attr.x=" must not read as another filter.
    if (filter.equals) out += "=" + std::to_string(filter.equals->size()) + ":" + *filter.equals;
    if (filter.min) out += ".min=" + std::to_string(*filter.min);
    if (filter.max) out += ".max=" + std::to_string(*filter.max);
  }
  return out;
}

}  // namespace huicai::catalog
