#pragma once
// What every request-body fuzz target checks: a decoder may only ever throw http::Problem 400 or
// 422, and that problem's body must itself be valid JSON (error paths quote client keys).
// Anything else (another exception, a crash, UB) is a finding.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdlib>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/json.hpp>
#include <string>
#include <string_view>

namespace fuzz_support {

inline void require(bool condition) {
  if (!condition) std::abort();
}

// Code points of UTF-8 text (bytes that do not continue a sequence): counted here rather than
// with the validator's own function, so a bug there cannot hide itself.
inline std::size_t utf8_characters(std::string_view text) {
  std::size_t count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

inline void check_problem(const huicai::http::Problem& problem) {
  require(problem.status() == 400 || problem.status() == 422);
  const auto response = problem.to_response("/fuzz", "fuzz");
  boost::json::error_code error;
  const auto body = boost::json::parse(response.body, error);
  require(!error && body.is_object());
}

// Decodes `text` with `decode`; whatever decodes is checked by `valid`, then encoded and decoded
// again, which must succeed and give the same JSON (a validated body stays valid).
template <typename Decode, typename Valid>
void decode_and_check(std::string_view text, Decode decode, Valid valid) {
  try {
    const auto body = decode(text);
    valid(body);
    const std::string encoded = boost::json::serialize(huicai::encode_json(body));
    const auto again = decode(encoded);
    require(boost::json::serialize(huicai::encode_json(again)) == encoded);
  } catch (const huicai::http::Problem& problem) {
    check_problem(problem);
  }
}

}  // namespace fuzz_support
