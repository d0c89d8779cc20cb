#include <algorithm>
#include <huicai/catalog/field_validator.hpp>
#include <huicai/catalog/text_rules.hpp>
#include <huicai/core/calendar_date.hpp>

namespace huicai::catalog {

FieldValidator::FieldValidator(const boost::json::object& body, std::string prefix)
    : FieldValidator(body, std::move(prefix), std::make_shared<Validator>()) {}

FieldValidator::FieldValidator(const boost::json::object& body, std::string prefix,
                               std::shared_ptr<Validator> errors)
    : body_(&body), prefix_(std::move(prefix)), errors_(std::move(errors)) {}

FieldValidator FieldValidator::nested(const boost::json::object& child, std::string prefix) const {
  return FieldValidator(child, std::move(prefix), errors_);
}

const boost::json::value* FieldValidator::find(std::string_view name) const {
  return body_->if_contains(name);
}

const boost::json::object* FieldValidator::object_of(std::string_view name) const {
  const auto* value = find(name);
  return value != nullptr && value->is_object() ? &value->get_object() : nullptr;
}

bool FieldValidator::present(std::string_view name) const {
  const auto* value = find(name);
  return value != nullptr && !value->is_null();
}

bool FieldValidator::is_null(std::string_view name) const {
  const auto* value = find(name);
  return value != nullptr && value->is_null();
}

void FieldValidator::fail(std::string_view name, std::string message) {
  errors_->add(path(name), std::move(message));
}

std::optional<std::string> FieldValidator::text(std::string_view name, TextRule rule) {
  const auto* value = find(name);
  if (value == nullptr || value->is_null()) {
    if (rule.required) fail(name, "is required");
    return std::nullopt;
  }
  if (!value->is_string()) {
    fail(name, "must be a string");
    return std::nullopt;
  }
  std::string text(value->get_string());
  if (!is_valid_utf8(text)) {
    fail(name, "is not valid UTF-8");
    return std::nullopt;
  }
  // Surrounding blanks are never meaningful in names and titles.
  const auto first = text.find_first_not_of(" \t\r\n");
  const auto last = text.find_last_not_of(" \t\r\n");
  text = first == std::string::npos ? std::string{} : text.substr(first, last - first + 1);
  if (text.find('\0') != std::string::npos) {
    fail(name, "must not contain NUL characters");
    return std::nullopt;
  }
  const auto length = character_count(text);
  if (length < rule.min_chars) {
    fail(name, rule.min_chars <= 1
                   ? "must not be empty"
                   : "must be at least " + std::to_string(rule.min_chars) + " characters");
    return std::nullopt;
  }
  if (length > rule.max_chars) {
    fail(name, "must be at most " + std::to_string(rule.max_chars) + " characters (got " +
                   std::to_string(length) + ")");
    return std::nullopt;
  }
  return text;
}

std::optional<std::int64_t> FieldValidator::integer(std::string_view name, IntegerRule rule) {
  const auto* value = find(name);
  if (value == nullptr || value->is_null()) {
    if (rule.required) fail(name, "is required");
    return std::nullopt;
  }
  std::int64_t number = 0;
  if (value->is_int64()) {
    number = value->get_int64();
  } else if (value->is_uint64()) {
    fail(name, "must be at most " + std::to_string(rule.max));
    return std::nullopt;
  } else {
    fail(name, "must be an integer");
    return std::nullopt;
  }
  if (number < rule.min) {
    fail(name, rule.min == 1 ? "must be greater than zero"
                             : "must be at least " + std::to_string(rule.min));
    return std::nullopt;
  }
  if (number > rule.max) {
    fail(name, "must be at most " + std::to_string(rule.max));
    return std::nullopt;
  }
  return number;
}

std::optional<std::string> FieldValidator::choice(std::string_view name, bool required,
                                                  std::initializer_list<std::string_view> allowed) {
  auto value = text(name, TextRule{required, 1, 64});
  if (!value) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *value) == allowed.end()) {
    std::string list;
    for (auto option : allowed) list += (list.empty() ? "" : ", ") + std::string(option);
    fail(name, "must be one of: " + list);
    return std::nullopt;
  }
  return value;
}

bool is_iso_date(std::string_view text) {
  return huicai::is_iso_date(text);
}

std::optional<std::string> FieldValidator::date(std::string_view name, bool required) {
  auto value = text(name, TextRule{required, 1, 10});
  if (!value) return std::nullopt;
  if (!is_iso_date(*value)) {
    fail(name, "must be a date YYYY-MM-DD");
    return std::nullopt;
  }
  return value;
}

std::optional<bool> FieldValidator::boolean(std::string_view name, bool required) {
  const auto* value = find(name);
  if (value == nullptr || value->is_null()) {
    if (required) fail(name, "is required");
    return std::nullopt;
  }
  if (!value->is_bool()) {
    fail(name, "must be true or false");
    return std::nullopt;
  }
  return value->get_bool();
}

const boost::json::array* FieldValidator::array(std::string_view name, bool required,
                                                std::size_t max_items) {
  const auto* value = find(name);
  if (value == nullptr || value->is_null()) {
    if (required) fail(name, "is required");
    return nullptr;
  }
  if (!value->is_array()) {
    fail(name, "must be an array");
    return nullptr;
  }
  if (value->get_array().size() > max_items) {
    fail(name, "must have at most " + std::to_string(max_items) + " items");
    return nullptr;
  }
  return &value->get_array();
}

void FieldValidator::throw_if_failed() const {
  errors_->throw_if_any();
}

}  // namespace huicai::catalog
