#pragma once
// Settlement's double-entry ledger: accounts, balanced postings, and the function that turns one
// ordering event into its posting (post_ordering_event), applied by the consumer in the same
// transaction as the event's processed-events row.
//
// Accounts (settlement_accounts):
//   fund_source         per source ("unit_budget", "allowance": per unit; "personal": one
//                       clearing account): debited with what the order paid from it
//   refund              per source like fund_source: credited with what was given back to it
//   payable_unaccepted  per supplier (with its county): credited when an order is paid, until the
//                       goods are accepted (unit orders) or received (employee orders)
//   payable_due         per supplier: what the supplier is owed for accepted goods
//   payout              per supplier: credited when finance pays a statement
// Money is int64 fen; every posting's debits equal its credits (checked before anything is
// written); entries are never changed: a correction is a reversing posting.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace huicai::mysql {
class Session;
}
namespace huicai::events {
struct ReceivedEvent;
}

namespace huicai::settlement {

enum class AccountKind { fund_source, refund, payable_unaccepted, payable_due, payout };
std::string_view to_string(AccountKind kind);

struct AccountKey {
  AccountKind kind = AccountKind::fund_source;
  std::string fund_source;  // fund_source and refund accounts
  std::int64_t unit_id = 0;
  std::int64_t supplier_id = 0;
  std::int64_t county_id = 0;
  // The account's unique code, e.g. "fund:unit_budget:unit:17", "payable_due:supplier:5".
  std::string code() const;
};

enum class Side : char { debit = 'D', credit = 'C' };

struct Entry {
  AccountKey account;
  Side side = Side::debit;
  std::int64_t amount_fen = 0;
};

struct Posting {
  std::string kind;  // order_paid | acceptance | refund | payout | reversal
  std::int64_t reference_id = 0;
  std::optional<std::int64_t> order_id;
  std::optional<std::int64_t> fulfilment_id;
  std::string source_event_id;  // "" when not from an event
  std::optional<std::int64_t> reverses_posting_id;
  std::string description;
  std::int64_t occurred_at_us = 0;
  std::vector<Entry> entries;
};

// Σ debits = Σ credits, every amount positive, at least two entries, no overflow.
bool is_balanced(const std::vector<Entry>& entries);

// Writes the posting and its entries. Throws std::logic_error when it does not balance (nothing
// written). Returns the posting id, or nullopt when a posting of this (kind, reference_id)
// exists already: the same fact is never posted twice.
std::optional<std::int64_t> post(mysql::Session& session, const Posting& posting);

// The account's id, created on first use.
std::int64_t account_id(mysql::Session& session, const AccountKey& key);

// Applies one ordering event: order_paid, fulfilment_received (employee orders),
// fulfilment_accepted (unit orders), refund_completed; every other type is a no-op. Runs inside
// the consumer's transaction; posting nothing twice even when the event comes again under
// another consumer group. Throws on an event it cannot balance (the event stays pending).
// An acceptance is due after the days of the supplier's class (settlement_payment_terms), or
// `payment_due_days` when the supplier has no class with terms.
void post_ordering_event(mysql::Session& session, const events::ReceivedEvent& event,
                         int payment_due_days);

// Posts a reversal of `posting_id` (every entry on the other side), for corrections. Returns the
// new posting id, or nullopt when it was reversed before.
std::optional<std::int64_t> reverse_posting(mysql::Session& session, std::int64_t posting_id,
                                            const std::string& reason);

}  // namespace huicai::settlement
