#include "http/url_decoding.hpp"

namespace huicai::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      const char byte = static_cast<char>(high * 16 + low);
      if (byte == '\0') return std::nullopt;
      decoded.push_back(byte);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      decoded.push_back(' ');
    } else {
      decoded.push_back(c);
    }
  }
  return decoded;
}

std::optional<SplitTarget> split_target(std::string_view target) {
  if (target.empty() || target.front() != '/') return std::nullopt;
  const auto question = target.find('?');
  const auto raw_path = target.substr(0, question);
  auto path = percent_decode(raw_path, false);
  if (!path) return std::nullopt;
  SplitTarget split;
  split.path = std::move(*path);
  if (question != std::string_view::npos) split.query = std::string(target.substr(question + 1));
  return split;
}

}  // namespace huicai::http
