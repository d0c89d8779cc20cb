#pragma once
// A minimal outgoing HTTP/1.1 client for server-to-server calls (a payment channel posting its
// callback): one request per connection, plain http:// only, the whole exchange bounded by one
// deadline. Beast stays inside client.cpp.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace huicai::http {

struct OutgoingRequest {
  std::string url;  // "http://host:port/path?query"
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Host, Content-Length
  std::string content_type = "application/json";
  std::chrono::milliseconds timeout{5'000};  // connect + send + receive
};

struct IncomingResponse {
  int status = 0;
  std::string body;
};

// POSTs the request and returns the response (any status). Throws std::invalid_argument for a
// URL it cannot use and boost::system::system_error for a transport failure or timeout.
boost::asio::awaitable<IncomingResponse> post(OutgoingRequest request);

}  // namespace huicai::http
