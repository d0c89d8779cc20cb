#include <boost/json/string.hpp>
#include <charconv>
#include <huicai/core/http/etag.hpp>

namespace huicai::http {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string_view opaque_tag(std::string_view tag) {
  tag = trim(tag);
  if (tag.starts_with("W/")) tag.remove_prefix(2);
  if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') {
    tag = tag.substr(1, tag.size() - 2);
  }
  return tag;
}

std::string version_etag(std::int64_t version) {
  return "\"v" + std::to_string(version) + "\"";
}

IfMatchValue parse_if_match(std::string_view header) {
  header = trim(header);
  if (header.empty()) return {};
  std::string_view tag = opaque_tag(header);
  if (!tag.starts_with("v")) return {IfMatch::unparseable, 0};
  tag.remove_prefix(1);
  const auto dot = tag.find('.');
  if (dot != std::string_view::npos) tag = tag.substr(0, dot);
  std::int64_t version = 0;
  const auto result = std::from_chars(tag.data(), tag.data() + tag.size(), version);
  if (tag.empty() || result.ec != std::errc{} || result.ptr != tag.data() + tag.size() ||
      version < 0) {
    return {IfMatch::unparseable, 0};
  }
  return {IfMatch::version, version};
}

bool if_none_match_hits(std::string_view header, std::string_view etag) {
  header = trim(header);
  if (header.empty()) return false;
  if (header == "*") return true;
  const std::string_view wanted = opaque_tag(etag);
  std::size_t start = 0;
  while (start <= header.size()) {
    const auto comma = header.find(',', start);
    const auto item =
        header.substr(start, comma == std::string_view::npos ? header.npos : comma - start);
    if (opaque_tag(item) == wanted) return true;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return false;
}

std::int64_t required_if_match_version(const Request& request) {
  const auto parsed = parse_if_match(request.header("if-match"));
  switch (parsed.kind) {
    case IfMatch::version:
      return parsed.version;
    case IfMatch::absent:
      throw Problem(428, "precondition-required", "Precondition required",
                    "send If-Match with the ETag of the resource as you read it, like \"v3\"");
    case IfMatch::unparseable:
      break;
  }
  throw Problem(412, "precondition-failed", "Precondition failed",
                "If-Match must carry an ETag this API issued, like \"v3\"");
}

Problem stale_version(std::int64_t current_version) {
  Problem problem(412, "precondition-failed", "Precondition failed",
                  "the resource changed since it was read (If-Match does not match)");
  problem.with("current_etag", boost::json::string(version_etag(current_version)))
      .with_header("ETag", version_etag(current_version));
  return problem;
}

}  // namespace huicai::http
