#pragma once
// The Idempotency-Key contract of every money-moving POST, scoped to the caller's account:
//   same key + same request  -> the first response again (status and body)
//   same key + other request -> 422 "idempotency-key-reused"
//   same key while the first is still running -> 409 "idempotency-key-in-progress"
// How: claim() inserts an in_progress row in its own transaction before any work; the work's
// own transaction calls complete() to store the response in the same commit as its effects, so
// a crash leaves either nothing or everything. A failure (a client error, or MySQL giving up)
// removes the claim so the client can retry with the same key. An in_progress row left by a
// crashed process may be taken over after its lease runs out; the attempt token makes sure only
// the newest claimant can complete it.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <huicai/core/http/message.hpp>
#include <optional>
#include <string>

namespace huicai::mysql {
class Pool;
class Session;
}  // namespace huicai::mysql

namespace huicai::ordering {

struct IdempotencyClaim {
  std::int64_t account_id = 0;
  std::string key;
  std::string request_hash;
  std::string attempt_token;
};

class Idempotency {
 public:
  explicit Idempotency(mysql::Pool& pool, std::chrono::seconds lease = std::chrono::seconds(60))
      : pool_(pool), lease_(lease) {}

  // Runs `work` inside one transaction under the request's Idempotency-Key (400 when the header
  // is missing or longer than 255 bytes), storing its response with its effects.
  boost::asio::awaitable<http::Response> run(const http::Request& request,
                                             std::function<http::Response(mysql::Session&)> work);

  // SHA-256 (hex) of method, path and body: what "the same request" means.
  static std::string request_hash(const http::Request& request);

 private:
  // Either a response to answer right away (replay, 409, 422) or a claim to work under.
  struct ClaimResult {
    std::optional<http::Response> answer;
    IdempotencyClaim claim;
  };
  boost::asio::awaitable<ClaimResult> claim(const http::Request& request, std::string key);
  static void complete(mysql::Session& session, const IdempotencyClaim& claim,
                       const http::Response& response);
  boost::asio::awaitable<void> abandon(const IdempotencyClaim& claim);

  mysql::Pool& pool_;
  std::chrono::seconds lease_;
};

}  // namespace huicai::ordering
