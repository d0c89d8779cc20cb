#include "ordering_settings.hpp"

#include <charconv>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

namespace huicai::ordering {
namespace {

long long read_number(const char* name, long long fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  long long value = 0;
  const std::string_view view(text);
  auto [end, error] = std::from_chars(view.data(), view.data() + view.size(), value);
  if (error != std::errc() || end != view.data() + view.size() || value < 0) {
    throw std::invalid_argument(std::string(name) + ": expected a non-negative integer");
  }
  return value;
}

}  // namespace

OrderingSettings OrderingSettings::from_environment() {
  OrderingSettings settings;
  settings.payment_timeout = std::chrono::seconds(
      read_number("HUICAI_ORDER_PAYMENT_TIMEOUT_SECONDS", settings.payment_timeout.count()));
  settings.approval_timeout = std::chrono::seconds(
      read_number("HUICAI_ORDER_APPROVAL_TIMEOUT_SECONDS", settings.approval_timeout.count()));
  settings.auto_receive_after =
      std::chrono::hours(24 * read_number("HUICAI_ORDER_AUTO_RECEIVE_DAYS", 7));
  settings.sweep_interval = std::chrono::milliseconds(
      read_number("HUICAI_ORDER_SWEEP_INTERVAL_MS", settings.sweep_interval.count()));
  if (const char* secret = std::getenv("HUICAI_PAYMENT_SANDBOX_SECRET"); secret && *secret) {
    settings.sandbox_secret = secret;
  }
  return settings;
}

}  // namespace huicai::ordering
