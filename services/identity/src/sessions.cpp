#include "sessions.hpp"

#include <huicai/core/events/outbox.hpp>

#include "session_repository.hpp"

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
  issued.family_id = row.family_id;
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

void apply_revocations(auth::TokenService& tokens,
                       const std::vector<auth::Revocation>& revocations) {
  for (const auto& revocation : revocations) tokens.apply(revocation);
}

auth::Revocation end_every_session(mysql::Session& session, const Config& config,
                                   std::uint64_t account_id, const std::string& reason) {
  revoke_account_refresh_tokens(session, account_id);
  end_account_sessions(session, account_id);
  auto everything = tokens_issued_until_now(account_id, config.access_token_ttl);
  record_revocation(session, everything, reason);
  return everything;
}

}  // namespace huicai::identity
