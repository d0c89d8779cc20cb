#include "sessions.hpp"

#include <huicai/core/events/outbox.hpp>
#include <huicai/core/mysql/pool.hpp>

namespace huicai::identity {

IssuedSession issue_session(mysql::Session& session, const auth::TokenService& tokens,
                            const Config& config, const Account& account, std::string family_id) {
  IssuedSession issued;
  issued.account = account;
  issued.access = tokens.issue_access(principal_of(account));
  issued.refresh_token = new_refresh_token();
  issued.access_ttl = config.access_token_ttl;
  issued.refresh_ttl = config.refresh_token_ttl;
  NewRefreshToken row;
  row.token_hash = hash_refresh_token(issued.refresh_token);
  row.family_id = family_id.empty() ? events::new_uuid() : std::move(family_id);
  row.account_id = account.id;
  row.access_token_id = issued.access.token_id;
  row.access_ttl = config.access_token_ttl;
  row.refresh_ttl = config.refresh_token_ttl;
  insert_refresh_token(session, row);
  return issued;
}

boost::json::object to_json(const IssuedSession& issued) {
  return {{"access_token", issued.access.token},
          {"token_type", "Bearer"},
          {"expires_in", issued.access_ttl.count()},
          {"refresh_token", issued.refresh_token},
          {"refresh_expires_in", issued.refresh_ttl.count()},
          {"account", to_json(issued.account)}};
}

boost::asio::awaitable<void> push_revocations(auth::TokenService& tokens,
                                              const std::vector<Revocation>& revocations) {
  for (const Revocation& revocation : revocations) {
    if (revocation.token_id) {
      co_await tokens.revoke_token_until(*revocation.token_id, revocation.expires_at);
    }
    if (revocation.issued_up_to_ms) {
      const auto mark = std::chrono::system_clock::time_point(
          std::chrono::duration_cast<std::chrono::system_clock::duration>(
              std::chrono::milliseconds(*revocation.issued_up_to_ms)));
      co_await tokens.revoke_account_tokens_before(revocation.account_id, mark);
    }
  }
}

boost::asio::awaitable<std::size_t> replay_revocations(mysql::Pool& pool,
                                                       auth::TokenService& tokens) {
  std::size_t pushed = 0;
  std::uint64_t after = 0;
  for (;;) {
    std::uint64_t last = after;
    auto batch = co_await pool.run(
        [&](mysql::Session& session) { return unexpired_revocations(session, after, 500, last); });
    if (batch.empty()) break;
    co_await push_revocations(tokens, batch);
    pushed += batch.size();
    after = last;
  }
  co_return pushed;
}

}  // namespace huicai::identity
