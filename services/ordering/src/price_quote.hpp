#pragma once
// What a buyer was shown before ordering: every line's current unit price and total, and a
// price version that changes whenever a line's price, quantity or orderability does. The cart
// shows them (GET /v1/cart); an order may carry the total it showed as expected_total_fen, and
// placement answers 409 "price-changed" with the current quote when the catalog moved since
// (no bait-and-switch: the buyer never pays a price it was not shown).

#include <boost/json/array.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace huicai::ordering {

struct QuotedLine {
  std::int64_t sku_id = 0;
  std::int64_t quantity = 0;
  std::int64_t unit_price_fen = 0;
  std::int64_t line_total_fen = 0;
  bool orderable = true;
};

// "pv1-" and 32 hex digits of SHA-256 over the lines in SKU order.
std::string price_version(const std::vector<QuotedLine>& lines);

// [{sku_id, quantity, unit_price_fen, line_total_fen}], for the 409 problem body.
boost::json::array quoted_lines_json(const std::vector<QuotedLine>& lines);

}  // namespace huicai::ordering
