#pragma once
// The time business facts are stamped with (orders paid, events, ledger postings, budget years):
// the system clock, shifted by an offset that only the development-only demo clock sets
// (PUT /v1/dev/clock, HUICAI_ENV=development), so the demo history generator can write years of
// history through the real API. Every MySQL session of this process follows the same offset
// (@@timestamp, so NOW() and UTC_TIMESTAMP() agree with the C++ side). The offset is never set
// outside development, where now() is the system clock. See docs/adr/0014-demo-clock.md.
#include <chrono>

namespace huicai::business_clock {

// The system clock plus the offset.
std::chrono::system_clock::time_point now();
// The current offset (zero unless the development demo clock moved it).
std::chrono::microseconds offset();
// Sets the offset; only the development-only demo clock route calls it.
void set_offset(std::chrono::microseconds offset);

}  // namespace huicai::business_clock
