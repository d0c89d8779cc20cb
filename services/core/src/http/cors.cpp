#include <algorithm>
#include <huicai/core/http/cors.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/http/router.hpp>
#include <stdexcept>

namespace huicai::http {
namespace {

// What a browser client of this API sends besides the CORS-safelisted headers.
constexpr std::string_view kAllowedHeaders =
    "Authorization, Content-Type, Idempotency-Key, If-Match, If-None-Match, X-Request-Id";
// What it may read from an answer besides the safelisted ones.
constexpr std::string_view kExposedHeaders = "ETag, Location, Retry-After, X-Request-Id";
// How long a browser may reuse a preflight answer.
constexpr std::string_view kPreflightMaxAgeSeconds = "600";

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

void require_origin_shape(std::string_view origin) {
  const auto scheme_end = origin.find("://");
  const bool scheme_ok =
      scheme_end != std::string_view::npos &&
      (origin.substr(0, scheme_end) == "http" || origin.substr(0, scheme_end) == "https");
  const auto host = scheme_ok ? origin.substr(scheme_end + 3) : std::string_view{};
  if (!scheme_ok || host.empty() || host.find('/') != std::string_view::npos ||
      host.find('*') != std::string_view::npos) {
    throw std::invalid_argument("an origin is scheme://host[:port] (http or https, no path): " +
                                std::string(origin));
  }
}

std::string method_list(const std::vector<Method>& methods) {
  std::string text;
  for (auto method : methods) {
    if (!text.empty()) text += ", ";
    text += to_string(method);
  }
  return text;
}

}  // namespace

CorsPolicy::CorsPolicy(std::string_view origins) {
  while (!origins.empty()) {
    const auto comma = origins.find(',');
    const auto entry = trimmed(origins.substr(0, comma));
    if (!entry.empty()) {
      require_origin_shape(entry);
      origins_.emplace_back(entry);
    }
    if (comma == std::string_view::npos) break;
    origins.remove_prefix(comma + 1);
  }
}

bool CorsPolicy::allows(std::string_view origin) const {
  return !origin.empty() && std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

std::optional<Response> CorsPolicy::preflight(const Request& request, const Router& router) const {
  if (request.method != Method::options) return std::nullopt;
  const auto origin = request.header("origin");
  if (origin.empty() || request.header("access-control-request-method").empty()) {
    return std::nullopt;
  }
  if (!allows(origin)) {
    return Problem(403, "cors-origin-not-allowed", "Origin not allowed",
                   "this origin is not in HUICAI_CORS_ORIGINS")
        .to_response(request.path, request.request_id);
  }
  const auto match = router.match(Method::options, request.path);
  if (match.allowed.empty()) {
    return Problem(404, "not-found", "Not found", "no route for this path")
        .to_response(request.path, request.request_id);
  }
  auto response = Response::empty(204);
  response.set_header("access-control-allow-origin", std::string(origin));
  response.set_header("access-control-allow-methods", method_list(match.allowed));
  response.set_header("access-control-allow-headers", std::string(kAllowedHeaders));
  response.set_header("access-control-max-age", std::string(kPreflightMaxAgeSeconds));
  response.set_header("vary", "Origin");
  return response;
}

void CorsPolicy::decorate(const Request& request, Response& response) const {
  const auto origin = request.header("origin");
  if (!allows(origin)) return;
  response.set_header("access-control-allow-origin", std::string(origin));
  response.set_header("access-control-expose-headers", std::string(kExposedHeaders));
  response.set_header("vary", "Origin");
}

}  // namespace huicai::http
