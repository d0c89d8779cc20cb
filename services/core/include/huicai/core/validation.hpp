#pragma once
// Collects every field error of a request before answering, so a client fixes its whole form in
// one round trip instead of one field at a time:
//   Validator check;
//   check.require(input.price_fen > 0, "price_fen", "must be positive");
//   check.require(!input.name.empty(), "name", "must not be empty");
//   check.throw_if_any();  // Problem 422 "validation-failed" with errors: [{field, message}]

#include <huicai/core/http/problem.hpp>
#include <string>
#include <vector>

namespace huicai {

class Validator {
 public:
  // Records `message` for `field` unless `condition` holds; returns `condition`, so a caller
  // can skip checks that only make sense when this one passed.
  bool require(bool condition, std::string field, std::string message);
  void add(std::string field, std::string message);

  bool empty() const { return errors_.empty(); }
  const std::vector<http::FieldError>& errors() const { return errors_; }
  // Throws http::Problem 422 "validation-failed" listing every recorded error, if any.
  void throw_if_any() const;

 private:
  std::vector<http::FieldError> errors_;
};

// Problem 422 "validation-failed": errors as `errors: [{field, message}]`, the first one in
// `detail`. `omitted` counts errors left out of a very long list (reported as
// `errors_omitted`).
http::Problem validation_failed(const std::vector<http::FieldError>& errors,
                                std::size_t omitted = 0);
[[noreturn]] void throw_validation_failed(const std::vector<http::FieldError>& errors,
                                          std::size_t omitted = 0);

}  // namespace huicai
