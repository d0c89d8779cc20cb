// Accounts and balanced postings: the only code that writes settlement_entries.
#include <chrono>
#include <huicai/core/business_clock.hpp>
#include <huicai/core/mysql/after_commit.hpp>
#include <huicai/core/mysql/placeholders.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/settlement/ledger.hpp>
#include <limits>
#include <stdexcept>

#include "account_ids.hpp"

namespace huicai::settlement {

std::string_view to_string(AccountKind kind) {
  switch (kind) {
    case AccountKind::fund_source:
      return "fund_source";
    case AccountKind::refund:
      return "refund";
    case AccountKind::payable_unaccepted:
      return "payable_unaccepted";
    case AccountKind::payable_due:
      return "payable_due";
    case AccountKind::payout:
      return "payout";
  }
  return "unknown";
}

std::string AccountKey::code() const {
  switch (kind) {
    case AccountKind::fund_source:
    case AccountKind::refund: {
      std::string code = (kind == AccountKind::fund_source ? "fund:" : "refund:") + fund_source;
      if (unit_id != 0) code += ":unit:" + std::to_string(unit_id);
      return code;
    }
    case AccountKind::payable_unaccepted:
    case AccountKind::payable_due:
    case AccountKind::payout:
      return std::string(to_string(kind)) + ":supplier:" + std::to_string(supplier_id);
  }
  return "unknown";
}

bool is_balanced(const std::vector<Entry>& entries) {
  if (entries.size() < 2) return false;
  std::int64_t debits = 0;
  std::int64_t credits = 0;
  for (const auto& entry : entries) {
    if (entry.amount_fen <= 0) return false;
    std::int64_t& sum = entry.side == Side::debit ? debits : credits;
    if (sum > std::numeric_limits<std::int64_t>::max() - entry.amount_fen) return false;
    sum += entry.amount_fen;
  }
  return debits == credits;
}

std::int64_t account_id(mysql::Session& session, const AccountKey& key) {
  const std::string code = key.code();
  auto& ids = AccountIds::process();
  if (auto known = ids.find(code)) return *known;
  auto& select = session.prepare("SELECT id FROM settlement_accounts WHERE code = ?");
  mysql::bind(select, code);
  if (auto row = mysql::query(select); row->next()) {
    const std::int64_t id = row->getInt64("id");
    ids.seen(code, id);
    return id;
  }
  auto& insert = session.prepare(
      "INSERT IGNORE INTO settlement_accounts (code, kind, fund_source, unit_id, supplier_id, "
      "county_id) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
  auto optional = [](std::int64_t value) {
    return value == 0 ? std::optional<std::int64_t>{} : std::optional<std::int64_t>{value};
  };
  std::optional<std::string> source;
  if (!key.fund_source.empty()) source = key.fund_source;
  mysql::bind(insert, code, to_string(key.kind), source, optional(key.unit_id),
              optional(key.supplier_id), optional(key.county_id));
  if (auto inserted = mysql::query(insert); inserted->next()) {
    const std::int64_t id = inserted->getInt64("id");
    ids.inserting(code);
    mysql::after_commit(session, [code, id] { AccountIds::process().committed(code, id); });
    return id;
  }
  // Ignored: another transaction created it meanwhile (and committed, or we would still wait).
  mysql::bind(select, code);
  auto row = mysql::query(select);
  if (!row->next()) throw std::runtime_error("settlement account not created: " + code);
  const std::int64_t id = row->getInt64("id");
  ids.seen(code, id);
  return id;
}

std::optional<std::int64_t> post(mysql::Session& session, const Posting& posting) {
  if (!is_balanced(posting.entries)) {
    throw std::logic_error("unbalanced posting " + posting.kind + " " +
                           std::to_string(posting.reference_id));
  }
  auto& insert = session.prepare(
      "INSERT IGNORE INTO settlement_postings (kind, reference_id, order_id, fulfilment_id, "
      "source_event_id, reverses_posting_id, description, occurred_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, FROM_UNIXTIME(? / 1000000)) RETURNING id");
  std::optional<std::string> event_id;
  if (!posting.source_event_id.empty()) event_id = posting.source_event_id;
  mysql::bind(insert, posting.kind, posting.reference_id, posting.order_id, posting.fulfilment_id,
              event_id, posting.reverses_posting_id, posting.description.substr(0, 255),
              posting.occurred_at_us);
  auto inserted = mysql::query(insert);
  if (!inserted->next()) return std::nullopt;  // posted before
  const std::int64_t posting_id = inserted->getInt64("id");
  inserted.reset();
  std::vector<std::int64_t> accounts;
  accounts.reserve(posting.entries.size());
  for (const auto& entry : posting.entries) accounts.push_back(account_id(session, entry.account));
  // Every entry of the posting in one multi-row INSERT, in the posting's order.
  auto& entry_insert = session.prepare(
      "INSERT INTO settlement_entries (posting_id, account_id, side, amount_fen, supplier_id, "
      "county_id) VALUES " +
      mysql::repeated("(?, ?, ?, ?, ?, ?)", ", ", posting.entries.size()));
  int index = 1;
  for (std::size_t i = 0; i < posting.entries.size(); ++i) {
    const auto& entry = posting.entries[i];
    std::optional<std::int64_t> supplier, county;
    if (entry.account.supplier_id != 0) supplier = entry.account.supplier_id;
    if (entry.account.county_id != 0) county = entry.account.county_id;
    mysql::bind_one(entry_insert, index++, posting_id);
    mysql::bind_one(entry_insert, index++, accounts[i]);
    mysql::bind_one(entry_insert, index++, std::string(1, static_cast<char>(entry.side)));
    mysql::bind_one(entry_insert, index++, entry.amount_fen);
    mysql::bind_one(entry_insert, index++, supplier);
    mysql::bind_one(entry_insert, index++, county);
  }
  entry_insert.executeUpdate();
  return posting_id;
}

std::optional<std::int64_t> reverse_posting(mysql::Session& session, std::int64_t posting_id,
                                            const std::string& reason) {
  auto& select = session.prepare(
      "SELECT p.order_id, p.fulfilment_id, e.side, e.amount_fen, a.kind, a.fund_source, "
      "a.unit_id, a.supplier_id, a.county_id FROM settlement_postings p "
      "JOIN settlement_entries e ON e.posting_id = p.id "
      "JOIN settlement_accounts a ON a.id = e.account_id WHERE p.id = ? ORDER BY e.id");
  mysql::bind(select, posting_id);
  auto rows = mysql::query(select);
  Posting reversal;
  reversal.kind = "reversal";
  reversal.reference_id = posting_id;
  reversal.reverses_posting_id = posting_id;
  reversal.description = reason;
  reversal.occurred_at_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                business_clock::now().time_since_epoch())
                                .count();
  while (rows->next()) {
    reversal.order_id = mysql::get_optional_int64(*rows, "order_id");
    reversal.fulfilment_id = mysql::get_optional_int64(*rows, "fulfilment_id");
    Entry entry;
    const std::string kind = mysql::get_string(*rows, "kind");
    for (auto candidate :
         {AccountKind::fund_source, AccountKind::refund, AccountKind::payable_unaccepted,
          AccountKind::payable_due, AccountKind::payout}) {
      if (to_string(candidate) == kind) entry.account.kind = candidate;
    }
    entry.account.fund_source = mysql::get_optional_string(*rows, "fund_source").value_or("");
    entry.account.unit_id = mysql::get_optional_int64(*rows, "unit_id").value_or(0);
    entry.account.supplier_id = mysql::get_optional_int64(*rows, "supplier_id").value_or(0);
    entry.account.county_id = mysql::get_optional_int64(*rows, "county_id").value_or(0);
    entry.side = mysql::get_string(*rows, "side") == "D" ? Side::credit : Side::debit;
    entry.amount_fen = rows->getInt64("amount_fen");
    reversal.entries.push_back(std::move(entry));
  }
  if (reversal.entries.empty()) throw std::invalid_argument("no such posting");
  return post(session, reversal);
}

}  // namespace huicai::settlement
