#pragma once
// Grants that wait for finance (four eyes): a budget or allowance raised above
// HUICAI_GRANT_APPROVAL_ABOVE_FEN is filed as a pending grant request instead of applied;
// someone in finance other than the requester approves it (the grant is applied in the same
// transaction) or rejects it. One pending request per budget or allowance.

#include <boost/json/object.hpp>
#include <cstdint>

#include "grants.hpp"

namespace huicai::ordering {

// Files the request (409 "grant-request-pending" when the target has one waiting) and audits
// it; returns the request as GET /v1/grant-requests lists it.
boost::json::object file_grant_request(mysql::Session& session, const http::Request& request,
                                       const GrantTarget& target, std::int64_t granted_fen,
                                       std::int64_t previous_granted_fen);

}  // namespace huicai::ordering
