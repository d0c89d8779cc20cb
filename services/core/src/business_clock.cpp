// The business clock (huicai/core/business_clock.hpp): one process-wide offset.
#include <atomic>
#include <cstdint>
#include <huicai/core/business_clock.hpp>

namespace huicai::business_clock {
namespace {
std::atomic<std::int64_t> offset_us{0};
}  // namespace

std::chrono::system_clock::time_point now() {
  return std::chrono::system_clock::now() +
         std::chrono::microseconds(offset_us.load(std::memory_order_relaxed));
}

std::chrono::microseconds offset() {
  return std::chrono::microseconds(offset_us.load(std::memory_order_relaxed));
}

void set_offset(std::chrono::microseconds offset) {
  offset_us.store(offset.count(), std::memory_order_relaxed);
}

}  // namespace huicai::business_clock
