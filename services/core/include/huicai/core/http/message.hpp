#pragma once
// Plain request and response structs. Handlers see only these; Beast stays inside the server's
// own source files so handler files compile in a fraction of the time.

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <huicai/core/auth/list_scope.hpp>
#include <huicai/core/auth/roles.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace huicai::http {

class BodyFile;           // body_file.hpp
struct WebSocketUpgrade;  // huicai/core/http/websocket.hpp

enum class Method : std::uint8_t { get, head, post, put, patch, delete_, options, other };
std::string_view to_string(Method method);
Method method_from_string(std::string_view text);

using Headers = std::vector<std::pair<std::string, std::string>>;  // names in lower case

struct Request {
  Method method = Method::get;
  std::string target;  // as sent: path and query
  std::string path;    // decoded path without the query
  std::string query;   // raw query string without '?'
  Headers headers;
  std::string body;
  // The client: the TCP peer, or, behind a trusted proxy (HUICAI_TRUSTED_PROXIES), the address
  // it reports in X-Forwarded-For. What per-source limits and logs use.
  std::string remote_address;
  std::string peer_address;  // the TCP peer itself
  std::string request_id;    // from X-Request-Id when sane, else generated

  // Filled by the router and middleware before the handler runs.
  std::vector<std::pair<std::string, std::string>> path_params;
  const auth::AccessRule* rule = nullptr;
  std::optional<auth::Principal> principal;

  std::string_view header(std::string_view lower_case_name) const;      // "" when absent
  std::string_view path_param(std::string_view name) const;             // "" when absent
  std::optional<std::string> query_param(std::string_view name) const;  // percent-decoded
  // The caller, or throws Problem 401 (only reached on a public route by mistake).
  const auth::Principal& caller() const;
  // Throws Problem 403 (or 404 when hide_existence) unless the caller may access the owner.
  void require_access(const auth::Owner& owner, bool hide_existence = false) const;
  // The rows a list may show the caller under the route's rule (auth::list_scope), or throws
  // Problem 403 when its roles anchor nothing (a supplier role on an account with no supplier).
  auth::ListScope list_scope() const;
};

// The positive integer id in path parameter `name`, or throws Problem 404 (a path naming no
// number names no resource). Found by argument-dependent lookup: `path_id(request, "order_id")`.
std::int64_t path_id(const Request& request, std::string_view name);

struct Response {
  int status = 200;
  Headers headers;  // Content-Type defaults to application/json when a body is set
  std::string body;
  // A body shared with a cache, sent as it is (no copy per response); used instead of `body`
  // when set. Hot catalog pages are several KB: copying each into every response cost more than
  // the rest of the request.
  std::shared_ptr<const std::string> shared_body;
  // A body written to a temporary file (a large export), sent in chunks; used instead of the
  // others when set.
  std::shared_ptr<BodyFile> body_file;
  // Set by accept_websocket() (huicai/core/http/websocket.hpp): the transport completes the
  // WebSocket handshake and hands the connection over instead of sending this response.
  std::shared_ptr<WebSocketUpgrade> websocket;

  Response& set_header(std::string name, std::string value);
  static Response json(int status, const boost::json::value& body);
  // A body that is JSON text already (huicai/core/json_text.hpp).
  static Response json_text(int status, std::string body);
  static Response empty(int status);  // 204, 304, ...
};

}  // namespace huicai::http
