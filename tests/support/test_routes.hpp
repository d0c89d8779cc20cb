#pragma once
// Routes of a pretend service "test" that exercise the HTTP core: echo, slow, failures, a
// protected route. Used by in-process tests (TestApp) and by the huicai-test-server process.

#include <huicai/core/app/context.hpp>

namespace huicai::test {

// GET  /test/echo             -> 200 {"method","path","query","body_size","request_id"}
// POST /test/echo             -> same, for bodies
// GET  /test/slow?ms=N        -> waits N ms (at most 60 s), then 200 {"slept_ms":N}; prints
//                                "slow request started" on stdout when it begins
// GET  /test/throw            -> a std::runtime_error from the handler (500)
// GET  /test/unavailable      -> huicai::ServiceUnavailable (503 + Retry-After)
// GET  /test/problem          -> Problem 409
// GET  /test/private          -> needs the operator role (401 without a token)
void register_test_routes(app::Context& context, http::Router& router);
app::ServiceEntry test_service_entry();

}  // namespace huicai::test
