#pragma once
// A small blocking HTTP/1.1 client for tests. It keeps one connection alive across requests
// (and counts how many it opened, so keep-alive can be asserted), can send raw bytes, and tells
// when the server closed the connection. Every operation has a deadline; nothing blocks forever.
// Beast stays inside http_client.cpp.

#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace huicai::test {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  int status = 0;
  HeaderList headers;  // names in lower case, in the order received
  std::string body;
  bool keep_alive = true;  // false when the server announced Connection: close

  std::string header(std::string_view lower_case_name) const;  // "" when absent
  bool has_header(std::string_view lower_case_name) const;
  // Parses the body as JSON; throws std::runtime_error quoting the body when it is not JSON.
  boost::json::value json() const;
};

enum class CloseState {
  closed,      // the server closed (EOF or reset)
  still_open,  // nothing happened within the wait
  got_data,    // the server sent bytes instead
};

class HttpClient {
 public:
  HttpClient(std::string host, std::uint16_t port,
             std::chrono::milliseconds timeout = std::chrono::seconds(15));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends a request on the open connection (connecting first when there is none) and reads the
  // response. Throws std::runtime_error on a transport error or timeout.
  HttpResponse request(std::string_view method, std::string_view target, std::string body = {},
                       const HeaderList& headers = {});
  HttpResponse get(std::string_view target, const HeaderList& headers = {}) {
    return request("GET", target, {}, headers);
  }
  HttpResponse post(std::string_view target, std::string body, const HeaderList& headers = {}) {
    return request("POST", target, std::move(body), headers);
  }
  HttpResponse put(std::string_view target, std::string body, const HeaderList& headers = {}) {
    return request("PUT", target, std::move(body), headers);
  }
  HttpResponse patch(std::string_view target, std::string body, const HeaderList& headers = {}) {
    return request("PATCH", target, std::move(body), headers);
  }
  HttpResponse del(std::string_view target, const HeaderList& headers = {}) {
    return request("DELETE", target, {}, headers);
  }

  // Connections from now on leave from this local address (any of 127.0.0.0/8 on loopback), so
  // the server sees another client address. Closes the current connection.
  void bind_source(std::string local_address);

  // Sent with every request (e.g. authorization: Bearer ...). Replaces a previous value.
  void set_default_header(std::string lower_case_name, std::string value);
  void set_bearer_token(const std::string& token) {
    set_default_header("authorization", "Bearer " + token);
  }

  // Raw access for malformed-input tests.
  void send_raw(std::string_view bytes);
  HttpResponse read_response(bool head_request = false);
  CloseState wait_for_close(std::chrono::milliseconds within);

  void connect();  // opens a new connection (closing any current one)
  void close();
  bool is_open() const;
  int connections_opened() const;
  std::uint16_t local_port() const;  // of the current connection, 0 when none

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace huicai::test
