#include <charconv>
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

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// "W/\"x\"" and "\"x\"" -> "x"
std::string_view opaque_part(std::string_view tag) {
  tag = trim(tag);
  if (tag.starts_with("W/")) tag.remove_prefix(2);
  if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') {
    tag = tag.substr(1, tag.size() - 2);
  }
  return tag;
}

}  // namespace

std::string version_etag(std::int64_t version) {
  return "\"v" + std::to_string(version) + "\"";
}

std::string content_etag(std::string_view body) {
  return "\"" + hex(fingerprint(body)) + "\"";
}

std::string versioned_content_etag(std::int64_t version, std::string_view body) {
  return "\"v" + std::to_string(version) + "." + hex(fingerprint(body)) + "\"";
}

IfMatchValue parse_if_match(std::string_view header) {
  header = trim(header);
  if (header.empty()) return {};
  std::string_view tag = opaque_part(header);
  if (!tag.starts_with("v")) return {IfMatch::unparseable, 0};
  tag.remove_prefix(1);
  const auto dot = tag.find('.');
  if (dot != std::string_view::npos) tag = tag.substr(0, dot);
  std::int64_t version = 0;
  const auto result = std::from_chars(tag.data(), tag.data() + tag.size(), version);
  if (result.ec != std::errc{} || result.ptr != tag.data() + tag.size() || version <= 0) {
    return {IfMatch::unparseable, 0};
  }
  return {IfMatch::version, version};
}

bool if_none_match_hits(std::string_view header, std::string_view etag) {
  header = trim(header);
  if (header.empty()) return false;
  if (header == "*") return true;
  const std::string_view wanted = opaque_part(etag);
  std::size_t start = 0;
  while (start <= header.size()) {
    const auto comma = header.find(',', start);
    const auto item =
        header.substr(start, comma == std::string_view::npos ? header.npos : comma - start);
    if (opaque_part(item) == wanted) return true;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return false;
}

}  // namespace huicai::catalog
