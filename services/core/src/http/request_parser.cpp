#include "http/request_parser.hpp"

#include <boost/beast/core/string.hpp>

namespace huicai::http {

RequestParser::RequestParser(Request& request, std::size_t header_limit, std::uint64_t body_limit)
    : request_(request) {
  this->header_limit(static_cast<std::uint32_t>(header_limit));
  this->body_limit(body_limit);
  // Parse the body in the same pass as the header when it is already in the buffer.
  this->eager(true);
  request_.headers.reserve(8);  // a typical request's fields without growing the vector
}

void RequestParser::on_request_impl(verb, string_view method_text, string_view target, int version,
                                    error_code&) {
  request_.method = method_from_string(method_text);
  request_.target.assign(target.data(), target.size());
  version_ = static_cast<unsigned>(version);
}

void RequestParser::on_field_impl(field name, string_view name_text, string_view value,
                                  error_code&) {
  if (name == field::expect && boost::beast::iequals(value, "100-continue")) {
    expects_continue_ = true;
  }
  std::string lowered(name_text.size(), '\0');
  for (std::size_t i = 0; i < name_text.size(); ++i) {
    const char c = name_text[i];
    lowered[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  request_.headers.emplace_back(std::move(lowered), std::string(value.data(), value.size()));
}

void RequestParser::on_header_impl(error_code&) {}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                                      error_code&) {
  // The parser has checked the length against the body limit already.
  if (content_length) request_.body.reserve(static_cast<std::size_t>(*content_length));
}

std::size_t RequestParser::on_body_impl(string_view body, error_code&) {
  request_.body.append(body.data(), body.size());
  return body.size();
}

void RequestParser::on_chunk_header_impl(std::uint64_t, string_view, error_code&) {}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  request_.body.append(body.data(), body.size());
  return body.size();
}

void RequestParser::on_finish_impl(error_code&) {}

}  // namespace huicai::http
