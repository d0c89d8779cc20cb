#pragma once
// Balances of the non-channel fund sources (union allowance, unit budget) and the ledger of
// every movement of an order's money, per source. Each balance change is one conditional
// UPDATE (never read-then-write) plus one ordering_fund_movements row, in the caller's
// transaction. Personal money lives at the payment channel; its movements are recorded here too.

#include <cstdint>
#include <huicai/ordering/fund_math.hpp>
#include <optional>
#include <string_view>

namespace huicai::mysql {
class Session;
}

namespace huicai::ordering {

enum class Movement { hold, capture, release, refund };
std::string_view to_string(Movement movement);

// The balance a source draws on: the buyer's allowance of a year, or the unit's budget.
struct FundAccount {
  std::int64_t buyer_account_id = 0;
  std::optional<std::int64_t> unit_id;
  int year = 0;
};

// What the allowance has available right now, locking its row (FOR UPDATE) so the split
// computed from it stays true until commit. 0 when the employee has no allowance that year.
std::int64_t lock_allowance_available(mysql::Session& session, std::int64_t account_id, int year);

// Applies one movement. A hold that does not fit throws Problem 409 ("allowance-insufficient" or
// "budget-insufficient"); any other movement that does not fit means the books disagree and
// throws std::logic_error (rolled back, answered 500, never half applied).
void move_funds(mysql::Session& session, std::int64_t order_id, const FundAccount& account,
                FundSource source, Movement movement, std::int64_t amount_fen,
                std::optional<std::int64_t> refund_id = std::nullopt);

}  // namespace huicai::ordering
