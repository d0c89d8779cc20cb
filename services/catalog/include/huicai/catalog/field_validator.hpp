#pragma once
// Reads fields of a JSON body and collects every problem instead of stopping at the first, so
// one 422 lists each invalid field ("skus[1].price_fen": "must be at most ..."). Strings are
// checked for valid UTF-8 here: bodies are parsed with invalid UTF-8 allowed precisely so the
// error can name the field. The errors are kept in core's Validator, so the 422 has the same
// shape as every other service's (huicai/core/validation.hpp).

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/validation.hpp>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace huicai::catalog {

struct TextRule {
  bool required = true;
  std::size_t min_chars = 1;
  std::size_t max_chars = 255;
};

struct IntegerRule {
  bool required = true;
  std::int64_t min = 1;
  std::int64_t max = INT64_MAX;
};

class FieldValidator {
 public:
  explicit FieldValidator(const boost::json::object& body, std::string prefix = {});
  // A validator for a nested object that reports into the same error list.
  FieldValidator nested(const boost::json::object& child, std::string prefix) const;

  // Absent or null optional fields give nullopt without an error.
  std::optional<std::string> text(std::string_view name, TextRule rule);
  std::optional<std::int64_t> integer(std::string_view name, IntegerRule rule);
  std::optional<std::string> choice(std::string_view name, bool required,
                                    std::initializer_list<std::string_view> allowed);
  std::optional<std::string> date(std::string_view name, bool required);  // "YYYY-MM-DD"
  std::optional<bool> boolean(std::string_view name, bool required);
  const boost::json::array* array(std::string_view name, bool required, std::size_t max_items);

  // The field when it is a JSON object, else nullptr (no error: the caller names it).
  const boost::json::object* object_of(std::string_view name) const;
  bool present(std::string_view name) const;  // present and not null
  bool is_null(std::string_view name) const;  // present with value null
  void fail(std::string_view name, std::string message);
  std::string path(std::string_view name) const { return prefix_ + std::string(name); }

  bool ok() const { return errors_->empty(); }
  const std::vector<http::FieldError>& errors() const { return errors_->errors(); }
  // Throws Problem 422 "validation-failed" listing every error, when there is one.
  void throw_if_failed() const;

 private:
  FieldValidator(const boost::json::object& body, std::string prefix,
                 std::shared_ptr<Validator> errors);
  const boost::json::value* find(std::string_view name) const;

  const boost::json::object* body_;
  std::string prefix_;
  std::shared_ptr<Validator> errors_;  // shared with nested validators
};

// A calendar-valid "YYYY-MM-DD" (years 1900-2999).
bool is_iso_date(std::string_view text);

}  // namespace huicai::catalog
