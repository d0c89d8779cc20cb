#pragma once
// Writes a response's status line and header block as wire bytes. The body is sent from where
// it already lives (the response's own string or a page shared with a cache), so a response is
// two buffers in one writev: this block and the body.
#include <huicai/core/http/body_file.hpp>
#include <huicai/core/http/message.hpp>
#include <string>
#include <string_view>

namespace huicai::http {

struct WireResponse {
  std::string_view body;           // empty for HEAD, 204, 304 and 1xx
  const BodyFile* file = nullptr;  // a body sent from a file instead (never for HEAD)
};

// Appends the head of `response` to `head` (cleared first; its capacity is reused across the
// requests of a connection) and says which body bytes follow it. Content-Length is set from the
// body (for HEAD: the length a GET would send); Connection tells the client whether we keep
// the connection open.
WireResponse write_response_head(const Response& response, unsigned version, bool keep_alive,
                                 bool head_request, std::string& head);

}  // namespace huicai::http
