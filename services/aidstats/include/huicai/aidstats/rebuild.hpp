#pragma once
// Recomputes every aid total from the source (ordering's published views, ADR 0013) with the
// same contribution function the live consumer uses, and replaces the totals and the applied
// facts in one transaction: readers see the old totals or the new ones, never a mix.

#include <cstdint>
#include <functional>

namespace huicai::mysql {
class Pool;
}

namespace huicai::aidstats {

struct RebuildResult {
  std::int64_t orders = 0;      // paid orders read
  std::int64_t aid_orders = 0;  // of them, with certified lines worth something
  std::int64_t total_fen = 0;   // the all-time total rebuilt
};

// `progress(done, total)` after each page of orders. Blocking: for the command and tests.
RebuildResult rebuild_totals(mysql::Pool& pool,
                             const std::function<void(std::int64_t, std::int64_t)>& progress = {});

}  // namespace huicai::aidstats
