#pragma once
// Placeholder lists for statements with one placeholder, or one group of them, per item (IN
// lists, multi-row VALUES). They are padded to a power of two items, so a connection's statement
// cache holds a handful of texts rather than one per count; pad with a repeat of the last item
// only where repeating it changes nothing (IN lists, UNION, upserts that set the same values or
// add zero).
#include <cstddef>
#include <string>
#include <string_view>

namespace huicai::mysql {

inline std::size_t padded_size(std::size_t count) {
  std::size_t size = 1;
  while (size < count) size *= 2;
  return size;
}

// `count` copies of `item` joined by `separator`: repeated("?", ", ", 3) is "?, ?, ?".
inline std::string repeated(std::string_view item, std::string_view separator, std::size_t count) {
  std::string text;
  text.reserve(count * (item.size() + separator.size()));
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) text += separator;
    text += item;
  }
  return text;
}

}  // namespace huicai::mysql
