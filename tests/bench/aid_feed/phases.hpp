#pragma once
// The phases of aid_feed_bench (tests/bench/aid_feed_latency.sh runs them in turn). Each prints
// one JSON line of results on stdout and returns the exit code.
#include <cstdint>
#include <string>

namespace huicai::bench {

// Places `orders` paid-for-later orders through the API on `port` and writes their intents.
int prepare(std::uint16_t port, const std::string& sku_file, std::size_t orders,
            std::uint64_t first_account, const std::string& out_file);

struct FeedRun {
  std::uint16_t port = 0;
  std::size_t subscribers = 1000;
  std::size_t slow = 0;  // of them, subscribers that stop reading after their snapshot
  double rate = 200;     // payment callbacks a second
  std::string intents;   // prepare's output
  std::string run;       // names this run's channel event ids
  double drain_seconds = 15;
};
// Payment callback sent -> the feed frame reflecting it, received by every subscriber.
int feed(const FeedRun& run);

struct FanoutRun {
  std::uint16_t port = 0;  // Redis
  std::string user, password;
  std::size_t subscribers = 1000;
  double rate = 200;
  std::size_t messages = 4000;
  std::size_t payload_bytes = 1000;
  double drain_seconds = 15;
};
// The baseline: Redis PUBLISH -> every SUBSCRIBEd connection, same fan-out and rate.
int redis_fanout(const FanoutRun& run);

}  // namespace huicai::bench
