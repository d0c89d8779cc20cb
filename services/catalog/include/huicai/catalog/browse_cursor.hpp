#pragma once
// Keyset pagination cursors for browse. A cursor holds the sort, the last row's sort key and id,
// and a fingerprint of the filters, so it cannot be replayed against another query. It is
// opaque to clients (base64url), and because it names a position rather than an offset, rows
// inserted meanwhile never shift a page: nothing is skipped or repeated.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace huicai::catalog {

struct BrowseCursor {
  std::string sort;           // "price_asc", "price_desc", "newest", "sales"
  std::string key;            // the last row's sort value as text (an integer or a timestamp)
  std::int64_t id = 0;        // the last row's product id (the tie breaker)
  std::uint64_t filters = 0;  // fingerprint of the filters of the query that made it
};

std::string encode_cursor(const BrowseCursor& cursor);
std::optional<BrowseCursor> decode_cursor(std::string_view text);

std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);
// FNV-1a 64: a fast, stable fingerprint (not a security boundary).
std::uint64_t fingerprint(std::string_view bytes);

}  // namespace huicai::catalog
