#pragma once
// A payment channel collects the personal share of an order. The interface has the shape of a
// real one: create an intent, the buyer pays at the channel, the channel calls us back
// asynchronously with a signed message, and we may refund. The built-in sandbox channel keeps
// its own books in ordering_sandbox_intents so all of it runs locally and in tests.
//
// Intents and refunds take the caller's session: for the sandbox they are rows in the same
// database, written in the same transaction as our side. A real channel would instead record a
// pending request here and call out from a worker after commit (the outbox pattern again).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace huicai::mysql {
class Session;
}

namespace huicai::ordering {

struct PaymentIntent {
  std::string intent_id;
  std::int64_t amount_fen = 0;
};

// What a verified callback says.
struct ChannelCallback {
  std::string channel_event_id;  // deduplication key: a replay carries the same one
  std::string intent_id;
  std::int64_t amount_fen = 0;
  std::string status;  // "succeeded"
  std::string channel_ref;
};

class PaymentChannel {
 public:
  virtual ~PaymentChannel() = default;
  virtual std::string_view name() const = 0;
  virtual PaymentIntent create_intent(mysql::Session& session, std::int64_t order_id,
                                      std::int64_t amount_fen) = 0;
  // True when `signature` is the channel's signature of exactly `body`.
  virtual bool verify_signature(std::string_view body, std::string_view signature) const = 0;
  // Parses a verified body; nullopt when it is not a well-formed callback.
  virtual std::optional<ChannelCallback> parse_callback(std::string_view body) const = 0;
  // Returns money of a succeeded intent to the payer. Throws std::logic_error when more would
  // be refunded than was paid.
  virtual void refund(mysql::Session& session, const std::string& intent_id,
                      std::int64_t amount_fen) = 0;
};

// Where and how the sandbox delivers one callback, fixed when the payment is confirmed (a real
// channel likewise keeps the notify URL and its retry schedule per payment).
struct CallbackDeliveryPolicy {
  std::string target_url;
  int max_attempts = 8;
  std::chrono::milliseconds backoff{1'000};
  std::chrono::milliseconds backoff_max{300'000};
};

// The sandbox: HMAC-SHA256 (libsodium) over the body with a shared secret, hex in the
// X-Huicai-Signature header.
class SandboxChannel : public PaymentChannel {
 public:
  explicit SandboxChannel(std::string secret) : secret_(std::move(secret)) {}
  std::string_view name() const override { return "sandbox"; }
  PaymentIntent create_intent(mysql::Session& session, std::int64_t order_id,
                              std::int64_t amount_fen) override;
  bool verify_signature(std::string_view body, std::string_view signature) const override;
  std::optional<ChannelCallback> parse_callback(std::string_view body) const override;
  void refund(mysql::Session& session, const std::string& intent_id,
              std::int64_t amount_fen) override;

  // The channel side of "the buyer paid": marks the intent confirmed once and, in the same
  // transaction, stores the signed callback for delivery (ordering_callback_deliveries, sent by
  // CallbackDeliveryWorker). Returns the callback (body and signature); nullopt when the intent
  // is unknown; the same callback again, and nothing stored twice, when it was already
  // confirmed (so a retried confirm is harmless).
  struct SignedCallback {
    std::string body;
    std::string signature;
  };
  std::optional<SignedCallback> confirm(mysql::Session& session, const std::string& intent_id,
                                        const CallbackDeliveryPolicy& delivery);
  std::string sign(std::string_view body) const;

 private:
  std::string secret_;
};

}  // namespace huicai::ordering
