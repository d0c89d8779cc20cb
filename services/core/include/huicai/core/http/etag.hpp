#pragma once
// Entity tags for optimistic concurrency, shared by every service. A resource with a version
// column answers `ETag: "v<version>"` and takes it back in If-Match on writes: 412 when the
// resource changed since (the answer carries the current tag), 428 when the write requires
// If-Match and none came. Catalog products and ordering's stock use it.

#include <cstdint>
#include <huicai/core/http/message.hpp>
#include <huicai/core/http/problem.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace huicai::http {

std::string version_etag(std::int64_t version);  // "\"v7\""

enum class IfMatch { absent, version, unparseable };
struct IfMatchValue {
  IfMatch kind = IfMatch::absent;
  std::int64_t version = 0;
};
// Reads an If-Match header of one tag: "v7" or "v7.<anything>", weak or strong. "v0" is a
// version (a row never changed since it was created); callers whose versions start at 1 refuse it.
IfMatchValue parse_if_match(std::string_view header);
// True when If-None-Match lists the tag (weak comparison) or is "*".
bool if_none_match_hits(std::string_view header, std::string_view etag);
// "W/\"x\"" and "\"x\"" -> "x" (surrounding blanks dropped).
std::string_view opaque_tag(std::string_view tag);

// The version the request's If-Match names; Problem 428 "precondition-required" when there is
// none, 412 "precondition-failed" when it is not a tag this API issues.
std::int64_t required_if_match_version(const Request& request);
// Problem 412 "precondition-failed" naming the current tag (body `current_etag`, header ETag).
Problem stale_version(std::int64_t current_version);

}  // namespace huicai::http
