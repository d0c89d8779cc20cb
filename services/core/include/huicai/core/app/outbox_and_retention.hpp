#pragma once
// The background work every service that owns an outbox runs beside its own: the outbox relay
// ("<service>-outbox-relay") and one retention pass ("<service>-retention", docs/adr/0032) over
// its published outbox rows (HUICAI_OUTBOX_RETENTION_DAYS) and, when it takes Idempotency-Keys,
// its key table (HUICAI_IDEMPOTENCY_RETENTION_DAYS), every HUICAI_RETENTION_SWEEP_INTERVAL_MS.

#include <string>

namespace huicai::app {

class Context;

struct OwnedTables {
  std::string service;           // "ordering": names the loops
  std::string outbox;            // "ordering_outbox"
  std::string producer;          // the relay's producer name, carried by every event
  std::string idempotency_keys;  // "ordering_idempotency_keys"; "" when the service has none
};

void start_outbox_and_retention(Context& context, const OwnedTables& tables);

}  // namespace huicai::app
