// Prometheus text exposition format 0.0.4. Families are created on first use (type inferred
// from the call: increment -> counter, set_gauge -> gauge, observe -> histogram) or declared
// up front with describe() to carry a HELP line.
#include <array>
#include <cmath>
#include <cstdio>
#include <huicai/core/metrics.hpp>
#include <sstream>

namespace huicai::metrics {
namespace {

// Seconds; spans a fast cache hit to a slow report.
constexpr std::array<double, 14> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                          0.1,    0.25,  0.5,    1,     2.5,  5,     10};

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
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> bucket_counts{};  // non-cumulative
    std::uint64_t count = 0;
    double sum = 0;
  };
  std::string type;  // counter, gauge, histogram
  std::string help;
  std::map<Labels, double> values;
  std::map<Labels, Histogram> histograms;
};

void Registry::increment(const std::string& name, const Labels& labels, double by) {
  std::lock_guard lock(mutex_);
  auto& family = families_[name];
  if (!family) family = std::make_shared<Family>(Family{"counter", {}, {}, {}});
  family->values[labels] += by;
}

void Registry::set_gauge(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(mutex_);
  auto& family = families_[name];
  if (!family) family = std::make_shared<Family>(Family{"gauge", {}, {}, {}});
  family->values[labels] = value;
}

void Registry::observe(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(mutex_);
  auto& family = families_[name];
  if (!family) family = std::make_shared<Family>(Family{"histogram", {}, {}, {}});
  auto& histogram = family->histograms[labels];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (value <= kBuckets[i]) {
      ++histogram.bucket_counts[i];
      break;
    }
  }
  ++histogram.count;
  histogram.sum += value;
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
    for (const auto& [labels, value] : family->values) {
      out << name << format_labels(labels) << ' ' << format_number(value) << '\n';
    }
    for (const auto& [labels, histogram] : family->histograms) {
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += histogram.bucket_counts[i];
        out << name << "_bucket" << format_labels(labels, "le", format_number(kBuckets[i])) << ' '
            << cumulative << '\n';
      }
      out << name << "_bucket" << format_labels(labels, "le", "+Inf") << ' ' << histogram.count
          << '\n';
      out << name << "_sum" << format_labels(labels) << ' ' << format_number(histogram.sum) << '\n';
      out << name << "_count" << format_labels(labels) << ' ' << histogram.count << '\n';
    }
  }
  return out.str();
}

}  // namespace huicai::metrics
