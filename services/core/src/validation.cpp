// Validator and the one shape of "validation-failed" problems, shared with the JSON decoder.
#include <boost/json/value.hpp>
#include <huicai/core/validation.hpp>

namespace huicai {

bool Validator::require(bool condition, std::string field, std::string message) {
  if (!condition) {
    add(std::move(field), std::move(message));
  }
  return condition;
}

void Validator::add(std::string field, std::string message) {
  errors_.push_back({std::move(field), std::move(message)});
}

void Validator::throw_if_any() const {
  if (!errors_.empty()) {
    throw_validation_failed(errors_);
  }
}

http::Problem validation_failed(const std::vector<http::FieldError>& errors, std::size_t omitted) {
  std::string detail;
  if (!errors.empty()) {
    const auto& first = errors.front();
    detail = first.field.empty() ? first.message : first.field + ": " + first.message;
    const std::size_t others = errors.size() - 1 + omitted;
    if (others > 0) {
      detail += " (and " + std::to_string(others) + " more)";
    }
  }
  http::Problem problem(422, "validation-failed", "The request is not valid", std::move(detail));
  problem.with_field_errors(errors);
  if (omitted > 0) {
    problem.with("errors_omitted", static_cast<std::uint64_t>(omitted));
  }
  return problem;
}

void throw_validation_failed(const std::vector<http::FieldError>& errors, std::size_t omitted) {
  throw validation_failed(errors, omitted);
}

}  // namespace huicai
