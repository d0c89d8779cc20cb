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

bool Validator::text(std::string field, std::string_view value, std::size_t min_chars,
                     std::size_t max_chars) {
  const auto length = utf8_characters(value);
  if (length < min_chars) {
    add(std::move(field), min_chars <= 1
                              ? "must not be empty"
                              : "must be at least " + std::to_string(min_chars) + " characters");
    return false;
  }
  if (length > max_chars) {
    add(std::move(field), "must be at most " + std::to_string(max_chars) + " characters (got " +
                              std::to_string(length) + ")");
    return false;
  }
  return true;
}

std::size_t utf8_characters(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

bool is_https_url(std::string_view url, std::size_t max_length) {
  constexpr std::string_view kScheme = "https://";
  if (url.size() > max_length || !url.starts_with(kScheme)) return false;
  for (const char c : url) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7F) return false;  // controls and blanks
    if (c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\' || c == '`') return false;
  }
  // A host: something before the first '/', '?' or '#' after the scheme, not starting with '@'
  // or ':' (no user-info-only or port-only authority).
  const auto rest = url.substr(kScheme.size());
  const auto host_end = rest.find_first_of("/?#");
  const auto authority = rest.substr(0, host_end);
  return !authority.empty() && authority.front() != '@' && authority.front() != ':' &&
         authority.front() != '.';
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
