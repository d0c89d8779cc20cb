#pragma once
// RFC 9457 problem details. Handlers throw Problem (or return problem_response) for any client
// error; the server turns it into an application/problem+json response with a stable `type`.

#include <boost/json/object.hpp>
#include <huicai/core/errors.hpp>
#include <huicai/core/http/message.hpp>
#include <stdexcept>
#include <string>

namespace huicai::http {

struct FieldError {
  std::string field;  // JSON pointer-ish path: "lines[2].quantity"
  std::string message;
};

class Problem : public std::exception {
 public:
  // slug becomes type "https://huicai.dev/problems/<slug>", e.g. "validation-failed".
  Problem(int status, std::string slug, std::string title, std::string detail = {});
  Problem& with(std::string key, boost::json::value value);           // extension member
  Problem& with_field_errors(const std::vector<FieldError>& errors);  // "errors": [...]
  Problem& with_header(std::string name, std::string value);          // e.g. Retry-After, Allow

  int status() const { return status_; }
  const char* what() const noexcept override { return title_.c_str(); }
  Response to_response(std::string_view instance, std::string_view request_id) const;

 private:
  int status_;
  std::string slug_;
  std::string title_;
  std::string detail_;
  boost::json::object extensions_;
  Headers headers_;
};

}  // namespace huicai::http
