#pragma once
// Parses one HTTP/1.1 request straight into a Request: Beast's parser calls back with each
// piece, and the pieces go into the plain struct handlers see. No intermediate Beast message
// (whose header fields are allocated one by one and then copied again).
#include <boost/beast/http/basic_parser.hpp>
#include <huicai/core/http/message.hpp>

namespace huicai::http {

class RequestParser : public boost::beast::http::basic_parser<true> {
 public:
  RequestParser(Request& request, std::size_t header_limit, std::uint64_t body_limit);

  unsigned version() const { return version_; }
  // The client sent "Expect: 100-continue" and waits for an interim answer before its body.
  bool expects_continue() const { return expects_continue_; }

 private:
  using error_code = boost::system::error_code;
  using string_view = boost::beast::string_view;
  using verb = boost::beast::http::verb;
  using field = boost::beast::http::field;

  void on_request_impl(verb method, string_view method_text, string_view target, int version,
                       error_code& error) override;
  void on_response_impl(int, string_view, int, error_code&) override {}
  void on_field_impl(field name, string_view name_text, string_view value,
                     error_code& error) override;
  void on_header_impl(error_code& error) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         error_code& error) override;
  std::size_t on_body_impl(string_view body, error_code& error) override;
  void on_chunk_header_impl(std::uint64_t size, string_view extensions, error_code& error) override;
  std::size_t on_chunk_body_impl(std::uint64_t remain, string_view body,
                                 error_code& error) override;
  void on_finish_impl(error_code& error) override;

  Request& request_;
  unsigned version_ = 11;
  bool expects_continue_ = false;
};

}  // namespace huicai::http
