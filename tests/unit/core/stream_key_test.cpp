// Stream keys carry a Redis Cluster hash tag; event ids are UUID v4 text.
#include <catch2/catch.hpp>
#include <huicai/core/events/outbox.hpp>
#include <regex>
#include <set>

TEST_CASE("a stream key wraps the logical stream in a hash tag", "[events]") {
  CHECK(huicai::events::stream_key("ordering") == "huicai:{ordering}:events");
  CHECK(huicai::events::stream_key("catalog") == "huicai:{catalog}:events");
  // Redis Cluster hashes only what is between the first { and the next }: the logical name.
  const auto key = huicai::events::stream_key("identity");
  const auto open = key.find('{');
  const auto close = key.find('}', open);
  CHECK(key.substr(open + 1, close - open - 1) == "identity");
}

TEST_CASE("new_uuid gives distinct random version-4 UUIDs", "[events]") {
  const std::regex uuid_v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 10'000; ++i) {
    auto id = huicai::events::new_uuid();
    REQUIRE(id.size() == 36);
    REQUIRE(std::regex_match(id, uuid_v4));
    seen.insert(id);
  }
  CHECK(seen.size() == 10'000);
}
