// The plain request/response structs handlers see. No Beast here on purpose.
#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <huicai/core/http/message.hpp>
#include <huicai/core/http/problem.hpp>
#include <utility>

#include "http/url_decoding.hpp"

namespace huicai::http {
namespace {

constexpr std::size_t kTypicalResponseHeaders = 6;

}  // namespace

std::string_view to_string(Method method) {
  switch (method) {
    case Method::get:
      return "GET";
    case Method::head:
      return "HEAD";
    case Method::post:
      return "POST";
    case Method::put:
      return "PUT";
    case Method::patch:
      return "PATCH";
    case Method::delete_:
      return "DELETE";
    case Method::options:
      return "OPTIONS";
    case Method::other:
      return "OTHER";
  }
  return "OTHER";
}

Method method_from_string(std::string_view text) {
  // Methods are case-sensitive (RFC 9110 9.1).
  if (text == "GET") return Method::get;
  if (text == "HEAD") return Method::head;
  if (text == "POST") return Method::post;
  if (text == "PUT") return Method::put;
  if (text == "PATCH") return Method::patch;
  if (text == "DELETE") return Method::delete_;
  if (text == "OPTIONS") return Method::options;
  return Method::other;
}

std::string_view Request::header(std::string_view lower_case_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_case_name) return value;
  }
  return {};
}

std::int64_t path_id(const Request& request, std::string_view name) {
  const auto text = request.path_param(name);
  std::int64_t id = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) {
    throw Problem(404, "not-found", "Not found",
                  std::string(name) + " '" + std::string(text) + "' does not exist");
  }
  return id;
}

std::string_view Request::path_param(std::string_view name) const {
  for (const auto& [key, value] : path_params) {
    if (key == name) return value;
  }
  return {};
}

std::optional<std::string> Request::query_param(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    const auto ampersand = rest.find('&');
    const auto pair = rest.substr(0, ampersand);
    rest = ampersand == std::string_view::npos ? std::string_view{} : rest.substr(ampersand + 1);
    const auto equals = pair.find('=');
    const auto raw_key = pair.substr(0, equals);
    // Keys are almost always plain: compare them in place and decode (allocate) only when
    // escaped. A key with a bad escape matches nothing, as before.
    if (raw_key.find_first_of("%+") == std::string_view::npos) {
      if (raw_key != name) continue;
    } else {
      const auto key = percent_decode(raw_key, true);
      if (!key || *key != name) continue;
    }
    if (equals == std::string_view::npos) return std::string{};
    auto value = percent_decode(pair.substr(equals + 1), true);
    if (!value) {
      throw Problem(400, "invalid-query", "Malformed query parameter",
                    "query parameter '" + std::string(name) + "' has a bad percent escape")
          .with("parameter", boost::json::string(name));
    }
    return value;
  }
  return std::nullopt;
}

const auth::Principal& Request::caller() const {
  if (!principal) {
    throw Problem(401, "unauthenticated", "Authentication required",
                  "this operation needs a bearer token")
        .with_header("WWW-Authenticate", "Bearer");
  }
  return *principal;
}

void Request::require_access(const auth::Owner& owner, bool hide_existence) const {
  const auto& who = caller();
  if (rule != nullptr && who.may_access(*rule, owner)) return;
  if (hide_existence) {
    throw Problem(404, "not-found", "Not found", "no such resource");
  }
  throw Problem(403, "forbidden", "Forbidden", "the caller may not access this resource");
}

auth::ListScope Request::list_scope() const {
  const auto& who = caller();
  if (rule != nullptr) {
    if (auto scope = auth::list_scope(who, *rule)) return *scope;
  }
  throw Problem(403, "forbidden", "Forbidden", "nothing in the caller's scope to list");
}

Response& Response::set_header(std::string name, std::string value) {
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (auto& [existing, existing_value] : headers) {
    if (existing == name) {
      existing_value = std::move(value);
      return *this;
    }
  }
  // A response carries about four headers (content type, ETag, cache control, request id):
  // one allocation for them instead of growing 1 -> 2 -> 4.
  if (headers.capacity() == 0) headers.reserve(kTypicalResponseHeaders);
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

Response Response::json(int status, const boost::json::value& body) {
  Response response;
  response.status = status;
  response.body = boost::json::serialize(body);
  response.set_header("content-type", "application/json");
  return response;
}

Response Response::json_text(int status, std::string body) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  response.set_header("content-type", "application/json");
  return response;
}

Response Response::empty(int status) {
  Response response;
  response.status = status;
  return response;
}

}  // namespace huicai::http
