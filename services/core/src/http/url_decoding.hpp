#pragma once
// Turning a request target into a decoded path and a raw query, without Beast, so the fuzz
// target and the server share one implementation.

#include <optional>
#include <string>
#include <string_view>

namespace huicai::http {

// Decodes %XX escapes (and '+' as space when asked, for query strings). nullopt on a bad escape
// or a decoded NUL, which no legitimate path or parameter contains.
std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space);

struct SplitTarget {
  std::string path;   // decoded
  std::string query;  // raw, without '?'
};
// Accepts origin-form targets only ("/path?query"); nullopt otherwise.
std::optional<SplitTarget> split_target(std::string_view target);

}  // namespace huicai::http
