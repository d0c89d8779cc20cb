#pragma once
// Decoding what XREADGROUP / XAUTOCLAIM return into events: the entry id, the protobuf Envelope
// in field "e", and the envelope check (envelope_check.hpp). The relay also writes the event's
// type in field "t", so a reader skips the events it does not apply without parsing them: every
// consumer of a stream reads every entry, and most are of types it ignores. Anything that cannot be
// decoded becomes an entry with a problem instead of an event, never an exception; the consumer
// acknowledges and counts those. Kept apart from the consumer so it can be exercised on its own
// (tests/fuzz).

#include <huicai/core/events/consumer.hpp>
#include <huicai/core/redis/client.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace huicai::events {

// One stream entry as read: the event, or nullopt when it cannot be decoded (or was deleted).
struct StreamEntry {
  std::string id;
  std::optional<ReceivedEvent> event;
  std::string problem;  // why event is empty
  // Field "t" names a type the reader does not apply: acknowledged unparsed (event and problem
  // empty). Entries without "t" (written before the relay wrote it) are parsed and then judged
  // by the envelope's type.
  bool not_wanted = false;
};

// One entry: [id, [field, value, ...]] (nil fields: deleted from the stream). `wanted_types`:
// the types the reader applies, empty for every type.
StreamEntry decode_entry(const redis::Reply& entry, std::span<const std::string> wanted_types = {});

// Entries of an XREADGROUP reply: nil (nothing arrived) or [[key, [entry...]]].
std::vector<StreamEntry> decode_read(const redis::Reply& reply,
                                     std::span<const std::string> wanted_types = {});

}  // namespace huicai::events
