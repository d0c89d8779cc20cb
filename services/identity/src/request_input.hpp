#pragma once
// Small readers for path and query parameters shared by the identity routes.

#include <cstdint>
#include <huicai/core/http/message.hpp>
#include <optional>
#include <string>

namespace huicai::identity {

// An id path segment; anything but a positive decimal is 404 (no such object).
std::uint64_t id_path_param(const http::Request& request, std::string_view name);
// An optional positive integer query parameter; a bad value is 422 naming the parameter.
std::optional<std::uint64_t> id_query_param(const http::Request& request, std::string_view name);
// `limit`: default 50, 1..200 else 422 (page-size cap).
std::size_t page_limit(const http::Request& request);
// An RFC 3339 UTC time "2026-11-28T13:45:00Z" (fraction allowed) as MySQL DATETIME text; a bad
// value is 422 naming the parameter.
std::optional<std::string> time_query_param(const http::Request& request, std::string_view name);

inline constexpr std::size_t kDefaultPageSize = 50;
inline constexpr std::size_t kMaxPageSize = 200;

}  // namespace huicai::identity
