#include <algorithm>
#include <array>
#include <huicai/core/money.hpp>
#include <huicai/ordering/fund_math.hpp>
#include <utility>

namespace huicai::ordering {

// 128-bit intermediate for amount x weight products that can exceed int64 (a GCC/Clang
// extension; __extension__ keeps -Wpedantic quiet).
__extension__ using WideInteger = __int128;
namespace {

constexpr std::array<std::pair<FundSource, std::string_view>, 3> kSourceNames{{
    {FundSource::allowance, "allowance"},
    {FundSource::unit_budget, "unit_budget"},
    {FundSource::personal, "personal"},
}};

constexpr std::array<std::pair<FundPlan, std::string_view>, 4> kPlanNames{{
    {FundPlan::personal, "personal"},
    {FundPlan::allowance, "allowance"},
    {FundPlan::allowance_then_personal, "allowance_then_personal"},
    {FundPlan::unit_budget, "unit_budget"},
}};

}  // namespace

std::string_view to_string(FundSource source) {
  for (const auto& [value, name] : kSourceNames) {
    if (value == source) return name;
  }
  return "unknown";
}

std::optional<FundSource> fund_source_from_string(std::string_view text) {
  for (const auto& [value, name] : kSourceNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

std::string_view to_string(FundPlan plan) {
  for (const auto& [value, name] : kPlanNames) {
    if (value == plan) return name;
  }
  return "unknown";
}

std::optional<FundPlan> fund_plan_from_string(std::string_view text) {
  for (const auto& [value, name] : kPlanNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

std::optional<std::vector<FundShare>> split_total(FundPlan plan, std::int64_t total_fen,
                                                  std::int64_t allowance_available_fen) {
  if (total_fen <= 0) return std::nullopt;
  std::vector<FundShare> shares;
  switch (plan) {
    case FundPlan::personal:
      shares.push_back({FundSource::personal, total_fen});
      break;
    case FundPlan::unit_budget:
      shares.push_back({FundSource::unit_budget, total_fen});
      break;
    case FundPlan::allowance:
      if (allowance_available_fen < total_fen) return std::nullopt;
      shares.push_back({FundSource::allowance, total_fen});
      break;
    case FundPlan::allowance_then_personal: {
      const std::int64_t from_allowance =
          std::clamp<std::int64_t>(allowance_available_fen, 0, total_fen);
      if (from_allowance > 0) shares.push_back({FundSource::allowance, from_allowance});
      if (total_fen - from_allowance > 0) {
        shares.push_back({FundSource::personal, total_fen - from_allowance});
      }
      break;
    }
  }
  return shares;
}

std::optional<std::int64_t> sum_shares(const std::vector<FundShare>& shares) {
  Money sum;
  for (const auto& share : shares) {
    auto next = sum.plus(Money::from_fen(share.amount_fen));
    if (!next) return std::nullopt;
    sum = *next;
  }
  return sum.fen();
}

std::optional<std::vector<FundShare>> allocate_refund(const std::vector<FundShare>& refundable,
                                                      std::int64_t amount_fen) {
  if (amount_fen <= 0) return std::nullopt;
  auto available = sum_shares(refundable);
  if (!available || *available < amount_fen) return std::nullopt;
  std::vector<FundShare> result;
  std::int64_t left = amount_fen;
  for (auto it = refundable.rbegin(); it != refundable.rend() && left > 0; ++it) {
    const std::int64_t take = std::min(left, std::max<std::int64_t>(it->amount_fen, 0));
    if (take > 0) {
      result.push_back({it->source, take});
      left -= take;
    }
  }
  return result;
}

std::optional<std::int64_t> line_total(std::int64_t unit_price_fen, std::int64_t quantity) {
  if (unit_price_fen < 0 || quantity < 0) return std::nullopt;
  auto total = Money::from_fen(unit_price_fen).times(quantity);
  if (!total) return std::nullopt;
  return total->fen();
}

AcceptedAmount accepted_amount(const LineForAcceptance& line, const AcceptanceInput& input) {
  AcceptedAmount result;
  if (input.accepted_quantity.has_value() == input.accepted_weight_grams.has_value()) {
    result.error = AcceptanceError::neither_or_both;
    return result;
  }
  if (input.accepted_quantity) {
    const std::int64_t accepted = *input.accepted_quantity;
    if (accepted < 0) {
      result.error = AcceptanceError::negative;
      return result;
    }
    if (accepted > line.quantity) {
      result.error = AcceptanceError::more_than_shipped;
      return result;
    }
    // accepted <= quantity, so this cannot exceed the (already checked) line total.
    result.accepted_amount_fen = line.unit_price_fen * accepted;
  } else {
    const std::int64_t grams = *input.accepted_weight_grams;
    if (line.net_weight_grams <= 0) {
      result.error = AcceptanceError::not_weighed;
      return result;
    }
    if (grams < 0) {
      result.error = AcceptanceError::negative;
      return result;
    }
    const WideInteger shipped_grams = static_cast<WideInteger>(line.net_weight_grams) * line.quantity;
    if (grams > shipped_grams) {
      result.error = AcceptanceError::more_than_shipped;
      return result;
    }
    // Pro rata in 128 bits, rounded down: line_total × grams / shipped_grams <= line_total.
    result.accepted_amount_fen = static_cast<std::int64_t>(
        static_cast<WideInteger>(line.line_total_fen) * grams / shipped_grams);
  }
  result.refund_fen = line.line_total_fen - result.accepted_amount_fen;
  return result;
}

}  // namespace huicai::ordering
