#pragma once
// Routes: method + pattern ("/v1/orders/{order_id}") + access rule + handler. Every route
// declares its rule: registering one without a rule is impossible by construction, and the
// matrix test enumerates routes() to check each against the authorization table.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <huicai/core/auth/roles.hpp>
#include <huicai/core/http/message.hpp>
#include <optional>
#include <string>
#include <vector>

namespace huicai::http {

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

struct RateLimit {
  int requests = 0;  // per caller (account, or IP when public) per window; 0 = no limit
  std::chrono::seconds window{60};
};

struct Route {
  Method method;
  std::string pattern;  // segments; "{name}" captures one segment
  std::string service;  // owning service, e.g. "catalog" (for metrics and OpenAPI checks)
  auth::AccessRule rule;
  Handler handler;
  RateLimit rate_limit;
};

struct RouteMatch {
  const Route* route = nullptr;                             // null: no match
  std::vector<std::pair<std::string, std::string>> params;  // captured segments
  std::vector<Method> allowed;                              // when path matched, method did not
};

class Router {
 public:
  // A match ranks candidates with one bit per segment, so patterns are at most this long.
  static constexpr std::size_t kMaxSegments = 64;

  // Throws std::logic_error on a duplicate (method, pattern) or a malformed pattern.
  void add(Route route);
  // Allocates only for the result: the captured params, or the Allow list of a 405.
  RouteMatch match(Method method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Segment {
    std::string text;  // the literal, or the parameter's name
    bool parameter = false;
  };
  // routes_[i]'s pattern split once at add(), so matching never re-parses patterns.
  std::vector<std::vector<Segment>> segments_;
  std::vector<Route> routes_;
};

}  // namespace huicai::http
