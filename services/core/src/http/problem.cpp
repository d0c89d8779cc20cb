// RFC 9457 problem details as application/problem+json.
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <huicai/core/http/problem.hpp>

namespace huicai::http {

Problem::Problem(int status, std::string slug, std::string title, std::string detail)
    : status_(status),
      slug_(std::move(slug)),
      title_(std::move(title)),
      detail_(std::move(detail)) {}

Problem& Problem::with(std::string key, boost::json::value value) {
  extensions_[key] = std::move(value);
  return *this;
}

Problem& Problem::with_field_errors(const std::vector<FieldError>& errors) {
  boost::json::array list;
  for (const auto& error : errors) {
    list.push_back(boost::json::object{{"field", error.field}, {"message", error.message}});
  }
  extensions_["errors"] = std::move(list);
  return *this;
}

Problem& Problem::with_header(std::string name, std::string value) {
  headers_.emplace_back(std::move(name), std::move(value));
  return *this;
}

Response Problem::to_response(std::string_view instance, std::string_view request_id) const {
  boost::json::object body;
  body["type"] = "https://huicai.dev/problems/" + slug_;
  body["title"] = title_;
  body["status"] = status_;
  if (!detail_.empty()) body["detail"] = detail_;
  if (!instance.empty()) body["instance"] = instance;
  if (!request_id.empty()) body["request_id"] = request_id;
  // Extensions never overwrite the standard members: a handler cannot forge "status".
  for (const auto& [key, value] : extensions_) {
    if (!body.contains(key)) body[key] = value;
  }
  Response response;
  response.status = status_;
  response.body = boost::json::serialize(body);
  response.set_header("content-type", "application/problem+json");
  for (const auto& [name, value] : headers_) {
    response.set_header(name, value);
  }
  return response;
}

}  // namespace huicai::http
