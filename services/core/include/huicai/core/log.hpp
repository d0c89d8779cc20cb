#pragma once
// JSON lines on stderr: {"ts":"...","level":"info","msg":"...","request_id":"...",...}.
// Pass the request id whenever there is one, so every line of a request can be found by it.

#include <boost/json/object.hpp>

#include <string_view>

namespace huicai::log {

enum class Level { debug, info, warn, error };

void write(Level level, std::string_view message, boost::json::object fields = {});
inline void info(std::string_view message, boost::json::object fields = {}) {
  write(Level::info, message, std::move(fields));
}
inline void warn(std::string_view message, boost::json::object fields = {}) {
  write(Level::warn, message, std::move(fields));
}
inline void error(std::string_view message, boost::json::object fields = {}) {
  write(Level::error, message, std::move(fields));
}
void set_minimum_level(Level level);

}  // namespace huicai::log
