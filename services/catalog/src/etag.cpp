#include <cstdio>
#include <huicai/catalog/browse_cursor.hpp>
#include <huicai/catalog/etag.hpp>

namespace huicai::catalog {
namespace {

std::string hex(std::uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}

}  // namespace

std::string content_etag(std::string_view body) {
  return "\"" + hex(fingerprint(body)) + "\"";
}

std::string versioned_content_etag(std::int64_t version, std::string_view body) {
  return "\"v" + std::to_string(version) + "." + hex(fingerprint(body)) + "\"";
}

IfMatchValue parse_if_match(std::string_view header) {
  auto parsed = http::parse_if_match(header);
  if (parsed.kind == IfMatch::version && parsed.version == 0) return {IfMatch::unparseable, 0};
  return parsed;
}

}  // namespace huicai::catalog
