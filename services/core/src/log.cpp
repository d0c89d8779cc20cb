// JSON log lines on stderr. One mutex around the write so lines from several threads never
// interleave; the line is built before taking it.
#include <atomic>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <huicai/core/log.hpp>
#include <mutex>
#include <string>

namespace huicai::log {
namespace {

std::atomic<Level> minimum_level{Level::info};
std::mutex write_mutex;

std::string_view level_name(Level level) {
  switch (level) {
    case Level::debug:
      return "debug";
    case Level::info:
      return "info";
    case Level::warn:
      return "warn";
    case Level::error:
      return "error";
  }
  return "info";
}

// RFC 3339 UTC with milliseconds: log shippers sort on it.
std::string timestamp_now() {
  const auto now = std::chrono::system_clock::now();
  const auto seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  return text;
}

}  // namespace

void write(Level level, std::string_view message, boost::json::object fields) {
  if (level < minimum_level.load(std::memory_order_relaxed)) {
    return;
  }
  boost::json::object line;
  line["ts"] = timestamp_now();
  line["level"] = level_name(level);
  line["msg"] = message;
  for (auto& field : fields) {
    line[field.key()] = std::move(field.value());
  }
  std::string text = boost::json::serialize(line);
  text.push_back('\n');
  std::lock_guard lock(write_mutex);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

void set_minimum_level(Level level) {
  minimum_level.store(level, std::memory_order_relaxed);
}

}  // namespace huicai::log
