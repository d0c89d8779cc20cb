// Prometheus text exposition format 0.0.4. Families are created on first use (type inferred
// from the call: increment -> counter, set_gauge -> gauge, observe -> histogram) or declared
// up front with describe() to carry a HELP line. The name/label calls and the cell handles
// share one store, so both kinds of caller show up in the same series.
#include <array>
#include <cmath>
#include <cstdio>
#include <huicai/core/metrics.hpp>
#include <sstream>

namespace huicai::metrics {
namespace {

std::string escape_label_value(const std::string& value) {
  std::string escaped;
  escaped.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"') {
      escaped.push_back('\\');
      escaped.push_back(c);
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped.push_back(c);
    }
  }
  return escaped;
}

std::string format_labels(const Labels& labels, const std::string& extra_name = {},
                          const std::string& extra_value = {}) {
  if (labels.empty() && extra_name.empty()) {
    return {};
  }
  std::string text = "{";
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) text.push_back(',');
    first = false;
    text += name + "=\"" + escape_label_value(value) + "\"";
  }
  if (!extra_name.empty()) {
    if (!first) text.push_back(',');
    text += extra_name + "=\"" + escape_label_value(extra_value) + "\"";
  }
  text.push_back('}');
  return text;
}

std::string format_number(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  char text[64];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

}  // namespace

struct Registry::Family {
  std::string type;  // counter, gauge, histogram
  std::string help;
  // Node-based maps: cells never move, so the references handed out stay valid.
  std::map<Labels, Counter> values;
  std::map<Labels, Histogram> histograms;
};

void Histogram::observe(double value) {
  std::size_t bucket = 0;
  // Written as !(<=) so NaN lands in the +Inf bucket, as it always did.
  while (bucket < kHistogramBuckets.size() && !(value <= kHistogramBuckets[bucket])) ++bucket;
  bucket_counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

std::uint64_t Histogram::count() const {
  std::uint64_t total = 0;
  for (const auto& bucket : bucket_counts_) total += bucket.load(std::memory_order_relaxed);
  return total;
}

Registry::Family& Registry::family(const std::string& name, const char* type) {
  auto& family = families_[name];
  if (!family) {
    family = std::make_shared<Family>();
    family->type = type;
  }
  return *family;
}

Counter& Registry::counter(const std::string& name, const Labels& labels) {
  std::lock_guard lock(mutex_);
  return family(name, "counter").values.try_emplace(labels).first->second;
}

Histogram& Registry::histogram(const std::string& name, const Labels& labels) {
  std::lock_guard lock(mutex_);
  return family(name, "histogram").histograms.try_emplace(labels).first->second;
}

void Registry::increment(const std::string& name, const Labels& labels, double by) {
  counter(name, labels).increment(by);
}

void Registry::set_gauge(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(mutex_);
  family(name, "gauge").values.try_emplace(labels).first->second.set(value);
}

void Registry::observe(const std::string& name, const Labels& labels, double value) {
  histogram(name, labels).observe(value);
}

void Registry::add_collector(std::function<void(Registry&)> collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

void Registry::describe(const std::string& name, const std::string& help, const std::string& type) {
  std::lock_guard lock(mutex_);
  auto& family = families_[name];
  if (!family) family = std::make_shared<Family>();
  family->help = help;
  family->type = type;
}

std::string Registry::render() {
  // Collectors call set_gauge, which takes the mutex: run them outside it.
  std::vector<std::function<void(Registry&)>> collectors;
  {
    std::lock_guard lock(mutex_);
    collectors = collectors_;
  }
  for (auto& collector : collectors) {
    collector(*this);
  }

  std::ostringstream out;
  std::lock_guard lock(mutex_);
  for (const auto& [name, family] : families_) {
    if (family->values.empty() && family->histograms.empty()) continue;
    if (!family->help.empty()) out << "# HELP " << name << ' ' << family->help << '\n';
    out << "# TYPE " << name << ' ' << family->type << '\n';
    for (const auto& [labels, cell] : family->values) {
      out << name << format_labels(labels) << ' ' << format_number(cell.value()) << '\n';
    }
    for (const auto& [labels, histogram] : family->histograms) {
      // Each bucket read once: the cumulative counts and the total agree even while observing.
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < kHistogramBuckets.size(); ++i) {
        cumulative += histogram.bucket_counts_[i].load(std::memory_order_relaxed);
        out << name << "_bucket" << format_labels(labels, "le", format_number(kHistogramBuckets[i]))
            << ' ' << cumulative << '\n';
      }
      cumulative += histogram.bucket_counts_.back().load(std::memory_order_relaxed);
      out << name << "_bucket" << format_labels(labels, "le", "+Inf") << ' ' << cumulative << '\n';
      out << name << "_sum" << format_labels(labels) << ' ' << format_number(histogram.sum())
          << '\n';
      out << name << "_count" << format_labels(labels) << ' ' << cumulative << '\n';
    }
  }
  return out.str();
}

}  // namespace huicai::metrics
