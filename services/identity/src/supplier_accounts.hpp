#pragma once
// The first staff account of a supplier that applied itself (ADR 0022). Catalog emits
// catalog.supplier_application_approved.v1 when the operator approves such a supplier; this
// consumer creates, in one transaction with its processed-events row (exactly once), an
// account "supplier<id>" holding supplier_staff of that supplier with no usable password, and
// an identity_account_setups row with the set-up secret's hash. The applicant then sets the
// password once with the secret (POST /v1/account-setup, routes_account_setup.cpp).

#include <huicai/core/app/context.hpp>

namespace huicai::mysql {
class Session;
}
namespace huicai::events {
struct ReceivedEvent;
}

namespace huicai::identity {

// The consumer's handler (one event, in the batch's transaction); public for tests.
void create_first_supplier_account(mysql::Session& session, const events::ReceivedEvent& event);

// Starts the consumer of the "catalog" stream (its own Redis connection).
void start_supplier_account_consumer(app::Context& context);

}  // namespace huicai::identity
