#include "idempotency.hpp"

#include <cppconn/exception.h>
#include <sodium.h>

#include <exception>
#include <huicai/core/events/outbox.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/log.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

namespace huicai::ordering {
namespace {

struct ExistingKey {
  std::string request_hash;
  std::string status;
  int response_status = 0;
  std::string response_body;
  bool lease_expired = false;
};

http::Response replay(const ExistingKey& existing) {
  http::Response response;
  response.status = existing.response_status;
  response.body = existing.response_body;
  const bool problem = existing.response_status >= 400;
  response.set_header("Content-Type", problem ? "application/problem+json" : "application/json");
  response.set_header("Idempotent-Replayed", "true");
  return response;
}

}  // namespace

std::string Idempotency::request_hash(const http::Request& request) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  const std::string head = std::string(http::to_string(request.method)) + " " + request.path + "\n";
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(head.data()),
                            head.size());
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(request.body.data()),
                            request.body.size());
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, crypto_hash_sha256_BYTES * 2);
}

boost::asio::awaitable<Idempotency::ClaimResult> Idempotency::claim(const http::Request& request,
                                                                    std::string key) {
  ClaimResult result;
  result.claim.account_id = static_cast<std::int64_t>(request.caller().account_id);
  result.claim.key = std::move(key);
  result.claim.request_hash = request_hash(request);
  result.claim.attempt_token = events::new_uuid();
  const auto lease_seconds = static_cast<std::int64_t>(lease_.count());

  // One autocommit round trip in the common case: the INSERT wins, or it hits the key and we
  // look at the row that is there (taking it over when its lease ran out).
  result.answer = co_await pool_.run([&](mysql::Session& session) -> std::optional<http::Response> {
    const auto& claim = result.claim;
    try {
      auto& insert = session.prepare(
          "INSERT INTO ordering_idempotency_keys (account_id, idempotency_key, request_hash, "
          "status, attempt_token, lease_until) VALUES (?, ?, ?, 'in_progress', ?, "
          "DATE_ADD(NOW(6), INTERVAL ? SECOND))");
      mysql::bind(insert, claim.account_id, claim.key, claim.request_hash, claim.attempt_token,
                  lease_seconds);
      insert.executeUpdate();
      return std::nullopt;
    } catch (const sql::SQLException& error) {
      if (error.getErrorCode() != mysql::kErrorDuplicateKey) throw;
    }
    auto& select = session.prepare(
        "SELECT request_hash, status, response_status, response_body, lease_until < NOW(6) AS "
        "lease_expired FROM ordering_idempotency_keys WHERE account_id = ? AND "
        "idempotency_key = ?");
    mysql::bind(select, claim.account_id, claim.key);
    auto row = mysql::query(select);
    if (!row->next()) {
      // Removed between our INSERT and SELECT (the first attempt failed): it is still running
      // as far as this client can tell; let it retry.
      throw http::Problem(409, "idempotency-key-in-progress", "Request in progress",
                          "a request with this Idempotency-Key is being processed; retry later")
          .with_header("Retry-After", "1");
    }
    ExistingKey existing;
    existing.request_hash = mysql::get_string(*row, "request_hash");
    existing.status = mysql::get_string(*row, "status");
    existing.response_status = row->getInt("response_status");
    existing.response_body = mysql::get_string(*row, "response_body");
    existing.lease_expired = row->getInt("lease_expired") != 0;
    if (existing.request_hash != claim.request_hash) {
      throw http::Problem(422, "idempotency-key-reused", "Idempotency-Key reused",
                          "this Idempotency-Key was already used with a different request");
    }
    if (existing.status == "completed") return replay(existing);
    if (existing.lease_expired) {
      auto& take_over = session.prepare(
          "UPDATE ordering_idempotency_keys SET attempt_token = ?, "
          "lease_until = DATE_ADD(NOW(6), INTERVAL ? SECOND) WHERE account_id = ? AND "
          "idempotency_key = ? AND status = 'in_progress' AND lease_until < NOW(6)");
      mysql::bind(take_over, claim.attempt_token, lease_seconds, claim.account_id, claim.key);
      if (take_over.executeUpdate() == 1) return std::nullopt;
    }
    throw http::Problem(409, "idempotency-key-in-progress", "Request in progress",
                        "a request with this Idempotency-Key is being processed; retry later")
        .with_header("Retry-After", "1");
  });
  co_return result;
}

void Idempotency::complete(mysql::Session& session, const IdempotencyClaim& claim,
                           const http::Response& response) {
  auto& update = session.prepare(
      "UPDATE ordering_idempotency_keys SET status = 'completed', response_status = ?, "
      "response_body = ? WHERE account_id = ? AND idempotency_key = ? AND attempt_token = ? "
      "AND status = 'in_progress'");
  mysql::bind(update, response.status, response.body, claim.account_id, claim.key,
              claim.attempt_token);
  if (update.executeUpdate() != 1) {
    // Our lease ran out and another attempt took the key over: it decides, we roll back.
    throw http::Problem(409, "idempotency-key-in-progress", "Request in progress",
                        "a newer attempt with this Idempotency-Key is being processed");
  }
}

boost::asio::awaitable<void> Idempotency::abandon(const IdempotencyClaim& claim) {
  co_await pool_.run([&](mysql::Session& session) {
    auto& remove = session.prepare(
        "DELETE FROM ordering_idempotency_keys WHERE account_id = ? AND idempotency_key = ? AND "
        "attempt_token = ? AND status = 'in_progress'");
    mysql::bind(remove, claim.account_id, claim.key, claim.attempt_token);
    remove.executeUpdate();
  });
}

boost::asio::awaitable<http::Response> Idempotency::run(
    const http::Request& request, std::function<http::Response(mysql::Session&)> work) {
  std::string key(request.header("idempotency-key"));
  if (key.empty() || key.size() > 255) {
    throw http::Problem(400, "idempotency-key-required", "Idempotency-Key required",
                        "send an Idempotency-Key header (1 to 255 characters) with this request");
  }
  auto claimed = co_await claim(request, std::move(key));
  if (claimed.answer) co_return std::move(*claimed.answer);

  std::exception_ptr failure;
  http::Response response;
  try {
    response = co_await pool_.transaction([&](mysql::Session& session) {
      http::Response result = work(session);
      complete(session, claimed.claim, result);
      return result;
    });
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    // The work rolled back: free the key for a retry. If this fails too, the lease expires.
    try {
      co_await abandon(claimed.claim);
    } catch (const std::exception& error) {
      log::warn("could not release an idempotency key",
                {{"error", error.what()}, {"request_id", request.request_id}});
    }
    std::rethrow_exception(failure);
  }
  co_return response;
}

}  // namespace huicai::ordering
