#include <sodium.h>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <huicai/core/events/outbox.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <stdexcept>

#include "payment_channel.hpp"

namespace huicai::ordering {
namespace {

std::string callback_body(const std::string& event_id, const std::string& intent_id,
                          std::int64_t amount_fen) {
  boost::json::object body;
  body["event_id"] = event_id;
  body["intent_id"] = intent_id;
  body["amount_fen"] = amount_fen;
  body["status"] = "succeeded";
  body["channel_ref"] = "sandbox-" + event_id.substr(0, 8);
  return boost::json::serialize(body);
}

}  // namespace

PaymentIntent SandboxChannel::create_intent(mysql::Session& session, std::int64_t /*order_id*/,
                                            std::int64_t amount_fen) {
  PaymentIntent intent{"pi_" + events::new_uuid(), amount_fen};
  auto& insert = session.prepare(
      "INSERT INTO ordering_sandbox_intents (intent_id, amount_fen, status) "
      "VALUES (?, ?, 'created')");
  mysql::bind(insert, intent.intent_id, amount_fen);
  insert.executeUpdate();
  return intent;
}

std::string SandboxChannel::sign(std::string_view body) const {
  unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
  // The secret may be any length: hash it to the key size.
  crypto_hash_sha256(key, reinterpret_cast<const unsigned char*>(secret_.data()), secret_.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(body.data()), body.size(),
                         key);
  char hex[crypto_auth_hmacsha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return std::string(hex, crypto_auth_hmacsha256_BYTES * 2);
}

bool SandboxChannel::verify_signature(std::string_view body, std::string_view signature) const {
  const std::string expected = sign(body);
  if (signature.size() != expected.size()) return false;
  return sodium_memcmp(expected.data(), signature.data(), expected.size()) == 0;
}

std::optional<ChannelCallback> SandboxChannel::parse_callback(std::string_view body) const {
  boost::system::error_code error;
  auto value = boost::json::parse(body, error);
  if (error || !value.is_object()) return std::nullopt;
  const auto& object = value.as_object();
  const auto* event_id = object.if_contains("event_id");
  const auto* intent_id = object.if_contains("intent_id");
  const auto* amount = object.if_contains("amount_fen");
  const auto* status = object.if_contains("status");
  if (!event_id || !event_id->is_string() || !intent_id || !intent_id->is_string() || !amount ||
      !amount->is_int64() || !status || !status->is_string()) {
    return std::nullopt;
  }
  ChannelCallback callback;
  callback.channel_event_id = std::string(event_id->as_string());
  callback.intent_id = std::string(intent_id->as_string());
  callback.amount_fen = amount->as_int64();
  callback.status = std::string(status->as_string());
  if (const auto* ref = object.if_contains("channel_ref"); ref && ref->is_string()) {
    callback.channel_ref = std::string(ref->as_string());
  }
  return callback;
}

std::optional<SandboxChannel::SignedCallback> SandboxChannel::confirm(
    mysql::Session& session, const std::string& intent_id, const CallbackDeliveryPolicy& delivery) {
  auto& confirm = session.prepare(
      "UPDATE ordering_sandbox_intents SET status = 'confirmed', channel_event_id = ?, "
      "confirmed_at = NOW(6) WHERE intent_id = ? AND status = 'created'");
  mysql::bind(confirm, "evt_" + events::new_uuid(), intent_id);
  const bool confirmed_now = confirm.executeUpdate() == 1;
  auto& select = session.prepare(
      "SELECT amount_fen, status, channel_event_id FROM ordering_sandbox_intents "
      "WHERE intent_id = ?");
  mysql::bind(select, intent_id);
  auto row = mysql::query(select);
  if (!row->next()) return std::nullopt;
  const std::string event_id = mysql::get_string(*row, "channel_event_id");
  SignedCallback callback;
  callback.body = callback_body(event_id, intent_id, row->getInt64("amount_fen"));
  callback.signature = sign(callback.body);
  if (confirmed_now) {
    // Same transaction as the confirm: the money is taken if and only if the callback is owed.
    auto& store = session.prepare(
        "INSERT INTO ordering_callback_deliveries (channel, channel_event_id, intent_id, "
        "target_url, body, signature, max_attempts, backoff_ms, backoff_max_ms, "
        "next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6))");
    mysql::bind(store, name(), event_id, intent_id, delivery.target_url, callback.body,
                callback.signature, delivery.max_attempts,
                static_cast<std::int64_t>(delivery.backoff.count()),
                static_cast<std::int64_t>(delivery.backoff_max.count()));
    store.executeUpdate();
  }
  return callback;
}

void SandboxChannel::refund(mysql::Session& session, const std::string& intent_id,
                            std::int64_t amount_fen) {
  auto& update = session.prepare(
      "UPDATE ordering_sandbox_intents SET refunded_fen = refunded_fen + ? WHERE intent_id = ? "
      "AND status = 'confirmed' AND refunded_fen + ? <= amount_fen");
  mysql::bind(update, amount_fen, intent_id, amount_fen);
  if (update.executeUpdate() != 1) {
    throw std::logic_error("sandbox refund of " + std::to_string(amount_fen) + " fen on " +
                           intent_id + " exceeds what was paid");
  }
}

}  // namespace huicai::ordering
