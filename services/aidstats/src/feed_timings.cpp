// Per-step latency histograms of the live feed (feed_timings.hpp).
#include "feed_timings.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstdio>

namespace huicai::aidstats {
namespace {

constexpr std::int64_t kBucketMicros = 50;
constexpr std::size_t kBuckets = 4'000;  // 200 ms; one more bucket holds everything above
constexpr std::array<const char*, static_cast<std::size_t>(FeedStep::count)> kNames{
    "event_to_batch", "statements", "commit", "commit_to_publish",
    "publish",        "channel",    "hub",    "to_written"};

struct StepHistogram {
  std::array<std::atomic<std::uint32_t>, kBuckets + 1> buckets{};
  std::atomic<std::int64_t> max_micros{0};
};

std::array<StepHistogram, static_cast<std::size_t>(FeedStep::count)>& histograms() {
  static std::array<StepHistogram, static_cast<std::size_t>(FeedStep::count)> all;
  return all;
}

std::atomic<FeedClock::rep> publish_sent{0};
std::atomic<std::uint64_t> samples{0};

}  // namespace

void record_feed_step(FeedStep step, FeedClock::duration elapsed) {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
  if (micros < 0) return;
  auto& histogram = histograms()[static_cast<std::size_t>(step)];
  const auto bucket =
      std::min<std::size_t>(static_cast<std::size_t>(micros / kBucketMicros), kBuckets);
  histogram.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  samples.fetch_add(1, std::memory_order_relaxed);
  auto seen = histogram.max_micros.load(std::memory_order_relaxed);
  while (micros > seen &&
         !histogram.max_micros.compare_exchange_weak(seen, micros, std::memory_order_relaxed)) {
  }
}

std::uint64_t feed_samples_recorded() {
  return samples.load(std::memory_order_relaxed);
}

void note_publish_sent(FeedClock::time_point at) {
  publish_sent.store(at.time_since_epoch().count(), std::memory_order_relaxed);
}

FeedClock::time_point last_publish_sent() {
  return FeedClock::time_point(FeedClock::duration(publish_sent.load(std::memory_order_relaxed)));
}

std::string take_feed_timings_summary() {
  std::string summary;
  for (std::size_t step = 0; step < kNames.size(); ++step) {
    auto& histogram = histograms()[step];
    std::array<std::uint32_t, kBuckets + 1> counts{};
    std::uint64_t total = 0;
    for (std::size_t i = 0; i <= kBuckets; ++i) {
      counts[i] = histogram.buckets[i].exchange(0, std::memory_order_relaxed);
      total += counts[i];
    }
    const auto max_micros = histogram.max_micros.exchange(0, std::memory_order_relaxed);
    if (total == 0) continue;
    // The upper bound of the bucket holding the q-quantile, in ms.
    auto quantile = [&](double q) {
      const auto rank = static_cast<std::uint64_t>(q * static_cast<double>(total - 1)) + 1;
      std::uint64_t seen = 0;
      for (std::size_t i = 0; i <= kBuckets; ++i) {
        seen += counts[i];
        if (seen >= rank) {
          return i == kBuckets ? static_cast<double>(max_micros) / 1000.0
                               : static_cast<double>((i + 1) * kBucketMicros) / 1000.0;
        }
      }
      return static_cast<double>(max_micros) / 1000.0;
    };
    char line[160];
    std::snprintf(line, sizeof line, "%s%s n=%llu p50=%.2f p99=%.2f max=%.2f ms",
                  summary.empty() ? "" : "; ", kNames[step], static_cast<unsigned long long>(total),
                  quantile(0.5), quantile(0.99), static_cast<double>(max_micros) / 1000.0);
    summary += line;
  }
  return summary;
}

}  // namespace huicai::aidstats
