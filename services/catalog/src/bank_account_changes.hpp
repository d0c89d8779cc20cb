#pragma once
// SQL for a supplier's bank account under four eyes (db/migrations/0208): entering an account
// files a pending change; an operator or finance other than the requester confirms it, which
// copies it into catalog_suppliers.bank_* (the confirmed, payable account, published to
// settlement as the view catalog_supplier_payout_account), or rejects it. Every transition is
// a compare-and-set on the change's status.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <huicai/core/mysql/pool.hpp>
#include <optional>
#include <string>

namespace huicai::catalog {

struct BankAccount {
  std::optional<std::string> bank_name;
  std::optional<std::string> account_name;
  std::optional<std::string> account_number;
};

struct BankChange {
  std::int64_t id = 0;
  std::int64_t supplier_id = 0;
  BankAccount account;
  std::string status;
  std::optional<std::int64_t> requested_by;
  std::string requested_at;
  std::optional<std::int64_t> decided_by;
  std::optional<std::string> decided_at;
  std::optional<std::string> decision_reason;
};

// Files `account` as the supplier's pending change, superseding a pending one. The caller has
// locked the supplier row (its UPDATE or INSERT), so two requests queue. Returns the change.
BankChange request_bank_change(mysql::Session& session, std::int64_t supplier_id,
                               const BankAccount& account, std::int64_t requested_by);

std::optional<BankChange> find_bank_change(mysql::Session& session, std::int64_t supplier_id,
                                           std::int64_t change_id);
std::optional<BankChange> pending_bank_change(mysql::Session& session, std::int64_t supplier_id);
boost::json::array list_bank_changes(mysql::Session& session, std::int64_t supplier_id,
                                     bool show_number, std::int64_t after_id, int limit);

// pending -> confirmed / rejected, by `decider`; false when the change is not pending any more
// (the compare-and-set changed nothing). Confirming also writes the account into the supplier.
bool confirm_bank_change(mysql::Session& session, const BankChange& change, std::int64_t decider);
bool reject_bank_change(mysql::Session& session, const BankChange& change, std::int64_t decider,
                        const std::string& reason);

// Writes a confirmed account straight into the supplier: only for the demo loader, whose data
// is reviewed as code.
void set_confirmed_bank_account(mysql::Session& session, std::int64_t supplier_id,
                                const BankAccount& account);

// The change as JSON; the number masked unless `show_number` (finance).
boost::json::object bank_change_json(const BankChange& change, bool show_number);

}  // namespace huicai::catalog
