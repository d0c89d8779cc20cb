#include <catch2/catch.hpp>
#include <huicai/core/metrics.hpp>

using huicai::metrics::Registry;

namespace {
bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
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
