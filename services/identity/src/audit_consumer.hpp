#pragma once
// Audit entries of the other services (huicai/core/audit.hpp) arrive as audit.recorded.v1
// events on their streams; identity consumes them into identity_audit_log so auditors query
// one log. Idempotent twice over: the consumer's processed-events row, and the log's unique
// source_event_id.

#include <huicai/core/app/context.hpp>
#include <string>
#include <vector>

namespace huicai::identity {

// The streams audit entries come from: every service but identity itself.
std::vector<std::string> audited_streams();

// Starts one background consumer per stream (each on its own Redis connection).
void start_audit_consumers(app::Context& context);

}  // namespace huicai::identity
