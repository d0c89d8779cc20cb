#pragma once
// Collects every field error of a request before answering, so a client fixes its whole form in
// one round trip instead of one field at a time:
//   Validator check;
//   check.require(input.price_fen > 0, "price_fen", "must be positive");
//   check.require(!input.name.empty(), "name", "must not be empty");
//   check.throw_if_any();  // Problem 422 "validation-failed" with errors: [{field, message}]

#include <huicai/core/http/problem.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace huicai {

class Validator {
 public:
  // Records `message` for `field` unless `condition` holds; returns `condition`, so a caller
  // can skip checks that only make sense when this one passed.
  bool require(bool condition, std::string field, std::string message);
  void add(std::string field, std::string message);
  // Records an error unless `value` has `min_chars` to `max_chars` characters: the column it
  // goes to is a VARCHAR(max_chars), which counts characters, not bytes (a 500-character
  // Chinese reason is 1500 bytes and fits; a 501-character one would make MySQL fail the write).
  bool text(std::string field, std::string_view value, std::size_t min_chars,
            std::size_t max_chars);

  bool empty() const { return errors_.empty(); }
  const std::vector<http::FieldError>& errors() const { return errors_; }
  // Throws http::Problem 422 "validation-failed" listing every recorded error, if any.
  void throw_if_any() const;

 private:
  std::vector<http::FieldError> errors_;
};

// Characters (code points) of UTF-8 text, as a utf8mb4 VARCHAR counts them. Request bodies are
// parsed as strict UTF-8, so counting the bytes that do not continue a sequence is exact.
std::size_t utf8_characters(std::string_view text);

// An absolute https:// URL with a host, at most `max_length` bytes, and no blanks, quotes,
// angle brackets, backslashes or control characters: what may be stored as an image or
// evidence link and later put in front of other users (no http://, javascript:, data: ...).
bool is_https_url(std::string_view url, std::size_t max_length = 500);

// Problem 422 "validation-failed": errors as `errors: [{field, message}]`, the first one in
// `detail`. `omitted` counts errors left out of a very long list (reported as
// `errors_omitted`).
http::Problem validation_failed(const std::vector<http::FieldError>& errors,
                                std::size_t omitted = 0);
[[noreturn]] void throw_validation_failed(const std::vector<http::FieldError>& errors,
                                          std::size_t omitted = 0);

}  // namespace huicai
