#pragma once
// Text checks for user input: UTF-8 validity and lengths counted in characters (code points),
// because a 60-character Chinese title is 180 bytes.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace huicai::catalog {

bool is_valid_utf8(std::string_view text);
// Code points of valid UTF-8 text; nullopt when the text is not valid UTF-8.
std::optional<std::vector<char32_t>> decode_utf8(std::string_view text);
std::size_t character_count(std::string_view valid_utf8);
void append_utf8(std::string& out, char32_t code_point);

}  // namespace huicai::catalog
