#pragma once
// Prometheus text-format metrics: counters, gauges and histograms with labels. Thread-safe;
// cheap enough to touch on every request.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace huicai::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Registry {
 public:
  void increment(const std::string& name, const Labels& labels, double by = 1);
  void set_gauge(const std::string& name, const Labels& labels, double value);
  void observe(const std::string& name, const Labels& labels, double value);  // histogram
  // Called on each scrape, for values read from elsewhere (pool and Redis stats).
  void add_collector(std::function<void(Registry&)> collector);
  void describe(const std::string& name, const std::string& help, const std::string& type);
  std::string render();  // text/plain; version=0.0.4

 private:
  struct Family;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Family>> families_;
  std::vector<std::function<void(Registry&)>> collectors_;
};

}  // namespace huicai::metrics
