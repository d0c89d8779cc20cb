// libFuzzer: a Redis stream entry as a consumer reads it (XREADGROUP reply) through
// decode_read and decode_entry: the protobuf Envelope in field "e" and the envelope check.
// Anyone who can XADD can put any bytes there; the decoder must never crash or throw, and it
// must hand over an event exactly when the envelope passes the check.
//
// Input: the first byte picks the shape; with bit 0 set the rest is the value of field "e",
// otherwise the rest, split at NUL bytes, is the entry's field/value list as written. Bit 1 makes
// a second, deleted entry (nil fields) follow; bit 2 adds a nil reply element.
#include <cstdint>
#include <cstdlib>
#include <huicai/core/events/envelope_check.hpp>
#include <string>
#include <string_view>

#include "events/stream_entry.hpp"

namespace {

using huicai::redis::Reply;

void require(bool condition) {
  if (!condition) std::abort();
}

Reply text(std::string value) {
  Reply reply;
  reply.type = Reply::Type::string;
  reply.text = std::move(value);
  return reply;
}

Reply array(std::vector<Reply> elements) {
  Reply reply;
  reply.type = Reply::Type::array;
  reply.elements = std::move(elements);
  return reply;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t shape = data[0];
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);

  std::vector<Reply> fields;
  if (shape & 1) {
    fields = {text("e"), text(std::string(rest))};
  } else {
    std::size_t start = 0;
    while (start <= rest.size()) {
      const auto end = rest.find('\0', start);
      const auto piece =
          rest.substr(start, end == std::string_view::npos ? rest.npos : end - start);
      fields.push_back(text(std::string(piece)));
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
  }
  std::vector<Reply> entries{array({text("1700000000000-0"), array(std::move(fields))})};
  if (shape & 2) entries.push_back(array({text("1700000000000-1"), Reply{}}));
  if (shape & 4) entries.push_back(Reply{});

  for (const auto& entry : entries) {
    const auto decoded = huicai::events::decode_entry(entry);
    require(decoded.event.has_value() == decoded.problem.empty());
    if (decoded.event) {
      require(!decoded.event->event_id.empty());
      require(decoded.event->stream_entry_id == decoded.id);
      require(huicai::events::envelope_problem(*decoded.event).empty());
    }
  }
  const auto read = huicai::events::decode_read(
      array({array({text("huicai:{ordering}"), array(std::move(entries))})}));
  require(read.size() == (shape & 2 ? 2u : 1u) + (shape & 4 ? 1u : 0u));
  return 0;
}
