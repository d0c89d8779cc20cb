#pragma once
// The handlers of the fund routes (routes_funds.cpp lists them): grants and reads of unit
// budgets and allowances and the unit's ordering settings (fund_grants.cpp).

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

}  // namespace huicai::ordering
