#pragma once
// What one paid order adds to the aid totals, as a pure function of the order's facts, so the
// live consumer and the rebuild command compute the very same numbers.
//
// Only lines that were certified aid products when bought count, at their paid amount less what
// was refunded of them (after-sales and partial acceptance). The order's net amount per fund
// source (paid less refunded) splits the certified amount between fund sources, and so between
// direct purchase (unit_budget) and help-sell (allowance, personal): in proportion, rounding
// down, the remaining fen going to the sources in a fixed order. Money is int64 fen.

#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace huicai::aidstats {

// One row of aidstats_totals: dimension, period ('' | YYYY | YYYY-MM | YYYY-Www | YYYY-MM-DD)
// and item (see db/migrations/0501_aidstats_totals.sql).
struct TotalKey {
  std::string dimension;
  std::string period;
  std::string item;
  auto operator<=>(const TotalKey&) const = default;
};
using Totals = std::map<TotalKey, std::int64_t>;

struct CertifiedLine {
  std::int64_t line_id = 0;
  std::int64_t supplier_id = 0;
  std::int64_t county_id = 0;
  std::int64_t category_id = 0;
  std::int64_t net_fen = 0;  // paid amount less refunds
  friend bool operator==(const CertifiedLine&, const CertifiedLine&) = default;
};

// The fund sources in the order their rounding remainder is given out.
inline constexpr std::string_view kFundSources[] = {"unit_budget", "allowance", "personal"};

struct OrderFacts {
  std::int64_t order_id = 0;
  std::string paid_day;  // China's calendar: "YYYY-MM-DD"
  std::int64_t unit_id = 0;
  std::string buyer_kind;
  // Paid less refunded, per source, in kFundSources order.
  std::int64_t budget_net_fen = 0, allowance_net_fen = 0, personal_net_fen = 0;
  std::vector<CertifiedLine> lines;
  friend bool operator==(const OrderFacts&, const OrderFacts&) = default;
};

// "direct" for unit_budget, "help_sell" for an employee's allowance or personal money.
std::string_view purchase_class(std::string_view fund_source);

// The certified net amount split per fund source (kFundSources order); sums to `certified_fen`
// when the net shares cover it. Throws std::invalid_argument when they do not.
std::vector<std::int64_t> split_by_source(std::int64_t certified_fen,
                                          const std::vector<std::int64_t>& net_by_source);

// ISO 8601 week of a date "YYYY-MM-DD", as "YYYY-Www" (the week's own year).
std::string iso_week(std::string_view day);

// Adds the order's contribution to `totals` with `sign` (+1 to add, -1 to take it back).
void add_contribution(Totals& totals, const OrderFacts& order, int sign = 1);

}  // namespace huicai::aidstats
