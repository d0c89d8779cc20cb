// The envelope check: the shape our relay always writes (events/outbox.cpp: new_uuid, the
// producer's own stream, "<area>.<event>.v<N>" types, the commit time).
#include <huicai/core/audit.hpp>
#include <huicai/core/events/envelope_check.hpp>

namespace huicai::events {
namespace {

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// 8-4-4-4-12 hex digits.
bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position ? text[i] != '-' : !is_hex(text[i])) return false;
  }
  return true;
}

bool is_name_segment(std::string_view segment) {
  if (segment.empty()) return false;
  for (char c : segment) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// "<area>.<event>.v<N>", lower-case names: "ordering.order_paid.v1", "audit.recorded.v1".
bool is_event_type(std::string_view type) {
  const auto first = type.find('.');
  const auto last = type.rfind('.');
  if (first == std::string_view::npos || first == last) return false;
  const auto version = type.substr(last + 1);
  if (version.size() < 2 || version[0] != 'v') return false;
  for (char c : version.substr(1)) {
    if (c < '0' || c > '9') return false;
  }
  return is_name_segment(type.substr(0, first)) &&
         is_name_segment(type.substr(first + 1, last - first - 1));
}

}  // namespace

std::string envelope_problem(const ReceivedEvent& event,
                             std::chrono::system_clock::time_point now) {
  if (!is_uuid(event.event_id)) return "event id is not a UUID";
  if (!is_name_segment(event.producer)) return "producer is not a service name";
  if (!is_event_type(event.type)) return "type is not <area>.<event>.v<N>";
  // A service publishes its own events, plus the audit entries every service writes.
  const bool own_event = event.type.starts_with(event.producer + ".");
  if (!own_event && event.type != audit::kEventType) return "type is not the producer's";
  const auto latest = std::chrono::duration_cast<std::chrono::microseconds>(
                          (now + kEnvelopeClockSkew).time_since_epoch())
                          .count();
  if (event.occurred_at_us <= 0 || event.occurred_at_us > latest) {
    return "occurred_at is zero or in the future";
  }
  return {};
}

}  // namespace huicai::events
