// The feed's fan-out: every subscriber starts with a snapshot; updates reach every subscriber;
// one that is behind gets the latest amounts merged into one frame; one that stops reading is
// dropped after max_behind updates while the others get every update.
#include <catch2/catch.hpp>
#include <huicai/aidstats/feed_hub.hpp>
#include <memory>
#include <string>
#include <vector>

using namespace huicai::aidstats;

namespace {

FeedUpdate update(std::int64_t seq, std::int64_t total_fen, std::string county = "1",
                  std::int64_t county_fen = 0) {
  FeedUpdate u;
  u.seq = seq;
  u.values[TotalKey{"total", "", ""}] = total_fen;
  if (county_fen) u.values[TotalKey{"county", "", county}] = county_fen;
  return u;
}

struct Probe {
  int wakes = 0;
  int aborts = 0;
};

}  // namespace

TEST_CASE("feed hub: snapshot first, then shared update frames", "[aidstats][feed]") {
  FeedHub hub;
  Probe probe;
  auto subscriber = hub.subscribe([&] { ++probe.wakes; }, [&] { ++probe.aborts; });
  auto first = hub.take(*subscriber);
  CHECK(first.kind == FeedHub::NextKind::snapshot);
  hub.sent(*subscriber);
  CHECK(hub.take(*subscriber).kind == FeedHub::NextKind::idle);

  hub.publish(update(7, 1000));
  CHECK(probe.wakes == 1);
  auto next = hub.take(*subscriber);
  REQUIRE(next.kind == FeedHub::NextKind::frame);
  CHECK(
      *next.frame ==
      R"({"type":"update","seq":7,"total_fen":1000,"changes":[{"dimension":"total","period":"","item":"","amount_fen":1000}]})");
  hub.sent(*subscriber);
  CHECK(probe.aborts == 0);
}

TEST_CASE("feed hub: a subscriber that is behind gets the latest state in one frame",
          "[aidstats][feed]") {
  FeedHub hub;
  auto subscriber = hub.subscribe([] {}, [] {});
  hub.take(*subscriber);  // the snapshot, still being written
  hub.publish(update(1, 100, "5", 100));
  hub.publish(update(2, 250, "6", 150));
  hub.publish(update(3, 300, "5", 150));
  hub.sent(*subscriber);
  auto next = hub.take(*subscriber);
  REQUIRE(next.kind == FeedHub::NextKind::frame);
  // seq 3's total and county 5, county 6 from seq 2: every row at its latest amount.
  CHECK(
      *next.frame ==
      R"({"type":"update","seq":3,"total_fen":300,"changes":[{"dimension":"county","period":"","item":"5","amount_fen":150},{"dimension":"county","period":"","item":"6","amount_fen":150},{"dimension":"total","period":"","item":"","amount_fen":300}]})");
}

TEST_CASE("feed hub: subscribers not woken between two updates share one merged frame",
          "[aidstats][feed]") {
  FeedHub hub;
  std::vector<std::shared_ptr<FeedHub::Subscriber>> subscribers;
  for (int i = 0; i < 3; ++i) {
    subscribers.push_back(hub.subscribe([] {}, [] {}));
    hub.take(*subscribers.back());  // the snapshot
    hub.sent(*subscribers.back());
  }
  hub.publish(update(1, 100, "5", 100));
  hub.publish(update(2, 250, "6", 150));  // none of them took seq 1 yet
  std::vector<std::shared_ptr<const std::string>> frames;
  for (const auto& subscriber : subscribers) {
    auto next = hub.take(*subscriber);
    REQUIRE(next.kind == FeedHub::NextKind::frame);
    frames.push_back(next.frame);
  }
  CHECK(
      *frames[0] ==
      R"({"type":"update","seq":2,"total_fen":250,"changes":[{"dimension":"county","period":"","item":"5","amount_fen":100},{"dimension":"county","period":"","item":"6","amount_fen":150},{"dimension":"total","period":"","item":"","amount_fen":250}]})");
  // Encoded once: the same buffer for all three.
  CHECK(frames[1] == frames[0]);
  CHECK(frames[2] == frames[0]);
}

TEST_CASE("feed hub: a subscriber that stops reading is dropped, the others get every update",
          "[aidstats][feed]") {
  FeedHub hub(FeedHubOptions{3, std::chrono::minutes(1)});
  Probe slow_probe, fast_probe;
  auto slow = hub.subscribe([&] { ++slow_probe.wakes; }, [&] { ++slow_probe.aborts; });
  auto fast = hub.subscribe([&] { ++fast_probe.wakes; }, [&] { ++fast_probe.aborts; });
  for (auto* s : {slow.get(), fast.get()}) {
    hub.take(*s);
    hub.sent(*s);
  }
  hub.publish(update(1, 10));
  CHECK(hub.take(*slow).kind == FeedHub::NextKind::frame);  // written, never finished
  std::vector<std::int64_t> fast_seen;
  for (std::int64_t seq = 1; seq <= 10; ++seq) {
    if (seq > 1) hub.publish(update(seq, seq * 10));
    auto next = hub.take(*fast);
    REQUIRE(next.kind == FeedHub::NextKind::frame);
    fast_seen.push_back(seq);
    hub.sent(*fast);
  }
  CHECK(fast_seen.size() == 10);
  CHECK(fast_probe.aborts == 0);
  CHECK(slow_probe.aborts == 1);  // after its 4th update behind, once
  CHECK(hub.dropped() == 1);
  CHECK(hub.take(*slow).kind == FeedHub::NextKind::dropped);
}

TEST_CASE("feed hub: a resync gives every subscriber a fresh snapshot", "[aidstats][feed]") {
  FeedHub hub;
  auto subscriber = hub.subscribe([] {}, [] {});
  hub.take(*subscriber);
  hub.sent(*subscriber);
  hub.publish(update(1, 10));
  hub.resync();
  CHECK(hub.take(*subscriber).kind == FeedHub::NextKind::snapshot);
  hub.sent(*subscriber);
  CHECK(hub.take(*subscriber).kind == FeedHub::NextKind::idle);
}

TEST_CASE("feed channel messages round-trip and malformed ones are refused", "[aidstats][feed]") {
  Totals values{{TotalKey{"county", "", "3"}, 25'200'000'000},
                {TotalKey{"total", "2026-12-06", ""}, 42}};
  const auto text = "{\"seq\":12" + channel_message_tail(values);
  auto parsed = parse_channel_message(text);
  REQUIRE(parsed);
  CHECK(parsed->seq == 12);
  CHECK(parsed->values == values);
  CHECK_FALSE(parse_channel_message("{\"seq\":1,\"changes\":[[\"county\",\"\",\"3\",1.5]]}"));
  CHECK_FALSE(parse_channel_message("not json"));
  FeedHub hub;
  CHECK_FALSE(hub.publish_channel_message("{\"changes\":[]}"));
}
