#include <atomic>
#include <catch2/catch.hpp>
#include <huicai/core/metrics.hpp>
#include <thread>
#include <vector>

using huicai::metrics::Registry;

namespace {
bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}
// The number after `prefix` on its line, as text ("" when the line is missing).
std::string value_of(const std::string& text, const std::string& prefix) {
  const auto start = text.find(prefix);
  if (start == std::string::npos) return {};
  const auto from = start + prefix.size();
  return text.substr(from, text.find('\n', from) - from);
}
}  // namespace

TEST_CASE("counters and gauges render in Prometheus text format", "[metrics]") {
  Registry registry;
  registry.describe("jobs_total", "Jobs done", "counter");
  registry.increment("jobs_total", {{"kind", "a"}});
  registry.increment("jobs_total", {{"kind", "a"}}, 2);
  registry.set_gauge("queue_depth", {}, 4);
  const auto text = registry.render();
  CHECK(contains(text, "# HELP jobs_total Jobs done\n# TYPE jobs_total counter\n"));
  CHECK(contains(text, "jobs_total{kind=\"a\"} 3\n"));
  CHECK(contains(text, "# TYPE queue_depth gauge\nqueue_depth 4\n"));
}

TEST_CASE("histograms have cumulative buckets, sum and count", "[metrics]") {
  Registry registry;
  registry.observe("latency_seconds", {{"route", "/x"}}, 0.003);
  registry.observe("latency_seconds", {{"route", "/x"}}, 0.2);
  registry.observe("latency_seconds", {{"route", "/x"}}, 100);
  const auto text = registry.render();
  CHECK(contains(text, "# TYPE latency_seconds histogram"));
  CHECK(contains(text, "latency_seconds_bucket{route=\"/x\",le=\"0.001\"} 0\n"));
  CHECK(contains(text, "latency_seconds_bucket{route=\"/x\",le=\"0.005\"} 1\n"));
  CHECK(contains(text, "latency_seconds_bucket{route=\"/x\",le=\"0.25\"} 2\n"));
  CHECK(contains(text, "latency_seconds_bucket{route=\"/x\",le=\"10\"} 2\n"));
  CHECK(contains(text, "latency_seconds_bucket{route=\"/x\",le=\"+Inf\"} 3\n"));
  CHECK(contains(text, "latency_seconds_count{route=\"/x\"} 3\n"));
  CHECK(contains(text, "latency_seconds_sum{route=\"/x\"} 100.203\n"));
}

TEST_CASE("label values are escaped", "[metrics]") {
  Registry registry;
  registry.increment("odd_total", {{"v", "a\"b\\c\nd"}});
  CHECK(contains(registry.render(), R"(odd_total{v="a\"b\\c\nd"} 1)"));
}

TEST_CASE("collectors run on every render", "[metrics]") {
  Registry registry;
  int scrapes = 0;
  registry.add_collector([&](Registry& target) { target.set_gauge("scrapes", {}, ++scrapes); });
  registry.render();
  CHECK(contains(registry.render(), "scrapes 2\n"));
}

TEST_CASE("counter handles share the series of the name/label calls", "[metrics]") {
  Registry registry;
  auto& counter = registry.counter("hits_total", {{"route", "/a"}});
  counter.increment();
  counter.increment(2);
  registry.increment("hits_total", {{"route", "/a"}});
  CHECK(&registry.counter("hits_total", {{"route", "/a"}}) == &counter);
  CHECK(&registry.counter("hits_total", {{"route", "/b"}}) != &counter);
  CHECK(counter.value() == 4);
  const auto text = registry.render();
  CHECK(contains(text, "# TYPE hits_total counter\n"));
  CHECK(contains(text, "hits_total{route=\"/a\"} 4\n"));
  // A series created by a handle and never touched still renders (as 0), like any other.
  CHECK(contains(text, "hits_total{route=\"/b\"} 0\n"));
}

TEST_CASE("histogram handles render like observe()", "[metrics]") {
  Registry by_name;
  Registry by_handle;
  auto& histogram = by_handle.histogram("latency_seconds", {{"route", "/x"}});
  for (double value : {0.003, 0.2, 100.0, 0.0005}) {
    by_name.observe("latency_seconds", {{"route", "/x"}}, value);
    histogram.observe(value);
  }
  CHECK(histogram.count() == 4);
  CHECK(histogram.sum() == Approx(100.2035));
  CHECK(by_handle.render() == by_name.render());
  CHECK(contains(by_handle.render(), "latency_seconds_bucket{route=\"/x\",le=\"0.0005\"} 1\n"));
}

TEST_CASE("handles stay valid while other series are added", "[metrics]") {
  Registry registry;
  auto& first = registry.counter("first_total", {});
  auto& first_histogram = registry.histogram("first_seconds", {});
  for (int i = 0; i < 1000; ++i) {
    registry.increment("other_total", {{"i", std::to_string(i)}});
    registry.observe("other_seconds", {{"i", std::to_string(i)}}, 0.1);
  }
  first.increment();
  first_histogram.observe(0.1);
  const auto text = registry.render();
  CHECK(contains(text, "first_total 1\n"));
  CHECK(contains(text, "first_seconds_count 1\n"));
}

TEST_CASE("concurrent increments through handles lose nothing", "[metrics]") {
  Registry registry;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 100000;
  std::vector<std::thread> threads;
  std::atomic<int> ready{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      // Each thread fetches its own handle: creation races with use, too.
      auto& counter = registry.counter("races_total", {{"k", "v"}});
      auto& histogram = registry.histogram("races_seconds", {{"k", "v"}});
      ++ready;
      while (ready.load() < kThreads) std::this_thread::yield();
      for (int i = 0; i < kPerThread; ++i) {
        counter.increment();
        histogram.observe(0.5);
      }
    });
  }
  // Scrapes while the threads count: the buckets, +Inf and the count always agree.
  while (ready.load() < kThreads) std::this_thread::yield();
  for (int i = 0; i < 20; ++i) {
    const auto text = registry.render();
    const auto in_bucket = value_of(text, "races_seconds_bucket{k=\"v\",le=\"0.5\"} ");
    CHECK(!in_bucket.empty());
    CHECK(in_bucket == value_of(text, "races_seconds_bucket{k=\"v\",le=\"+Inf\"} "));
    CHECK(in_bucket == value_of(text, "races_seconds_count{k=\"v\"} "));
  }
  for (auto& thread : threads) thread.join();
  const auto total = std::to_string(kThreads * kPerThread);
  const auto text = registry.render();
  CHECK(contains(text, "races_total{k=\"v\"} " + total + "\n"));
  CHECK(contains(text, "races_seconds_bucket{k=\"v\",le=\"+Inf\"} " + total + "\n"));
  CHECK(contains(text, "races_seconds_count{k=\"v\"} " + total + "\n"));
  CHECK(contains(text,
                 "races_seconds_sum{k=\"v\"} " + std::to_string(kThreads * kPerThread / 2) + "\n"));
}
