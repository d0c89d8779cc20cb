#include "events/stream_entry.hpp"

#include <algorithm>
#include <array>
#include <huicai/core/events/envelope_check.hpp>
#include <huicai/core/proto_fields.hpp>

#include "huicai/events/v1/envelope.pb.h"

namespace huicai::events {

using redis::Reply;

namespace {

using Envelope = huicai::events::v1::Envelope;
constexpr std::array<proto::TextField<ReceivedEvent, Envelope>, 6> kEnvelopeTextFields{
    {{&ReceivedEvent::event_id, &Envelope::mutable_event_id},
     {&ReceivedEvent::type, &Envelope::mutable_type},
     {&ReceivedEvent::producer, &Envelope::mutable_producer},
     {&ReceivedEvent::aggregate_id, &Envelope::mutable_aggregate_id},
     {&ReceivedEvent::payload, &Envelope::mutable_payload},
     {&ReceivedEvent::request_id, &Envelope::mutable_request_id}}};

}  // namespace

StreamEntry decode_entry(const Reply& entry, std::span<const std::string> wanted_types) {
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
  const std::string* type = nullptr;
  const std::string* encoded = nullptr;
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
    if (fields[i].text == "t" && !type) type = &fields[i + 1].text;
    if (fields[i].text == "e" && !encoded) encoded = &fields[i + 1].text;
  }
  if (type && !wanted_types.empty() &&
      std::find(wanted_types.begin(), wanted_types.end(), *type) == wanted_types.end()) {
    decoded.not_wanted = true;
    return decoded;
  }
  if (!encoded) {
    decoded.problem = "entry has no field e";
    return decoded;
  }
  Envelope envelope;
  if (!envelope.ParseFromString(*encoded) || envelope.event_id().empty()) {
    decoded.problem = "field e is not an Envelope with an event id";
    return decoded;
  }
  if (type && *type != envelope.type()) {
    decoded.problem = "field t does not name the envelope's type";
    return decoded;
  }
  ReceivedEvent event;
  event.stream_entry_id = decoded.id;
  proto::read_text_fields(envelope, event, kEnvelopeTextFields);
  event.occurred_at_us = envelope.occurred_at_us();
  decoded.problem = envelope_problem(event);
  if (decoded.problem.empty()) decoded.event = std::move(event);
  return decoded;
}

std::vector<StreamEntry> decode_read(const Reply& reply,
                                     std::span<const std::string> wanted_types) {
  std::vector<StreamEntry> entries;
  if (reply.type != Reply::Type::array) return entries;
  for (const auto& stream : reply.elements) {
    if (stream.elements.size() < 2) continue;
    for (const auto& entry : stream.elements[1].elements)
      entries.push_back(decode_entry(entry, wanted_types));
  }
  return entries;
}

}  // namespace huicai::events
