#pragma once
// Prometheus text-format metrics: counters, gauges and histograms with labels. Thread-safe.
// The name/label calls (increment, set_gauge, observe) look the series up under a mutex; hot
// paths instead fetch a Counter or Histogram cell once and update it lock-free.

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace huicai::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

// Upper bounds of the histogram buckets, in seconds; span a fast cache hit to a slow report.
inline constexpr std::array<double, 14> kHistogramBuckets{
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

// One counter (or gauge) series. Owned by its Registry and never erased, so a reference stays
// valid for the Registry's lifetime.
class Counter {
 public:
  void increment(double by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  friend class Registry;
  void set(double value) { value_.store(value, std::memory_order_relaxed); }
  std::atomic<double> value_{0};
};

// One histogram series over kHistogramBuckets; same lifetime rule as Counter.
class Histogram {
 public:
  void observe(double value);
  std::uint64_t count() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  friend class Registry;
  // Non-cumulative; the last one counts values above the largest bound. The count is their
  // total, so a scrape during an observe never shows a count below a bucket.
  std::array<std::atomic<std::uint64_t>, kHistogramBuckets.size() + 1> bucket_counts_{};
  std::atomic<double> sum_{0};
};

class Registry {
 public:
  void increment(const std::string& name, const Labels& labels, double by = 1);
  void set_gauge(const std::string& name, const Labels& labels, double value);
  void observe(const std::string& name, const Labels& labels, double value);  // histogram
  // The cell of one series, created (with the family, as counter/histogram) on first use.
  Counter& counter(const std::string& name, const Labels& labels);
  Histogram& histogram(const std::string& name, const Labels& labels);
  // Called on each scrape, for values read from elsewhere (pool and Redis stats).
  void add_collector(std::function<void(Registry&)> collector);
  void describe(const std::string& name, const std::string& help, const std::string& type);
  std::string render();  // text/plain; version=0.0.4

 private:
  struct Family;
  Family& family(const std::string& name, const char* type);  // mutex_ held
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Family>> families_;
  std::vector<std::function<void(Registry&)>> collectors_;
};

}  // namespace huicai::metrics
