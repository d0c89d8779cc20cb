#pragma once
// Publishes outbox rows to Redis Streams (XADD with the serialized Envelope in field "e") and
// marks them published. Several relays may run: rows are claimed with SELECT ... FOR UPDATE
// SKIP LOCKED plus a lease (claimed_by / claimed_until), because the claim transaction cannot
// stay open across the XADD. A crash between XADD and the mark can publish a row twice;
// consumers deduplicate by event id, so every effect happens once. Details and the table shape:
// services/core/src/events/README.md.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <string>

namespace huicai::mysql {
class Pool;
}
namespace huicai::redis {
class Client;
}
namespace huicai::metrics {
class Registry;
}

namespace huicai::events {

struct RelayOptions {
  std::string outbox_table;  // e.g. "ordering_outbox"
  std::string producer;      // e.g. "ordering"
  std::size_t batch_size = 200;
  std::chrono::milliseconds idle_poll{50};  // poll interval when the outbox is empty
  std::chrono::milliseconds error_backoff{500};
  // How long a claimed row belongs to this relay. After that another relay may publish it (a
  // crashed relay's rows wait this long). Keep it well above Redis's command timeout.
  std::chrono::milliseconds claim_lease{30'000};
};

class Relay {
 public:
  Relay(mysql::Pool& pool, redis::Client& redis, RelayOptions options,
        metrics::Registry* metrics = nullptr);
  // Publishes one batch; returns how many rows were published (0 when empty). Throws
  // ServiceUnavailable when MySQL or Redis cannot serve (rows stay unpublished).
  boost::asio::awaitable<std::size_t> publish_batch();
  // Loops until cancelled (the app cancels background tasks on shutdown).
  boost::asio::awaitable<void> run();

 private:
  mysql::Pool& pool_;
  redis::Client& redis_;
  RelayOptions options_;
  metrics::Registry* metrics_;
  std::string relay_id_;  // claimed_by value of this relay
};

}  // namespace huicai::events
