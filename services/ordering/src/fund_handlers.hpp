#pragma once
// The handlers of the fund routes (routes_funds.cpp lists them): grants and reads of unit
// budgets and allowances and the unit's ordering settings (fund_grants.cpp), and finance's
// decisions on grants waiting for approval (grant_requests.cpp).

#include <boost/asio/awaitable.hpp>
#include <huicai/core/http/message.hpp>

#include "service_state.hpp"

namespace huicai::ordering {

using AwaitedResponse = boost::asio::awaitable<http::Response>;

AwaitedResponse put_budget(State state, http::Request& request);
AwaitedResponse get_budget(State state, http::Request& request);
AwaitedResponse put_allowance(State state, http::Request& request);
AwaitedResponse get_allowance(State state, http::Request& request);
AwaitedResponse put_ordering_settings(State state, http::Request& request);
// Pending grant requests (grant_requests.cpp).
AwaitedResponse list_grant_requests(State state, http::Request& request);
AwaitedResponse approve_grant_request(State state, http::Request& request);
AwaitedResponse reject_grant_request(State state, http::Request& request);

}  // namespace huicai::ordering
