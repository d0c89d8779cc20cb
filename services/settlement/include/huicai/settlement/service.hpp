#pragma once
// The settlement service: the double-entry ledger fed by ordering's events, supplier statements
// per period with invoices and payouts, the payment-due clock, reconciliation and exports.

#include <huicai/core/app/context.hpp>
#include <huicai/core/events/consumer.hpp>
#include <string>

namespace huicai::settlement {

inline constexpr std::string_view kOutboxTable = "settlement_outbox";
inline constexpr std::string_view kProducer = "settlement";
// Payouts' Idempotency-Keys with their stored answers.
inline constexpr std::string_view kIdempotencyTable = "settlement_idempotency_keys";
inline constexpr std::string_view kLedgerGroup = "settlement-ledger";

void register_service(app::Context& context, http::Router& router);
app::ServiceEntry service_entry();

// The ledger's consumer of the ordering stream: its options (group `group`, this process's
// name, the four event types it posts) and its batch handler (post_ordering_event for each event
// of a batch, with the configured payment-due days, in one transaction).
events::ConsumerOptions ledger_consumer_options(std::string group = std::string(kLedgerGroup));
events::BatchHandler ledger_handler(const Config& config);

}  // namespace huicai::settlement
