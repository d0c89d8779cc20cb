// Helper of tests/bench/aid_feed_latency.sh (not a test), against a running `huicai serve`:
//   aid_feed_bench prepare <port> <sku_file> <orders> <first_account> <intents_file>
//       places the orders the payments will pay (aid_feed/prepare.cpp)
//   aid_feed_bench feed <port> <subscribers> <slow> <rate> <intents_file> <run> [drain_s]
//       payment callback -> WebSocket frame latency at every subscriber (aid_feed/feed.cpp)
//   aid_feed_bench redis <port> <subscribers> <rate> <messages> <payload_bytes> [drain_s]
//       the baseline: Redis PUBLISH -> SUBSCRIBEd connection latency (aid_feed/redis_fanout.cpp)
// Each measuring phase prints one JSON line. Tokens and the callback signature use the
// HUICAI_* settings of the environment (the local stack's development secrets).
#include <exception>
#include <huicai/core/config.hpp>
#include <iostream>
#include <string>

#include "aid_feed/phases.hpp"

using namespace huicai::bench;

namespace {

int usage() {
  std::cerr << "usage: aid_feed_bench prepare <port> <sku_file> <orders> <first_account> <out>\n"
               "       aid_feed_bench feed <port> <subscribers> <slow> <rate> <intents> <run> "
               "[drain_s]\n"
               "       aid_feed_bench redis <port> <subscribers> <rate> <messages> <bytes> "
               "[drain_s]\n";
  return 2;
}

std::uint16_t port_of(const char* text) {
  return static_cast<std::uint16_t>(std::stoul(text));
}

}  // namespace

int main(int argc, char** argv) {
  const std::string phase = argc > 1 ? argv[1] : "";
  try {
    if (phase == "prepare" && argc == 7) {
      return prepare(port_of(argv[2]), argv[3], std::stoul(argv[4]), std::stoull(argv[5]), argv[6]);
    }
    if (phase == "feed" && (argc == 8 || argc == 9)) {
      FeedRun run;
      run.port = port_of(argv[2]);
      run.subscribers = std::stoul(argv[3]);
      run.slow = std::stoul(argv[4]);
      run.rate = std::stod(argv[5]);
      run.intents = argv[6];
      run.run = argv[7];
      if (argc == 9) run.drain_seconds = std::stod(argv[8]);
      return feed(run);
    }
    if (phase == "redis" && (argc == 7 || argc == 8)) {
      FanoutRun run;
      run.port = port_of(argv[2]);
      run.subscribers = std::stoul(argv[3]);
      run.rate = std::stod(argv[4]);
      run.messages = std::stoul(argv[5]);
      run.payload_bytes = std::stoul(argv[6]);
      if (argc == 8) run.drain_seconds = std::stod(argv[7]);
      const auto config = huicai::Config::from_environment();
      run.user = config.redis_user;
      run.password = config.redis_password;
      return redis_fanout(run);
    }
  } catch (const std::exception& error) {
    std::cerr << "aid_feed_bench " << phase << ": " << error.what() << "\n";
    return 1;
  }
  return usage();
}
