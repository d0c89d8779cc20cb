#include "price_quote.hpp"

#include <sodium.h>

#include <algorithm>
#include <boost/json/object.hpp>

namespace huicai::ordering {

std::string price_version(const std::vector<QuotedLine>& lines) {
  // In SKU order, so the cart (in the order items were added) and the order (in SKU order)
  // give the same version for the same quote.
  auto sorted = lines;
  std::sort(sorted.begin(), sorted.end(),
            [](const QuotedLine& a, const QuotedLine& b) { return a.sku_id < b.sku_id; });
  std::string text;
  for (const auto& line : sorted) {
    text += std::to_string(line.sku_id) + ":" + std::to_string(line.quantity) + ":" +
            std::to_string(line.unit_price_fen) + ":" + (line.orderable ? "1" : "0") + ";";
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[33];
  sodium_bin2hex(hex, sizeof hex, digest, 16);
  return "pv1-" + std::string(hex, 32);
}

boost::json::array quoted_lines_json(const std::vector<QuotedLine>& lines) {
  boost::json::array array;
  for (const auto& line : lines) {
    array.push_back(boost::json::object{{"sku_id", line.sku_id},
                                        {"quantity", line.quantity},
                                        {"unit_price_fen", line.unit_price_fen},
                                        {"line_total_fen", line.line_total_fen}});
  }
  return array;
}

}  // namespace huicai::ordering
