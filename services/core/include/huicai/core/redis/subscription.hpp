#pragma once
// A Redis pub/sub subscription to one channel on a connection of its own (a subscribed
// connection takes no other commands). Signs in like every client (AUTH [user] password),
// SUBSCRIBEs, hands each message's payload to `on_message`, and reconnects with backoff when
// the connection is lost. Pub/sub delivers at most once: messages published while it was
// reconnecting are gone, so `on_subscribed` runs after every (re)subscribe for the owner to
// resynchronise from the source of truth.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <huicai/core/redis/client.hpp>
#include <string>
#include <string_view>

namespace huicai::redis {

struct SubscriptionHandlers {
  std::function<void(std::string_view payload)> on_message;
  std::function<void()> on_subscribed;  // may be empty
};

// Runs until cancelled (the background loop it runs in stops). Throws nothing else: failures
// are logged once per outage and retried.
boost::asio::awaitable<void> run_subscription(ClientOptions options, std::string channel,
                                              SubscriptionHandlers handlers);

}  // namespace huicai::redis
