#pragma once
// Where a test stands in a shared event stream. Other test processes keep appending to the same
// streams, so a replay cannot wait for "a poll found nothing": it waits until its consumer group
// has been handed, and has acknowledged, every entry up to a position taken beforehand.

#include <huicai/core/events/outbox.hpp>
#include <string>
#include <utility>

#include "redis_test_client.hpp"

namespace huicai::test {

// The newest entry id of a logical stream ("0-0" when empty).
inline std::string last_stream_id(RedisTestClient& redis, const std::string& stream) {
  auto reply = redis.must({"XREVRANGE", events::stream_key(stream), "+", "-", "COUNT", "1"});
  if (reply.elements.empty()) return "0-0";
  return reply.elements[0].elements[0].text;
}

// Whether `group` has been handed every entry of `stream` up to `end` and acknowledged them all.
inline bool group_reached(RedisTestClient& redis, const std::string& stream,
                          const std::string& group, const std::string& end) {
  const auto as_pair = [](const std::string& id) {
    const auto dash = id.find('-');
    return std::pair{std::stoull(id.substr(0, dash)), std::stoull(id.substr(dash + 1))};
  };
  auto groups = redis.must({"XINFO", "GROUPS", events::stream_key(stream)});
  for (const auto& fields : groups.elements) {
    std::string name, last_delivered = "0-0";
    long long pending = -1;
    for (std::size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
      const auto& key = fields.elements[i].text;
      const auto& value = fields.elements[i + 1];
      if (key == "name") name = value.text;
      if (key == "last-delivered-id") last_delivered = value.text;
      if (key == "pending") pending = value.integer;
    }
    if (name == group) return pending == 0 && as_pair(last_delivered) >= as_pair(end);
  }
  return false;
}

}  // namespace huicai::test
