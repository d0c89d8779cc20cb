#include "request_bodies.hpp"

#include <huicai/core/http/problem.hpp>
#include <huicai/core/json.hpp>
#include <huicai/core/validation.hpp>
#include <huicai/ordering/fund_math.hpp>

#include "place_order.hpp"
#include "text_limits.hpp"

namespace huicai::ordering {
namespace {

// The one amount a client may send: the total it showed the buyer, which the server compares
// with its own (409 "price-changed" when they differ); it never sets a price.
constexpr std::string_view kExpectedTotalKey = "expected_total_fen";

// Prices and amounts come from the catalog, never from the client: a body that tries to send
// one is refused outright rather than silently ignored.
bool looks_like_amount(std::string_view key) {
  for (std::string_view word : {"price", "amount", "total", "_fen", "cost"}) {
    if (key.find(word) != std::string_view::npos) return true;
  }
  return false;
}

void reject_client_amounts(const boost::json::value& body) {
  std::vector<http::FieldError> errors;
  auto check = [&](const boost::json::object& object, const std::string& prefix) {
    for (const auto& [key, value] : object) {
      if (looks_like_amount(key)) {
        errors.push_back({prefix + std::string(key), "prices and amounts are set by the server"});
      }
    }
  };
  if (!body.is_object()) return;
  boost::json::object top = body.as_object();
  top.erase(kExpectedTotalKey);
  check(top, "");
  if (const auto* lines = body.as_object().if_contains("lines"); lines && lines->is_array()) {
    for (std::size_t i = 0; i < lines->as_array().size(); ++i) {
      const auto& line = lines->as_array()[i];
      if (line.is_object()) check(line.as_object(), "lines[" + std::to_string(i) + "].");
    }
  }
  if (!errors.empty()) {
    throw http::Problem(422, "client-supplied-amount", "Prices are not accepted from clients",
                        "remove " + errors.front().field +
                            ": prices and amounts are set by the "
                            "server from the catalog")
        .with_field_errors(errors);
  }
}

}  // namespace

PlaceOrderBody decode_place_order_body(std::string_view text) {
  const auto parsed = json_detail::parse_body(text);
  reject_client_amounts(parsed);
  auto body = decode_json_value<PlaceOrderBody>(parsed);

  Validator check;
  if (body.from_cart.value_or(false)) {
    check.require(!body.lines.has_value(), "lines", "give lines or from_cart, not both");
  } else if (check.require(body.lines.has_value(), "lines", "is required unless from_cart")) {
    check.require(!body.lines->empty() && body.lines->size() <= kMaxOrderLines, "lines",
                  "must have 1 to " + std::to_string(kMaxOrderLines) + " lines");
    for (std::size_t i = 0; i < body.lines->size(); ++i) {
      const auto& line = (*body.lines)[i];
      const std::string at = "lines[" + std::to_string(i) + "].";
      check.require(line.sku_id > 0, at + "sku_id", "must be positive");
      check.require(line.quantity > 0 && line.quantity <= kMaxLineQuantity, at + "quantity",
                    "must be between 1 and " + std::to_string(kMaxLineQuantity));
    }
  }
  check.require(fund_plan_from_string(body.fund_plan).has_value(), "fund_plan",
                "must be personal, allowance, allowance_then_personal or unit_budget");
  check.text("note", body.note.value_or(""), 0, kMaxNoteCharacters);
  if (body.expected_total_fen) {
    check.require(*body.expected_total_fen >= 0, "expected_total_fen",
                  "the total shown to the buyer, in fen (0 or more)");
  }
  check.throw_if_any();
  return body;
}

AcceptBody decode_accept_body(std::string_view text) {
  auto body = decode_json<AcceptBody>(text);
  Validator check;
  for (std::size_t i = 0; i < body.lines.size(); ++i) {
    check.text("lines[" + std::to_string(i) + "].reason", body.lines[i].reason.value_or(""), 0,
               kMaxReasonCharacters);
  }
  check.throw_if_any();
  return body;
}

AfterSaleBody decode_after_sale_body(std::string_view text) {
  auto body = decode_json<AfterSaleBody>(text);
  Validator check;
  check.require(body.kind == "full" || body.kind == "partial", "kind", "must be full or partial");
  if (body.kind == "partial") {
    check.require(body.amount_fen.has_value() && *body.amount_fen > 0, "amount_fen",
                  "a partial refund names a positive amount");
  } else {
    check.require(!body.amount_fen.has_value(), "amount_fen",
                  "a full refund is computed by the server");
  }
  check.text("reason", body.reason, 1, kMaxReasonCharacters);
  const auto urls = body.evidence_urls.value_or(std::vector<std::string>{});
  check.require(urls.size() <= kMaxEvidenceUrls, "evidence_urls",
                "at most " + std::to_string(kMaxEvidenceUrls));
  for (std::size_t i = 0; i < urls.size(); ++i) {
    check.require(
        is_https_url(urls[i], kMaxEvidenceUrlBytes), "evidence_urls[" + std::to_string(i) + "]",
        "must be an https:// URL of at most " + std::to_string(kMaxEvidenceUrlBytes) + " bytes");
  }
  check.throw_if_any();
  return body;
}

}  // namespace huicai::ordering
