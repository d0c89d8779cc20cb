#pragma once
// Decoding what XREADGROUP / XAUTOCLAIM return into events: the entry id, the protobuf Envelope
// in field "e", and the envelope check (envelope_check.hpp). Anything that cannot be decoded
// becomes an entry with a problem instead of an event, never an exception; the consumer
// acknowledges and counts those. Kept apart from the consumer so it can be exercised on its own
// (tests/fuzz).

#include <huicai/core/events/consumer.hpp>
#include <huicai/core/redis/client.hpp>
#include <optional>
#include <string>
#include <vector>

namespace huicai::events {

// One stream entry as read: the event, or nullopt when it cannot be decoded (or was deleted).
struct StreamEntry {
  std::string id;
  std::optional<ReceivedEvent> event;
  std::string problem;  // why event is empty
};

// One entry: [id, [field, value, ...]] (nil fields: deleted from the stream).
StreamEntry decode_entry(const redis::Reply& entry);

// Entries of an XREADGROUP reply: nil (nothing arrived) or [[key, [entry...]]].
std::vector<StreamEntry> decode_read(const redis::Reply& reply);

}  // namespace huicai::events
