#pragma once
// Ordering's own settings (HUICAI_ORDER_* / HUICAI_PAYMENT_*), read once at registration.
// Kept here rather than in the shared Config because only ordering reads them.
//   HUICAI_ORDER_PAYMENT_TIMEOUT_SECONDS   1800     unpaid orders expire after this
//   HUICAI_ORDER_APPROVAL_TIMEOUT_SECONDS  259200   unapproved unit orders expire after this
//   HUICAI_ORDER_AUTO_RECEIVE_DAYS         7        shipped fulfilments auto-confirm after this
//   HUICAI_ORDER_SWEEP_INTERVAL_MS         1000     how often the expiry sweeper runs (0 = off)
//   HUICAI_PAYMENT_SANDBOX_SECRET          dev value  HMAC key of the sandbox channel callbacks

#include <chrono>
#include <string>

namespace huicai::ordering {

struct OrderingSettings {
  std::chrono::seconds payment_timeout{1800};
  std::chrono::seconds approval_timeout{3 * 24 * 3600};
  std::chrono::seconds auto_receive_after{7 * 24 * 3600};
  std::chrono::milliseconds sweep_interval{1000};
  std::string sandbox_secret = "huicai-sandbox-channel-secret-change-me";

  // Throws std::invalid_argument naming the variable when a value does not parse.
  static OrderingSettings from_environment();
};

}  // namespace huicai::ordering
