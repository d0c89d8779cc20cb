#include "http_support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <huicai/catalog/etag.hpp>
#include <huicai/catalog/field_validator.hpp>

namespace huicai::catalog {

boost::json::object parse_json_object(const http::Request& request) {
  boost::json::parse_options options;
  options.allow_invalid_utf8 = true;
  boost::system::error_code error;
  auto value = boost::json::parse(request.body, error, {}, options);
  if (error) {
    throw http::Problem(400, "malformed-json", "Malformed JSON", error.message());
  }
  if (!value.is_object()) {
    throw http::Problem(400, "malformed-json", "Malformed JSON", "the body must be a JSON object");
  }
  return std::move(value.get_object());
}

std::int64_t id_param(const http::Request& request, std::string_view name) {
  const auto text = request.path_param(name);
  std::int64_t id = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), id);
  if (result.ec != std::errc{} || result.ptr != text.data() + text.size() || id <= 0) {
    throw not_found(name);
  }
  return id;
}

std::optional<std::int64_t> if_match_version(const http::Request& request) {
  const auto parsed = parse_if_match(request.header("if-match"));
  switch (parsed.kind) {
    case IfMatch::absent:
      return std::nullopt;
    case IfMatch::version:
      return parsed.version;
    case IfMatch::unparseable:
      break;
  }
  throw http::Problem(412, "precondition-failed", "Precondition failed",
                      "If-Match must carry an ETag this API issued, like \"v3\"");
}

std::int64_t actor_id(const http::Request& request) {
  return static_cast<std::int64_t>(request.caller().account_id);
}

bool caller_has(const http::Request& request, auth::Role role) {
  return request.principal.has_value() && request.principal->has_role(role);
}

http::Problem not_found(std::string_view what) {
  return http::Problem(404, "not-found", "Not found", "no such " + std::string(what));
}

http::Problem precondition_failed(std::int64_t current_version) {
  return http::stale_version(current_version);
}

http::Problem conflict(std::string slug, std::string title, std::string detail) {
  return http::Problem(409, std::move(slug), std::move(title), std::move(detail));
}

http::Response json_with_etag(const http::Request& request, int status, std::string body,
                              const std::string& etag) {
  return json_with_etag(request, status, std::make_shared<const std::string>(std::move(body)),
                        etag);
}

http::Response json_with_etag(const http::Request& request, int status,
                              std::shared_ptr<const std::string> shared_body,
                              const std::string& etag) {
  if (status == 200 && if_none_match_hits(request.header("if-none-match"), etag)) {
    auto response = http::Response::empty(304);
    response.set_header("etag", etag);
    return response;
  }
  http::Response response;
  response.status = status;
  response.shared_body = std::move(shared_body);
  response.set_header("content-type", "application/json");
  response.set_header("etag", etag);
  return response;
}

void add_route(http::Router& router, http::Method method, std::string pattern,
               auth::AccessRule rule, http::Handler handler) {
  add_route(router, method, std::move(pattern), std::move(rule), std::move(handler), {});
}

void add_route(http::Router& router, http::Method method, std::string pattern,
               auth::AccessRule rule, http::Handler handler, http::RateLimit limit) {
  router.add(http::Route{method, std::move(pattern), "catalog", std::move(rule), std::move(handler),
                         limit});
}

std::optional<std::string> action_reason(const http::Request& request, bool required) {
  if (request.body.empty()) {
    if (required) throw validation_failed({{"reason", "is required"}});
    return std::nullopt;
  }
  const auto body = parse_json_object(request);
  FieldValidator fields(body);
  auto reason = fields.text("reason", {required, 2, 500});
  fields.throw_if_failed();
  return reason;
}

std::string status_list(const std::vector<std::string_view>& statuses) {
  std::string list;
  for (auto status : statuses) list += (list.empty() ? "" : ",") + std::string(status);
  return list;
}

std::optional<std::int64_t> positive_query(const http::Request& request, const char* name,
                                           std::vector<http::FieldError>& errors) {
  auto text = request.query_param(name);
  if (!text || text->empty()) return std::nullopt;
  try {
    std::size_t used = 0;
    const auto value = std::stoll(*text, &used);
    if (used == text->size() && value > 0) return value;
  } catch (const std::exception&) {
  }
  errors.push_back({name, "must be a positive integer"});
  return std::nullopt;
}

http::Response page_response(const http::Request& request, boost::json::array items, int limit) {
  boost::json::object body;
  const bool full = static_cast<int>(items.size()) == limit;
  body["next_cursor"] =
      full ? boost::json::value(std::to_string(items.back().as_object().at("id").as_int64()))
           : boost::json::value(nullptr);
  body["items"] = std::move(items);
  auto text = boost::json::serialize(body);
  const auto etag = content_etag(text);
  return json_with_etag(request, 200, std::move(text), etag);
}

}  // namespace huicai::catalog
