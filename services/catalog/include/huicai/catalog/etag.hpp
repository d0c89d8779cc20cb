#pragma once
// Entity tags. A product's tag is "v<version>.<hash>": the version (bumped by every write of
// the product or its SKUs) is what If-Match compares, so a client may send back the tag of a
// GET or of a write response; the content hash makes If-None-Match notice changes that do not
// touch the product row (a supplier-wide certification, a renamed county). Lists carry a plain
// content hash. Parsing and the version tags are core's (huicai/core/http/etag.hpp), shared with
// the other services.

#include <cstdint>
#include <huicai/core/http/etag.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace huicai::catalog {

using http::if_none_match_hits;
using http::IfMatch;
using http::IfMatchValue;
using http::version_etag;  // "\"v7\""

std::string content_etag(std::string_view body);                                  // "\"<16 hex>\""
std::string versioned_content_etag(std::int64_t version, std::string_view body);  // "\"v7.<hex>\""

// Core's parse_if_match, except that "v0" is refused: catalog versions start at 1.
IfMatchValue parse_if_match(std::string_view header);

}  // namespace huicai::catalog
