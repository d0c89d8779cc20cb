// libFuzzer: the body of POST /v1/fulfilments/{id}/accept (验收, partial by quantity or weight)
// through decode_accept_body. Whatever passes has reasons of at most kMaxReasonCharacters
// characters (the VARCHAR they are stored in).
#include <cstdint>

#include "fuzz_body_checks.hpp"
#include "request_bodies.hpp"
#include "text_limits.hpp"

namespace {

using fuzz_support::require;

void valid(const huicai::ordering::AcceptBody& body) {
  for (const auto& line : body.lines) {
    require(fuzz_support::utf8_characters(line.reason.value_or("")) <=
            huicai::ordering::kMaxReasonCharacters);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz_support::decode_and_check(text, huicai::ordering::decode_accept_body, valid);
  return 0;
}
