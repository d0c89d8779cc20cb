#include "http/response_head.hpp"

#include <boost/beast/http/status.hpp>
#include <charconv>

namespace huicai::http {
namespace {

void append_number(std::string& out, std::uint64_t value) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, result.ptr);
}

bool is_framing_header(std::string_view lower_case_name) {
  // Set here from the body and the connection state, never taken from a handler.
  return lower_case_name == "content-length" || lower_case_name == "connection" ||
         lower_case_name == "transfer-encoding";
}

}  // namespace

WireResponse write_response_head(const Response& response, unsigned version, bool keep_alive,
                                 bool head_request, std::string& head) {
  namespace bhttp = boost::beast::http;
  head.clear();
  head += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  append_number(head, static_cast<std::uint64_t>(response.status));
  head += ' ';
  const auto reason = bhttp::obsolete_reason(bhttp::int_to_status(response.status));
  head.append(reason.data(), reason.size());
  head += "\r\n";
  for (const auto& [name, value] : response.headers) {
    if (is_framing_header(name)) continue;
    head += name;
    head += ": ";
    head += value;
    head += "\r\n";
  }
  // HTTP/1.1 keeps connections open unless told; HTTP/1.0 closes them unless told.
  if (version >= 11 && !keep_alive) head += "connection: close\r\n";
  if (version < 11 && keep_alive) head += "connection: keep-alive\r\n";

  WireResponse wire;
  const bool no_body_allowed =
      response.status == 204 || response.status == 304 || response.status < 200;
  if (!no_body_allowed && response.body_file) {
    response.body_file->flush();
    head += "content-length: ";
    append_number(head, response.body_file->size());
    head += "\r\n";
    if (!head_request) wire.file = response.body_file.get();
  } else if (!no_body_allowed) {
    const std::string_view body =
        response.shared_body ? std::string_view(*response.shared_body) : response.body;
    head += "content-length: ";
    append_number(head, body.size());
    head += "\r\n";
    if (!head_request) wire.body = body;
  }
  head += "\r\n";
  return wire;
}

}  // namespace huicai::http
