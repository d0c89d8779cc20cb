// libFuzzer: the body of POST /v1/orders/{id}/after-sales through decode_after_sale_body.
// Whatever passes is a full request without an amount or a partial one with a positive amount,
// with a reason of 1 to kMaxReasonCharacters characters and at most kMaxEvidenceUrls https URLs.
#include <cstdint>

#include "fuzz_body_checks.hpp"
#include "request_bodies.hpp"
#include "text_limits.hpp"

namespace {

using fuzz_support::require;
namespace ordering = huicai::ordering;

void valid(const ordering::AfterSaleBody& body) {
  if (body.kind == "partial") {
    require(body.amount_fen.has_value() && *body.amount_fen > 0);
  } else {
    require(body.kind == "full" && !body.amount_fen.has_value());
  }
  const auto characters = fuzz_support::utf8_characters(body.reason);
  require(characters >= 1 && characters <= ordering::kMaxReasonCharacters);
  const auto urls = body.evidence_urls.value_or(std::vector<std::string>{});
  require(urls.size() <= ordering::kMaxEvidenceUrls);
  for (const auto& url : urls) {
    require(url.rfind("https://", 0) == 0 && url.size() <= ordering::kMaxEvidenceUrlBytes);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz_support::decode_and_check(text, ordering::decode_after_sale_body, valid);
  return 0;
}
