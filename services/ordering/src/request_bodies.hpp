#pragma once
// The JSON bodies of the ordering routes that move goods and money (order placement, acceptance,
// after-sales request), decoded and checked for everything that does not need the database or
// the caller: a bad body is a 400/422 problem here, before any transaction starts. Kept apart
// from the route files so the decoders can be exercised on their own (tests/fuzz).

#include <boost/describe/class.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace huicai::ordering {

struct OrderLineInput {
  std::int64_t sku_id = 0;
  std::int64_t quantity = 0;
};
BOOST_DESCRIBE_STRUCT(OrderLineInput, (), (sku_id, quantity))

struct PlaceOrderBody {
  std::optional<std::vector<OrderLineInput>> lines;
  std::optional<bool> from_cart;
  std::string fund_plan;
  std::optional<std::string> note;
  std::optional<std::int64_t> expected_total_fen;
};
BOOST_DESCRIBE_STRUCT(PlaceOrderBody, (), (lines, from_cart, fund_plan, note, expected_total_fen))

// Parses, refuses client-supplied amounts (except expected_total_fen), decodes and validates
// lines, fund plan and note. Throws http::Problem.
PlaceOrderBody decode_place_order_body(std::string_view body);

struct AcceptLineBody {
  std::int64_t line_id = 0;
  std::optional<std::int64_t> accepted_quantity;
  std::optional<std::int64_t> accepted_weight_grams;
  std::optional<std::string> reason;
};
BOOST_DESCRIBE_STRUCT(AcceptLineBody, (),
                      (line_id, accepted_quantity, accepted_weight_grams, reason))
struct AcceptBody {
  std::vector<AcceptLineBody> lines;  // lines not listed are accepted in full
};
BOOST_DESCRIBE_STRUCT(AcceptBody, (), (lines))

// Decodes an acceptance and checks the length of every reason. Throws http::Problem.
AcceptBody decode_accept_body(std::string_view body);

struct AfterSaleBody {
  std::int64_t fulfilment_id = 0;
  std::string kind;                        // "full" or "partial"
  std::optional<std::int64_t> amount_fen;  // partial only: what the buyer asks back
  std::string reason;
  std::optional<std::vector<std::string>> evidence_urls;
};
BOOST_DESCRIBE_STRUCT(AfterSaleBody, (), (fulfilment_id, kind, amount_fen, reason, evidence_urls))

// Decodes an after-sales request and checks kind, amount, reason and evidence URLs. Throws
// http::Problem.
AfterSaleBody decode_after_sale_body(std::string_view body);

}  // namespace huicai::ordering
