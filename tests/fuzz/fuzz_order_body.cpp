// libFuzzer: the body of POST /v1/orders through decode_place_order_body (parse, refusal of
// client amounts, decode, validation). Whatever passes must be an order the placement can take:
// lines or from_cart (not both), 1 to kMaxOrderLines lines of positive SKUs and quantities in
// range, a known fund plan, no client amount other than a non-negative expected total.
#include <cstdint>
#include <huicai/ordering/fund_math.hpp>

#include "fuzz_body_checks.hpp"
#include "place_order.hpp"
#include "request_bodies.hpp"

namespace {

using fuzz_support::require;
using huicai::ordering::PlaceOrderBody;

void valid(const PlaceOrderBody& body) {
  require(huicai::ordering::fund_plan_from_string(body.fund_plan).has_value());
  if (body.from_cart.value_or(false)) {
    require(!body.lines.has_value());
  } else {
    require(body.lines.has_value());
    require(!body.lines->empty() && body.lines->size() <= huicai::ordering::kMaxOrderLines);
    for (const auto& line : *body.lines) {
      require(line.sku_id > 0);
      require(line.quantity > 0 && line.quantity <= huicai::ordering::kMaxLineQuantity);
    }
  }
  if (body.expected_total_fen) require(*body.expected_total_fen >= 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz_support::decode_and_check(text, huicai::ordering::decode_place_order_body, valid);
  return 0;
}
