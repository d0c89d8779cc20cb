
#include <cppconn/exception.h>
#include <sodium.h>

#include <exception>
#include <huicai/core/events/outbox.hpp>
#include <huicai/core/http/idempotency.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/mysql/placeholders.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <stdexcept>

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

Idempotency::Idempotency(mysql::Pool& pool, std::string table, std::chrono::seconds lease)
    : pool_(pool),
      table_(std::move(table)),
      lease_(lease),
      insert_sql_("INSERT INTO " + table_ +
                  " (account_id, idempotency_key, request_hash, status, response_status, "
                  "response_body, attempt_token, lease_until) VALUES (?, ?, ?, ?, ?, ?, ?, "
                  "DATE_ADD(NOW(6), INTERVAL ? SECOND))"),
      select_sql_(
          "SELECT request_hash, status, response_status, response_body, lease_until < "
          "NOW(6) AS lease_expired FROM " +
          table_ + " WHERE account_id = ? AND idempotency_key = ?"),
      take_over_sql_("UPDATE " + table_ +
                     " SET attempt_token = ?, lease_until = DATE_ADD(NOW(6), INTERVAL ? SECOND), "
                     "status = IF(?, 'completed', status), response_status = ?, response_body = ? "
                     "WHERE account_id = ? AND idempotency_key = ? AND status = 'in_progress' AND "
                     "lease_until < NOW(6)"),
      complete_sql_("UPDATE " + table_ +
                    " SET status = 'completed', response_status = ?, response_body = ? WHERE "
                    "account_id = ? AND idempotency_key = ? AND attempt_token = ? AND status = "
                    "'in_progress'") {}

mysql::RetentionRule Idempotency::retention_rule(std::string table, std::chrono::days keep) {
  mysql::RetentionRule rule;
  rule.table = std::move(table);
  rule.age_column = "created_at";  // <service>_idempotency_created
  rule.condition = "status = 'completed' OR lease_until < NOW(6)";
  rule.keep = keep;
  return rule;
}

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

namespace {

[[noreturn]] void throw_in_progress(const char* detail) {
  throw Problem(409, "idempotency-key-in-progress", "Request in progress", detail)
      .with_header("Retry-After", "1");
}
constexpr const char* kRunning =
    "a request with this Idempotency-Key is being processed; retry later";

// response_status and response_body of a stored response (NULLs for a bare claim).
std::pair<std::optional<int>, std::optional<std::string_view>> stored_columns(
    const Response* response) {
  if (!response) return {};
  return {response->status, response->body};
}

// Thrown through the pool's transaction so it rolls back, carrying the answer to give instead.
struct AnswerAfterRollback {
  Response response;
};

}  // namespace

std::optional<Response> Idempotency::claim(mysql::Session& session, const IdempotencyClaim& claim) {
  // One statement in the common case: the INSERT wins. A concurrent attempt with the same key
  // still in flight holds the row: this INSERT waits for it to commit (duplicate: look at the
  // row) or roll back (the INSERT wins).
  return store_once(session, claim, nullptr);
}

std::optional<Response> Idempotency::store_once(mysql::Session& session,
                                                const IdempotencyClaim& claim,
                                                const Response* response) {
  const auto lease_seconds = static_cast<std::int64_t>(lease_.count());
  try {
    auto& insert = session.prepare(insert_sql_);
    const auto [status, body] = stored_columns(response);
    mysql::bind(insert, claim.account_id, claim.key, claim.request_hash,
                response ? "completed" : "in_progress", status, body, claim.attempt_token,
                lease_seconds);
    insert.executeUpdate();
    return std::nullopt;
  } catch (const sql::SQLException& error) {
    if (error.getErrorCode() == mysql::kErrorLockWaitTimeout) throw_in_progress(kRunning);
    if (error.getErrorCode() != mysql::kErrorDuplicateKey) throw;
  }
  return existing(session, claim, response);
}

std::optional<Response> Idempotency::existing(mysql::Session& session,
                                              const IdempotencyClaim& claim,
                                              const Response* response) {
  auto& select = session.prepare(select_sql_);
  mysql::bind(select, claim.account_id, claim.key);
  auto row = mysql::query(select);
  // Removed between our INSERT and SELECT (an older version's failed attempt): let it retry.
  if (!row->next()) throw_in_progress(kRunning);
  ExistingKey stored;
  stored.request_hash = mysql::get_string(*row, "request_hash");
  stored.status = mysql::get_string(*row, "status");
  stored.response_status = row->getInt("response_status");
  stored.response_body = mysql::get_string(*row, "response_body");
  stored.lease_expired = row->getInt("lease_expired") != 0;
  if (stored.request_hash != claim.request_hash) {
    throw Problem(422, "idempotency-key-reused", "Idempotency-Key reused",
                  "this Idempotency-Key was already used with a different request");
  }
  if (stored.status == "completed") return replay(stored);
  if (stored.lease_expired) {
    // An abandoned claim of an older version: take it over (and complete it when the response
    // is known).
    const auto lease_seconds = static_cast<std::int64_t>(lease_.count());
    auto& take_over = session.prepare(take_over_sql_);
    const auto [status, body] = stored_columns(response);
    mysql::bind(take_over, claim.attempt_token, lease_seconds, response != nullptr, status, body,
                claim.account_id, claim.key);
    if (take_over.executeUpdate() == 1) return std::nullopt;
  }
  throw_in_progress(kRunning);
}

void Idempotency::complete(mysql::Session& session, const IdempotencyClaim& claim,
                           const Response& response) const {
  auto& update = session.prepare(complete_sql_);
  mysql::bind(update, response.status, response.body, claim.account_id, claim.key,
              claim.attempt_token);
  if (update.executeUpdate() != 1) {
    // Our lease ran out and another attempt took the key over: it decides, we roll back.
    throw Problem(409, "idempotency-key-in-progress", "Request in progress",
                  "a newer attempt with this Idempotency-Key is being processed");
  }
}

IdempotencyClaim Idempotency::claim_of(const Request& request) {
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
  return claimed;
}

void Idempotency::store_completed(mysql::Session& session,
                                  const std::vector<IdempotencyClaim>& claims,
                                  const std::vector<Response>& responses) const {
  if (claims.size() != responses.size()) {
    throw std::logic_error("store_completed: one response per claim");
  }
  if (claims.empty()) return;
  auto& insert = session.prepare(
      "INSERT INTO " + table_ +
      " (account_id, idempotency_key, request_hash, status, response_status, response_body, "
      "attempt_token, lease_until) VALUES " +
      mysql::repeated("(?, ?, ?, 'completed', ?, ?, ?, DATE_ADD(NOW(6), INTERVAL ? SECOND))", ", ",
                      claims.size()));
  const auto lease_seconds = static_cast<std::int64_t>(lease_.count());
  int index = 1;
  for (std::size_t i = 0; i < claims.size(); ++i) {
    mysql::bind_one(insert, index++, claims[i].account_id);
    mysql::bind_one(insert, index++, claims[i].key);
    mysql::bind_one(insert, index++, claims[i].request_hash);
    mysql::bind_one(insert, index++, responses[i].status);
    mysql::bind_one(insert, index++, responses[i].body);
    mysql::bind_one(insert, index++, claims[i].attempt_token);
    mysql::bind_one(insert, index++, lease_seconds);
  }
  insert.executeUpdate();
}

boost::asio::awaitable<Response> Idempotency::run(const Request& request,
                                                  std::function<Response(mysql::Session&)> work,
                                                  mysql::Isolation isolation, ClaimAt claim_at) {
  IdempotencyClaim claimed = claim_of(request);
  // Claim, work and stored response in one transaction: a failure or a crash before the commit
  // leaves no claim behind. Named, not a temporary inside co_await (GCC 12).
  auto claim_first = [this, &claimed, &work](mysql::Session& session) -> Response {
    if (auto answer = claim(session, claimed)) return std::move(*answer);
    Response result = work(session);
    complete(session, claimed, result);
    return result;
  };
  // One write, last: see ClaimAt::commit in the header.
  auto store_last = [this, &claimed, &work](mysql::Session& session) -> Response {
    std::optional<Response> result;
    try {
      result.emplace(work(session));
    } catch (const Problem&) {
      // Refused. If the key is taken (a duplicate of a first attempt that took what we lacked),
      // its answer wins; otherwise the refusal stands.
      if (auto answer = store_once(session, claimed, nullptr)) {
        throw AnswerAfterRollback{std::move(*answer)};
      }
      throw;
    }
    if (auto answer = store_once(session, claimed, &*result)) {
      throw AnswerAfterRollback{std::move(*answer)};
    }
    return std::move(*result);
  };
  if (claim_at == ClaimAt::start) co_return co_await pool_.transaction(claim_first, isolation);
  std::optional<Response> replayed;
  try {
    co_return co_await pool_.transaction(store_last, isolation);
  } catch (AnswerAfterRollback& answer) {
    replayed = std::move(answer.response);
  }
  co_return std::move(*replayed);
}

}  // namespace huicai::http
