
#include <cppconn/exception.h>
#include <sodium.h>

#include <exception>
#include <huicai/core/events/outbox.hpp>
#include <huicai/core/http/idempotency.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

namespace huicai::http {
namespace {

struct ExistingKey {
  std::string request_hash;
  std::string status;
  int response_status = 0;
  std::string response_body;
  bool lease_expired = false;
};

Response replay(const ExistingKey& existing) {
  Response response;
  response.status = existing.response_status;
  response.body = existing.response_body;
  const bool problem = existing.response_status >= 400;
  response.set_header("Content-Type", problem ? "application/problem+json" : "application/json");
  response.set_header("Idempotent-Replayed", "true");
  return response;
}

}  // namespace

std::string Idempotency::request_hash(const Request& request) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  const std::string head = std::string(to_string(request.method)) + " " + request.path + "\n";
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

std::optional<Response> Idempotency::claim(mysql::Session& session, const IdempotencyClaim& claim) {
  const auto lease_seconds = static_cast<std::int64_t>(lease_.count());
  // One statement in the common case: the INSERT wins. A concurrent attempt with the same key
  // still in flight holds the row: this INSERT waits for it to commit (duplicate: look at the
  // row) or roll back (the INSERT wins).
  try {
    auto& insert =
        session.prepare("INSERT INTO " + table_ +
                        " (account_id, idempotency_key, request_hash, "
                        "status, attempt_token, lease_until) VALUES (?, ?, ?, 'in_progress', ?, "
                        "DATE_ADD(NOW(6), INTERVAL ? SECOND))");
    mysql::bind(insert, claim.account_id, claim.key, claim.request_hash, claim.attempt_token,
                lease_seconds);
    insert.executeUpdate();
    return std::nullopt;
  } catch (const sql::SQLException& error) {
    if (error.getErrorCode() == mysql::kErrorLockWaitTimeout) {
      throw Problem(409, "idempotency-key-in-progress", "Request in progress",
                    "a request with this Idempotency-Key is being processed; retry later")
          .with_header("Retry-After", "1");
    }
    if (error.getErrorCode() != mysql::kErrorDuplicateKey) throw;
  }
  auto& select = session.prepare(
      "SELECT request_hash, status, response_status, response_body, lease_until < NOW(6) AS "
      "lease_expired FROM " +
      table_ +
      " WHERE account_id = ? AND "
      "idempotency_key = ?");
  mysql::bind(select, claim.account_id, claim.key);
  auto row = mysql::query(select);
  if (!row->next()) {
    // Removed between our INSERT and SELECT (an older version's failed attempt): let it retry.
    throw Problem(409, "idempotency-key-in-progress", "Request in progress",
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
    throw Problem(422, "idempotency-key-reused", "Idempotency-Key reused",
                  "this Idempotency-Key was already used with a different request");
  }
  if (existing.status == "completed") return replay(existing);
  if (existing.lease_expired) {
    auto& take_over = session.prepare(
        "UPDATE " + table_ +
        " SET attempt_token = ?, "
        "lease_until = DATE_ADD(NOW(6), INTERVAL ? SECOND) WHERE account_id = ? AND "
        "idempotency_key = ? AND status = 'in_progress' AND lease_until < NOW(6)");
    mysql::bind(take_over, claim.attempt_token, lease_seconds, claim.account_id, claim.key);
    if (take_over.executeUpdate() == 1) return std::nullopt;
  }
  throw Problem(409, "idempotency-key-in-progress", "Request in progress",
                "a request with this Idempotency-Key is being processed; retry later")
      .with_header("Retry-After", "1");
}

void Idempotency::complete(mysql::Session& session, const IdempotencyClaim& claim,
                           const Response& response) const {
  auto& update = session.prepare(
      "UPDATE " + table_ +
      " SET status = 'completed', response_status = ?, "
      "response_body = ? WHERE account_id = ? AND idempotency_key = ? AND attempt_token = ? "
      "AND status = 'in_progress'");
  mysql::bind(update, response.status, response.body, claim.account_id, claim.key,
              claim.attempt_token);
  if (update.executeUpdate() != 1) {
    // Our lease ran out and another attempt took the key over: it decides, we roll back.
    throw Problem(409, "idempotency-key-in-progress", "Request in progress",
                  "a newer attempt with this Idempotency-Key is being processed");
  }
}

boost::asio::awaitable<Response> Idempotency::run(const Request& request,
                                                  std::function<Response(mysql::Session&)> work,
                                                  mysql::Isolation isolation) {
  std::string key(request.header("idempotency-key"));
  if (key.empty() || key.size() > 255) {
    throw Problem(400, "idempotency-key-required", "Idempotency-Key required",
                  "send an Idempotency-Key header (1 to 255 characters) with this request");
  }
  IdempotencyClaim claimed;
  claimed.account_id = static_cast<std::int64_t>(request.caller().account_id);
  claimed.key = std::move(key);
  claimed.request_hash = request_hash(request);
  claimed.attempt_token = events::new_uuid();
  // Claim, work and stored response in one transaction: a failure or a crash before the commit
  // leaves no claim behind. Named, not a temporary inside co_await (GCC 12).
  auto attempt = [this, &claimed, &work](mysql::Session& session) -> Response {
    if (auto answer = claim(session, claimed)) return std::move(*answer);
    Response result = work(session);
    complete(session, claimed, result);
    return result;
  };
  co_return co_await pool_.transaction(attempt, isolation);
}

}  // namespace huicai::http
