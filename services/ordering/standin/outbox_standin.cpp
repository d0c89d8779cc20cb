// TEMPORARY stand-in for services/core/src/events (being written in parallel), used only in the
// ordering developer build (-DHUICAI_ORDERING_STANDIN_OUTBOX=ON) and never once core has it.
#include <huicai/core/events/outbox.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

#include <sodium.h>

#include <cstdio>

namespace huicai::events {

std::string new_uuid() {
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  char text[37];
  std::snprintf(text, sizeof text,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", bytes[0],
                bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8],
                bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
  return text;
}

std::string stream_key(std::string_view stream) {
  return "huicai:{" + std::string(stream) + "}:events";
}

std::string enqueue(mysql::Session& session, std::string_view outbox_table,
                    std::string_view /*producer*/, const OutgoingEvent& event) {
  const std::string id = new_uuid();
  auto& insert = session.prepare("INSERT INTO " + std::string(outbox_table) +
                                 " (event_id, stream, type, aggregate_id, payload, request_id) "
                                 "VALUES (?, ?, ?, ?, ?, ?)");
  mysql::bind(insert, id, event.stream, event.type, event.aggregate_id, event.payload,
              event.request_id);
  insert.executeUpdate();
  return id;
}

}  // namespace huicai::events
