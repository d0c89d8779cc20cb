// What each ordering event posts to the ledger (see huicai/settlement/ledger.hpp):
//   order_paid           D fund_source (per share)          C payable_unaccepted (per supplier)
//   fulfilment_accepted  D payable_unaccepted               C payable_due   (accepted amount)
//   fulfilment_received  the same, for employee orders (receipt is their acceptance), at the
//                        subtotal less what was refunded before
//   refund_completed     D payable_unaccepted or payable_due C refund (per share)
//                        (a refund after acceptance reduces what is due and goes into a
//                        statement; a partial-acceptance refund is the part never accepted)
// Orders cancelled, expired or rejected were never paid: nothing to post. A late payment's
// refund gives back money for goods never sold (no lines): nothing to post either.
#include <huicai/events/v1/ordering.pb.h>

#include <huicai/core/events/consumer.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/settlement/ledger.hpp>
#include <map>
#include <stdexcept>

namespace huicai::settlement {
namespace {

namespace v1 = huicai::events::v1;

// Business dates (periods, due dates) are China's calendar dates; times are stored in UTC.
constexpr const char* kChinaDate = "DATE(FROM_UNIXTIME(? / 1000000) + INTERVAL 8 HOUR)";

AccountKey fund_account(AccountKind kind, const std::string& source, std::int64_t unit_id) {
  AccountKey key;
  key.kind = kind;
  key.fund_source = source;
  // Personal payments clear through one account; budgets and allowances belong to a unit.
  key.unit_id = source == "personal" ? 0 : unit_id;
  return key;
}

AccountKey supplier_account(AccountKind kind, std::int64_t supplier_id, std::int64_t county_id) {
  AccountKey key;
  key.kind = kind;
  key.supplier_id = supplier_id;
  key.county_id = county_id;
  return key;
}

template <class Message>
Message decode(const events::ReceivedEvent& event) {
  Message message;
  if (!message.ParseFromString(event.payload)) {
    throw std::runtime_error("undecodable " + event.type + " " + event.event_id);
  }
  return message;
}

std::int64_t occurred_us(const events::ReceivedEvent& event, std::int64_t from_payload) {
  return from_payload != 0 ? from_payload : event.occurred_at_us;
}

void post_order_paid(mysql::Session& session, const events::ReceivedEvent& event) {
  const auto order = decode<v1::OrderChanged>(event);
  Posting posting;
  posting.kind = "order_paid";
  posting.reference_id = order.order_id();
  posting.order_id = order.order_id();
  posting.source_event_id = event.event_id;
  posting.description = "order paid (" + order.fund_plan() + ")";
  posting.occurred_at_us = occurred_us(event, order.occurred_at_us());
  for (const auto& share : order.fund_shares()) {
    if (share.amount_fen() == 0) continue;
    posting.entries.push_back(
        {fund_account(AccountKind::fund_source, share.source(), order.unit_id()), Side::debit,
         share.amount_fen()});
  }
  struct Fulfilment {
    std::int64_t supplier_id = 0, county_id = 0, amount_fen = 0;
  };
  std::map<std::int64_t, Fulfilment> fulfilments;
  for (const auto& line : order.lines()) {
    auto& fulfilment = fulfilments[line.fulfilment_id()];
    fulfilment.supplier_id = line.supplier_id();
    fulfilment.county_id = line.county_id();
    fulfilment.amount_fen += line.line_total_fen();
  }
  auto& insert = session.prepare(
      "INSERT IGNORE INTO settlement_fulfilments (fulfilment_id, order_id, supplier_id, "
      "county_id, unit_id, buyer_kind, paid_fen, paid_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, FROM_UNIXTIME(? / 1000000))");
  for (const auto& [fulfilment_id, fulfilment] : fulfilments) {
    if (fulfilment.amount_fen == 0) continue;
    posting.entries.push_back({supplier_account(AccountKind::payable_unaccepted,
                                                fulfilment.supplier_id, fulfilment.county_id),
                               Side::credit, fulfilment.amount_fen});
  }
  if (!post(session, posting)) return;  // posted before (another group, a replay)
  for (const auto& [fulfilment_id, fulfilment] : fulfilments) {
    std::optional<std::int64_t> unit;
    if (order.unit_id() != 0) unit = order.unit_id();
    mysql::bind(insert, fulfilment_id, order.order_id(), fulfilment.supplier_id,
                fulfilment.county_id, unit, order.buyer_kind(), fulfilment.amount_fen,
                posting.occurred_at_us);
    insert.executeUpdate();
  }
}

struct SettlementFulfilment {
  std::int64_t supplier_id = 0, county_id = 0, paid_fen = 0, refunded_unaccepted_fen = 0;
  bool accepted = false;
};

// Acceptances and refunds become statement items in the order of their postings: the recorder
// holds the statement gate in share mode until it commits, so a generation (which takes it
// exclusively before reading its cut-off) never misses a posting below its cut-off. Taken
// before the fulfilment's row lock, in the same order as generation takes its locks.
void hold_statement_gate(mysql::Session& session) {
  auto& gate =
      session.prepare("SELECT id FROM settlement_statement_gate WHERE id = 1 LOCK IN SHARE MODE");
  mysql::query(gate)->next();
}

SettlementFulfilment load_fulfilment(mysql::Session& session, std::int64_t fulfilment_id) {
  auto& select = session.prepare(
      "SELECT supplier_id, county_id, paid_fen, refunded_unaccepted_fen, accepted_at IS NOT NULL "
      "AS accepted FROM settlement_fulfilments WHERE fulfilment_id = ? FOR UPDATE");
  mysql::bind(select, fulfilment_id);
  auto row = mysql::query(select);
  // The order_paid event of the same order comes first on the stream; until it is applied the
  // event stays pending and is retried.
  if (!row->next()) {
    throw std::runtime_error("fulfilment " + std::to_string(fulfilment_id) +
                             " not paid in the ledger yet");
  }
  return {row->getInt64("supplier_id"), row->getInt64("county_id"), row->getInt64("paid_fen"),
          row->getInt64("refunded_unaccepted_fen"), row->getInt("accepted") == 1};
}

// The id of the posting of a fact posted before (a replay under another consumer group).
std::int64_t posting_id(mysql::Session& session, const std::string& kind,
                        std::int64_t reference_id) {
  auto& select =
      session.prepare("SELECT id FROM settlement_postings WHERE kind = ? AND reference_id = ?");
  mysql::bind(select, kind, reference_id);
  auto row = mysql::query(select);
  if (!row->next()) throw std::runtime_error("posting " + kind + " missing");
  return row->getInt64("id");
}

void post_acceptance(mysql::Session& session, const events::ReceivedEvent& event,
                     const v1::FulfilmentChanged& change, std::int64_t accepted_fen,
                     int default_due_days) {
  const auto fulfilment = load_fulfilment(session, change.fulfilment_id());
  if (fulfilment.accepted) return;  // applied before
  const std::int64_t at_us = occurred_us(event, change.occurred_at_us());
  // Nothing accepted: nothing becomes due, no posting, no statement item (no recording order).
  std::optional<std::int64_t> seq;
  if (accepted_fen != 0) {
    Posting posting;
    posting.kind = "acceptance";
    posting.reference_id = change.fulfilment_id();
    posting.order_id = change.order_id();
    posting.fulfilment_id = change.fulfilment_id();
    posting.source_event_id = event.event_id;
    posting.description = change.buyer_kind() == "unit" ? "accepted" : "received";
    posting.occurred_at_us = at_us;
    posting.entries = {
        {supplier_account(AccountKind::payable_unaccepted, fulfilment.supplier_id,
                          fulfilment.county_id),
         Side::debit, accepted_fen},
        {supplier_account(AccountKind::payable_due, fulfilment.supplier_id, fulfilment.county_id),
         Side::credit, accepted_fen}};
    seq = post(session, posting);
    if (!seq) seq = posting_id(session, "acceptance", change.fulfilment_id());
  }
  auto& update = session.prepare(std::string("UPDATE settlement_fulfilments SET accepted_fen = ?, "
                                             "accepted_at = FROM_UNIXTIME(? / 1000000), "
                                             "accepted_seq = ?, due_date = ") +
                                 kChinaDate +
                                 " + INTERVAL COALESCE((SELECT t.due_days FROM "
                                 "settlement_supplier_classes c JOIN settlement_payment_terms t "
                                 "ON t.supplier_class = c.supplier_class WHERE c.supplier_id = "
                                 "settlement_fulfilments.supplier_id), ?) DAY WHERE "
                                 "fulfilment_id = ? AND accepted_at IS NULL");
  // Due: the terms of the supplier's class (routes_payment_terms.cpp), else the default.
  mysql::bind(update, accepted_fen, at_us, seq, at_us, default_due_days, change.fulfilment_id());
  update.executeUpdate();
}

void post_refund(mysql::Session& session, const events::ReceivedEvent& event) {
  const auto refund = decode<v1::RefundCompleted>(event);
  if (refund.lines_size() == 0 || refund.fulfilment_id() == 0) return;  // nothing was sold
  hold_statement_gate(session);
  const auto fulfilment = load_fulfilment(session, refund.fulfilment_id());
  const bool after_acceptance = fulfilment.accepted && refund.reason_kind() != "partial_acceptance";
  Posting posting;
  posting.kind = "refund";
  posting.reference_id = refund.refund_id();
  posting.order_id = refund.order_id();
  posting.fulfilment_id = refund.fulfilment_id();
  posting.source_event_id = event.event_id;
  posting.description = "refund (" + refund.reason_kind() + ")";
  posting.occurred_at_us = occurred_us(event, refund.occurred_at_us());
  std::int64_t lines_fen = 0;
  for (const auto& line : refund.lines()) lines_fen += line.amount_fen();
  if (lines_fen > 0) {
    posting.entries.push_back({supplier_account(after_acceptance ? AccountKind::payable_due
                                                                 : AccountKind::payable_unaccepted,
                                                fulfilment.supplier_id, fulfilment.county_id),
                               Side::debit, lines_fen});
  }
  for (const auto& share : refund.fund_shares()) {
    if (share.amount_fen() == 0) continue;
    posting.entries.push_back({fund_account(AccountKind::refund, share.source(), refund.unit_id()),
                               Side::credit, share.amount_fen()});
  }
  const auto seq = post(session, posting);
  if (!seq) return;
  auto& insert = session.prepare(
      "INSERT INTO settlement_refunds (refund_id, order_id, fulfilment_id, supplier_id, "
      "county_id, reason_kind, amount_fen, after_acceptance, occurred_at, seq) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, FROM_UNIXTIME(? / 1000000), ?)");
  mysql::bind(insert, refund.refund_id(), refund.order_id(), refund.fulfilment_id(),
              fulfilment.supplier_id, fulfilment.county_id, refund.reason_kind(), lines_fen,
              after_acceptance, posting.occurred_at_us, *seq);
  insert.executeUpdate();
  if (!after_acceptance) {
    auto& update = session.prepare(
        "UPDATE settlement_fulfilments SET refunded_unaccepted_fen = refunded_unaccepted_fen + ? "
        "WHERE fulfilment_id = ?");
    mysql::bind(update, lines_fen, refund.fulfilment_id());
    update.executeUpdate();
  }
}

}  // namespace

void post_ordering_event(mysql::Session& session, const events::ReceivedEvent& event,
                         int payment_due_days) {
  if (event.type == "ordering.order_paid.v1") {
    post_order_paid(session, event);
  } else if (event.type == "ordering.fulfilment_accepted.v1") {
    const auto change = decode<v1::FulfilmentChanged>(event);
    hold_statement_gate(session);
    post_acceptance(session, event, change, change.accepted_fen(), payment_due_days);
  } else if (event.type == "ordering.fulfilment_received.v1") {
    const auto change = decode<v1::FulfilmentChanged>(event);
    if (change.buyer_kind() != "employee") return;  // unit orders settle on acceptance
    hold_statement_gate(session);
    const auto fulfilment = load_fulfilment(session, change.fulfilment_id());
    post_acceptance(session, event, change,
                    fulfilment.paid_fen - fulfilment.refunded_unaccepted_fen, payment_due_days);
  } else if (event.type == "ordering.refund_completed.v1") {
    post_refund(session, event);
  }
}

}  // namespace huicai::settlement
