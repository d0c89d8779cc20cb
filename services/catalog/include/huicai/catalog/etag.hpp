#pragma once
// Entity tags. A product's tag is "v<version>.<hash>": the version (bumped by every write of
// the product or its SKUs) is what If-Match compares, so a client may send back the tag of a
// GET or of a write response; the content hash makes If-None-Match notice changes that do not
// touch the product row (a supplier-wide certification, a renamed county). Lists carry a plain
// content hash.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace huicai::catalog {

std::string version_etag(std::int64_t version);                                   // "\"v7\""
std::string content_etag(std::string_view body);                                  // "\"<16 hex>\""
std::string versioned_content_etag(std::int64_t version, std::string_view body);  // "\"v7.<hex>\""

enum class IfMatch { absent, version, unparseable };
struct IfMatchValue {
  IfMatch kind = IfMatch::absent;
  std::int64_t version = 0;
};
// Reads an If-Match header of one tag: "v7", "v7.<hex>", weak or strong.
IfMatchValue parse_if_match(std::string_view header);
// True when If-None-Match lists the tag (weak comparison) or is "*".
bool if_none_match_hits(std::string_view header, std::string_view etag);

}  // namespace huicai::catalog
