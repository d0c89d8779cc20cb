#pragma once
// The Idempotency-Key contract of every money-moving POST, scoped to the caller's account
// (ordering's placements and payments, settlement's payouts), each service in its own table:
//   same key + same request  -> the first response again (status and body)
//   same key + other request -> 422 "idempotency-key-reused"
//   same key while the first is still running -> 409 "idempotency-key-in-progress"
// How: the claim is the first statement of the work's own transaction (an INSERT of an
// in_progress row), and the response is stored by the last one, in the same commit as the
// effects. A crash or a failure before the commit leaves nothing behind, so a retry with the same
// key works at once. A concurrent attempt with the same key waits on the claim's row lock: when
// the first commits it gets the replay, when the first rolls back it does the work itself, and
// when the first holds the key longer than innodb_lock_wait_timeout it gets 409.
// ClaimAt::commit (order placement) writes the row once instead: completed with the response, as
// the last statement before the COMMIT. A concurrent attempt with the same key then waits on that
// INSERT's row lock and replays the first response once it commits (or 409 after
// innodb_lock_wait_timeout). When the work refuses (a Problem) before its row is written, the
// key is probed the same way, so a duplicate that found the stock or the cart already taken by
// the first attempt still gets the first response, not the refusal. Use it for work that has no
// effect outside the transaction (a duplicate runs the work before it learns it is one).
// In_progress rows committed by older versions (which claimed in a separate transaction) may be
// taken over once their lease ran out; the attempt token keeps completing to the newest claimant.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <huicai/core/http/message.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/retention.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace huicai::mysql {
class Pool;
class Session;
}  // namespace huicai::mysql

namespace huicai::http {

struct IdempotencyClaim {
  std::int64_t account_id = 0;
  std::string key;
  std::string request_hash;
  std::string attempt_token;
};

class Idempotency {
 public:
  // Where the key's row is written: `start` claims it first and stores the response last (two
  // writes; a duplicate waits before doing any work), `commit` writes it once at the end.
  enum class ClaimAt { start, commit };

  // `table`: the service's key table, shaped like ordering_idempotency_keys (db/migrations/0302).
  Idempotency(mysql::Pool& pool, std::string table,
              std::chrono::seconds lease = std::chrono::seconds(60));

  // Runs `work` inside one transaction under the request's Idempotency-Key (400 when the header
  // is missing or longer than 255 bytes), storing its response with its effects.
  boost::asio::awaitable<http::Response> run(
      const http::Request& request, std::function<http::Response(mysql::Session&)> work,
      mysql::Isolation isolation = mysql::Isolation::repeatable_read,
      ClaimAt claim_at = ClaimAt::start);

  // The rows of `table` a retention pass may delete (docs/adr/0032): keys written more than
  // `keep` ago, completed or claimed by a process whose lease ran out. A claim still being worked
  // on is never deleted. A request with a deleted key is a new request.
  static mysql::RetentionRule retention_rule(std::string table, std::chrono::days keep);

  // SHA-256 (hex) of method, path and body: what "the same request" means.
  static std::string request_hash(const http::Request& request);

  // The request's claim: its caller, Idempotency-Key (400 when the header is missing or longer
  // than 255 bytes), request hash and a fresh attempt token.
  static IdempotencyClaim claim_of(const http::Request& request);

  // For works done together in one transaction (ordering's placement groups), ClaimAt::commit's
  // write for all of them in ONE multi-row INSERT of completed rows, `responses[i]` for
  // `claims[i]`. It does not sort out a key that is taken: any key already written (or being
  // written by a concurrent attempt that then commits) fails the whole statement, and the caller
  // rolls back and runs each work alone under run(), which answers a duplicate.
  void store_completed(mysql::Session& session, const std::vector<IdempotencyClaim>& claims,
                       const std::vector<http::Response>& responses) const;

 private:
  // Inside the transaction: nullopt when the key is ours to work under, otherwise the answer
  // (a replay) or a thrown 409 / 422.
  std::optional<http::Response> claim(mysql::Session& session, const IdempotencyClaim& claim);
  void complete(mysql::Session& session, const IdempotencyClaim& claim,
                const http::Response& response) const;
  // ClaimAt::commit: writes the completed row; nullopt when it is ours, otherwise the answer to
  // give instead (after rolling back), or a thrown 409 / 422. `response` nullptr: only probe
  // whether the key is taken (the row written, if any, is rolled back by the caller).
  std::optional<http::Response> store_once(mysql::Session& session, const IdempotencyClaim& claim,
                                           const http::Response* response);
  // The answer for a key whose row exists: a replay, a thrown 409 / 422, or nullopt when an
  // abandoned in_progress row was taken over (with `response`, completed with it).
  std::optional<http::Response> existing(mysql::Session& session, const IdempotencyClaim& claim,
                                         const http::Response* response);

  mysql::Pool& pool_;
  std::string table_;
  std::chrono::seconds lease_;
  // The statements on `table`, built once (the connections cache them by text).
  std::string insert_sql_;
  std::string select_sql_;
  std::string take_over_sql_;
  std::string complete_sql_;
};

}  // namespace huicai::http
