#include "events/stream_entry.hpp"

#include <huicai/core/events/envelope_check.hpp>

#include "huicai/events/v1/envelope.pb.h"

namespace huicai::events {

using redis::Reply;

StreamEntry decode_entry(const Reply& entry) {
  StreamEntry decoded;
  if (entry.type != Reply::Type::array || entry.elements.empty()) {
    decoded.problem = "malformed stream entry";
    return decoded;
  }
  decoded.id = entry.elements[0].text;
  if (entry.elements.size() < 2 || entry.elements[1].type != Reply::Type::array) {
    decoded.problem = "entry was deleted from the stream";
    return decoded;
  }
  const auto& fields = entry.elements[1].elements;
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
    if (fields[i].text != "e") continue;
    huicai::events::v1::Envelope envelope;
    if (!envelope.ParseFromString(fields[i + 1].text) || envelope.event_id().empty()) {
      decoded.problem = "field e is not an Envelope with an event id";
      return decoded;
    }
    ReceivedEvent event;
    event.stream_entry_id = decoded.id;
    event.event_id = envelope.event_id();
    event.type = envelope.type();
    event.occurred_at_us = envelope.occurred_at_us();
    event.producer = envelope.producer();
    event.aggregate_id = envelope.aggregate_id();
    event.payload = envelope.payload();
    event.request_id = envelope.request_id();
    decoded.problem = envelope_problem(event);
    if (decoded.problem.empty()) decoded.event = std::move(event);
    return decoded;
  }
  decoded.problem = "entry has no field e";
  return decoded;
}

std::vector<StreamEntry> decode_read(const Reply& reply) {
  std::vector<StreamEntry> entries;
  if (reply.type != Reply::Type::array) return entries;
  for (const auto& stream : reply.elements) {
    if (stream.elements.size() < 2) continue;
    for (const auto& entry : stream.elements[1].elements) entries.push_back(decode_entry(entry));
  }
  return entries;
}

}  // namespace huicai::events
