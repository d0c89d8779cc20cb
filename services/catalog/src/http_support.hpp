#pragma once
// Small helpers every catalog route uses: body parsing, path ids, preconditions, ETags and the
// problems the catalog raises. Kept here so route files read as the workflow they implement.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <huicai/core/auth/roles.hpp>
#include <huicai/core/http/message.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/http/router.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace huicai::catalog {

// Parses the body as a JSON object. Invalid UTF-8 inside strings is let through so the field
// validator can name the field; anything that is not a JSON object is a 400.
boost::json::object parse_json_object(const http::Request& request);
// A positive integer path parameter; anything else is a 404 (no such resource).
std::int64_t id_param(const http::Request& request, std::string_view name);
// The version an If-Match header asks for (nullopt when absent); 412 when it is unreadable.
std::optional<std::int64_t> if_match_version(const http::Request& request);
std::int64_t actor_id(const http::Request& request);
// A positive integer query parameter (nullopt when absent or empty); an error is added to
// `errors` under its name otherwise.
std::optional<std::int64_t> positive_query(const http::Request& request, const char* name,
                                           std::vector<http::FieldError>& errors);
bool caller_has(const http::Request& request, auth::Role role);

// The "reason" of a workflow action: from an optional JSON body {"reason": "..."} (2..500
// bytes); 422 when the action needs one and none is given.
std::optional<std::string> action_reason(const http::Request& request, bool required);
// "a,b,c": the statuses an action may start from, for the compare-and-set's IN list.
std::string status_list(const std::vector<std::string_view>& statuses);

http::Problem not_found(std::string_view what);
http::Problem precondition_failed(std::int64_t current_version);
http::Problem conflict(std::string slug, std::string title, std::string detail);

// A JSON response with an ETag; 304 (no body) when If-None-Match already has it.
http::Response json_with_etag(const http::Request& request, int status, std::string body,
                              const std::string& etag);
// The same for a body shared with a cache: sent without being copied.
http::Response json_with_etag(const http::Request& request, int status,
                              std::shared_ptr<const std::string> shared_body,
                              const std::string& etag);

// A keyset page {items, next_cursor}: the cursor is the last item's id when the page is full.
http::Response page_response(const http::Request& request, boost::json::array items, int limit);

void add_route(http::Router& router, http::Method method, std::string pattern,
               auth::AccessRule rule, http::Handler handler);
// The same with a per-caller rate limit (per account, or per address on a public route).
void add_route(http::Router& router, http::Method method, std::string pattern,
               auth::AccessRule rule, http::Handler handler, http::RateLimit limit);

}  // namespace huicai::catalog
