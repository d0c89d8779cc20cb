#pragma once
// The money arithmetic of ordering, kept pure so it can be tested exhaustively: how an order's
// total is split over fund sources, how a refund is spread back over them (reverse order of
// use), and what a partially accepted line is still worth. Everything is exact int64 fen.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace huicai::ordering {

// Declared in order of use: a split payment spends the allowance first, the rest personally.
enum class FundSource { allowance, unit_budget, personal };
std::string_view to_string(FundSource source);
std::optional<FundSource> fund_source_from_string(std::string_view text);

// What the buyer asks for; the amounts are always computed here, never sent by the client.
enum class FundPlan {
  personal,                 // employee pays everything through the payment channel
  allowance,                // employee's union welfare allowance covers everything
  allowance_then_personal,  // allowance as far as it goes, the rest personally
  unit_budget,              // unit order charged to the unit's yearly budget
};
std::string_view to_string(FundPlan plan);
std::optional<FundPlan> fund_plan_from_string(std::string_view text);

struct FundShare {
  FundSource source;
  std::int64_t amount_fen = 0;
  friend bool operator==(const FundShare&, const FundShare&) = default;
};

// Splits `total_fen` (> 0) according to the plan. Shares come in order of use and zero shares
// are left out. nullopt when the plan is `allowance` and the allowance does not cover the total.
std::optional<std::vector<FundShare>> split_total(FundPlan plan, std::int64_t total_fen,
                                                  std::int64_t allowance_available_fen);

// Spreads a refund back over the sources in reverse order of use. `refundable` holds, in order
// of use, what each source may still get back (captured minus already refunded). The result
// lists the shares in the order they are refunded, zero shares left out. nullopt when the
// amount is not positive or exceeds what is refundable in total.
std::optional<std::vector<FundShare>> allocate_refund(const std::vector<FundShare>& refundable,
                                                      std::int64_t amount_fen);

// Sum of the shares (checked: nullopt on overflow).
std::optional<std::int64_t> sum_shares(const std::vector<FundShare>& shares);

// What one order line is worth after acceptance (验收). Accept by count (accepted_quantity of
// `quantity` items at the unit price) or by weight (accepted grams of quantity × net weight,
// priced pro rata and rounded down to the fen, so the buyer is never charged for a fraction of a
// fen it did not receive). Exactly one of the two must be given.
struct AcceptanceInput {
  std::optional<std::int64_t> accepted_quantity;
  std::optional<std::int64_t> accepted_weight_grams;
};
struct LineForAcceptance {
  std::int64_t quantity = 0;
  std::int64_t unit_price_fen = 0;
  std::int64_t line_total_fen = 0;
  std::int64_t net_weight_grams = 0;  // per sale unit; 0 when the SKU is not weighed
};
enum class AcceptanceError {
  none,
  neither_or_both,  // give accepted_quantity or accepted_weight_grams, not both or none
  negative,
  more_than_shipped,
  not_weighed,  // weight given for a SKU without a net weight
};
struct AcceptedAmount {
  AcceptanceError error = AcceptanceError::none;
  std::int64_t accepted_amount_fen = 0;
  std::int64_t refund_fen = 0;  // line total minus accepted amount
};
AcceptedAmount accepted_amount(const LineForAcceptance& line, const AcceptanceInput& input);

// Checked line total: unit price × quantity, nullopt on overflow or negative input.
std::optional<std::int64_t> line_total(std::int64_t unit_price_fen, std::int64_t quantity);

}  // namespace huicai::ordering
