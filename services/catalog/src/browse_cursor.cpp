// Cursor encoding: "c1|sort|key|id|filters" in base64url. The version prefix lets the format
// change without misreading old cursors.
#include <charconv>
#include <huicai/catalog/browse_cursor.hpp>
#include <vector>

namespace huicai::catalog {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto at = text.find(separator, start);
    parts.push_back(text.substr(start, at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return parts;
}

template <class Integer>
bool parse_integer(std::string_view text, Integer& out) {
  const auto result = std::from_chars(text.data(), text.data() + text.size(), out);
  return result.ec == std::errc{} && result.ptr == text.data() + text.size() && !text.empty();
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 0x3F];
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const auto index = kAlphabet.find(c);
    if (index == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(index);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

std::uint64_t fingerprint(std::string_view bytes) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string encode_cursor(const BrowseCursor& cursor) {
  return base64url_encode("c1|" + cursor.sort + "|" + cursor.key + "|" + std::to_string(cursor.id) +
                          "|" + std::to_string(cursor.filters));
}

std::optional<BrowseCursor> decode_cursor(std::string_view text) {
  if (text.empty() || text.size() > 256) return std::nullopt;
  const auto raw = base64url_decode(text);
  if (!raw) return std::nullopt;
  const auto parts = split(*raw, '|');
  if (parts.size() != 5 || parts[0] != "c1") return std::nullopt;
  BrowseCursor cursor;
  cursor.sort = std::string(parts[1]);
  cursor.key = std::string(parts[2]);
  if (!parse_integer(parts[3], cursor.id) || cursor.id <= 0) return std::nullopt;
  if (!parse_integer(parts[4], cursor.filters)) return std::nullopt;
  // The key goes into SQL as a bound parameter; still accept only what we produce.
  for (char c : cursor.key) {
    const bool ok = (c >= '0' && c <= '9') || c == '-' || c == ' ' || c == ':' || c == '.';
    if (!ok) return std::nullopt;
  }
  return cursor;
}

}  // namespace huicai::catalog
