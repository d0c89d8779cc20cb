#include "request_input.hpp"

#include <charconv>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/validation.hpp>
#include <regex>

namespace huicai::identity {

namespace {

std::optional<std::uint64_t> parse_positive(std::string_view text) {
  std::uint64_t value = 0;
  if (text.empty() || text.size() > 19) return std::nullopt;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value == 0) return std::nullopt;
  return value;
}

[[noreturn]] void bad_parameter(std::string_view name, std::string message) {
  throw_validation_failed({http::FieldError{std::string(name), std::move(message)}});
}

}  // namespace

std::uint64_t id_path_param(const http::Request& request, std::string_view name) {
  auto value = parse_positive(request.path_param(name));
  if (!value) throw http::Problem(404, "not-found", "Not found", "no such resource");
  return *value;
}

std::optional<std::uint64_t> id_query_param(const http::Request& request, std::string_view name) {
  auto text = request.query_param(name);
  if (!text) return std::nullopt;
  auto value = parse_positive(*text);
  if (!value) bad_parameter(name, "must be a positive integer");
  return value;
}

std::size_t page_limit(const http::Request& request) {
  auto text = request.query_param("limit");
  if (!text) return kDefaultPageSize;
  auto value = parse_positive(*text);
  if (!value || *value > kMaxPageSize) {
    bad_parameter("limit", "must be between 1 and " + std::to_string(kMaxPageSize));
  }
  return static_cast<std::size_t>(*value);
}

std::optional<std::string> time_query_param(const http::Request& request, std::string_view name) {
  auto text = request.query_param(name);
  if (!text) return std::nullopt;
  static const std::regex kUtcTime(
      R"(^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?Z$)");
  std::smatch match;
  if (!std::regex_match(*text, match, kUtcTime)) {
    bad_parameter(name, "must be a UTC time like 2026-11-28T13:45:00Z");
  }
  const int month = std::stoi(match[2]), day = std::stoi(match[3]), hour = std::stoi(match[4]),
            minute = std::stoi(match[5]), second = std::stoi(match[6]);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    bad_parameter(name, "is not a valid time");
  }
  return match[1].str() + "-" + match[2].str() + "-" + match[3].str() + " " + match[4].str() + ":" +
         match[5].str() + ":" + match[6].str() + match[7].str();
}

}  // namespace huicai::identity
