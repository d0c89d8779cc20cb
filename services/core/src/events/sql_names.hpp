#pragma once
// Outbox and processed-events table names come from service code, not from users, but they are
// spliced into SQL text (a placeholder cannot name a table): refuse anything but [a-z0-9_].

#include <chrono>
#include <string>
#include <string_view>

namespace huicai::events {

// Returns `name` or throws std::invalid_argument naming `what`.
std::string checked_table_name(std::string_view name, std::string_view what);

// A time as UTC DATETIME(6) text, "2026-11-28 14:03:07.123456".
std::string utc_datetime(std::chrono::system_clock::time_point at);

}  // namespace huicai::events
