#pragma once
// Rows that serve for a while and then no longer: Idempotency-Key rows (a retry comes within
// minutes, hours at most) and published outbox rows (the relay publishes the last 7 days again
// after Redis lost its data). Without an end they grow by rows per order for ever and become the
// largest tables of the database (docs/adr/0032). A RetentionRule names such rows; a pass deletes
// those older than the rule keeps, oldest first through the age column's index, a batch per READ
// COMMITTED transaction (no gap locks: the inserts of new rows never wait on it).

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace huicai::mysql {

class Pool;

struct RetentionRule {
  std::string table;
  std::string age_column;  // DATETIME(6), indexed: rows older than `keep` by it go
  std::string condition;   // and only those rows that also satisfy this ("" = all)
  std::chrono::days keep{30};
  std::size_t batch = 1'000;  // rows per DELETE, one transaction each
};

// One pass of `rule`: deletes batches until one comes back short; returns the rows deleted.
boost::asio::awaitable<std::size_t> delete_expired(Pool& pool, const RetentionRule& rule);

// The background loop: a pass of every rule, then `interval`, for ever. A failed pass (MySQL
// unavailable) is logged and the next one tries again.
boost::asio::awaitable<void> run_retention(Pool& pool, std::vector<RetentionRule> rules,
                                           std::chrono::milliseconds interval);

}  // namespace huicai::mysql
