#pragma once
// Writes what happened to an order: a row in ordering_order_history and an event in
// ordering_outbox, both through the caller's session so they commit (or roll back) with the
// state change itself.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "order_records.hpp"

namespace huicai::mysql {
class Session;
}

namespace huicai::ordering {

inline constexpr std::string_view kOutboxTable = "ordering_outbox";
inline constexpr std::string_view kProducer = "ordering";
// Order placements' and payments' Idempotency-Keys with their stored answers.
inline constexpr std::string_view kIdempotencyTable = "ordering_idempotency_keys";
inline constexpr std::string_view kStream = "ordering";

// Who caused a transition and why; actor 0 is the system (sweeper, payment callback).
struct Actor {
  std::int64_t account_id = 0;
  std::string reason;
  std::string request_id;
};

void record_history(mysql::Session& session, std::int64_t order_id,
                    std::optional<std::int64_t> fulfilment_id, std::string_view from_status,
                    std::string_view to_status, const Actor& actor);

// `name` is the event's short name: "order_placed", "order_paid", ... -> type
// "ordering.<name>.v1". The order must already carry its new status.
void emit_order_changed(mysql::Session& session, const OrderRecord& order, std::string_view name,
                        std::string_view from_status, const Actor& actor);

// Orders just placed (a group written together, or one): their history rows in one INSERT and
// their events (order_placed, and order_paid for an order paid at once) in another.
struct PlacedOrder {
  const OrderRecord* order = nullptr;
  const Actor* actor = nullptr;
};
void record_placements(mysql::Session& session, std::span<const PlacedOrder> placed);

// "fulfilment_shipped", "fulfilment_received", "fulfilment_accepted".
void emit_fulfilment_changed(mysql::Session& session, const OrderRecord& order,
                             const FulfilmentRecord& fulfilment, std::string_view name,
                             std::string_view from_status, const Actor& actor);

struct RefundLineAmount {
  std::int64_t line_id = 0;
  std::int64_t amount_fen = 0;
};
struct RefundForEvent {
  std::int64_t refund_id = 0;
  std::int64_t fulfilment_id = 0;
  std::int64_t after_sale_id = 0;
  std::string reason_kind;
  std::int64_t amount_fen = 0;
  std::vector<FundShare> shares;  // in the order refunded
  std::vector<RefundLineAmount> lines;
};
void emit_refund_completed(mysql::Session& session, const OrderRecord& order,
                           const RefundForEvent& refund, const Actor& actor);

}  // namespace huicai::ordering
