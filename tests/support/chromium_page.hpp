#pragma once
// A page of headless Chromium (Debian's `chromium`) driven over the DevTools protocol, for tests
// that must act in a real browser (type into a form, press its button) rather than only load a
// URL: the browser is started with a DevTools port of its own, a page target is created and
// attached, and commands go over one WebSocket (websocket_client.hpp). No HTTP client: the
// tests' HttpClient records exchanges for the API contract check, and these are not the API's.
//
//   ChromiumPage page;
//   page.navigate("http://127.0.0.1:8080/dashboard/index.html");
//   REQUIRE(page.wait_for("!document.getElementById('sign-in').hidden", 20s));
//   page.evaluate("document.getElementById('login-form').requestSubmit()");
#include <sys/types.h>

#include <boost/json/value.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

namespace huicai::test {

class WebSocketClient;

class ChromiumPage {
 public:
  // Starts the browser on a page of width x height; throws std::runtime_error when it is not
  // installed or does not open its DevTools port within 30 s.
  explicit ChromiumPage(int width = 1600, int height = 900);
  ~ChromiumPage();  // ends the browser (it is this object's own child process)
  ChromiumPage(const ChromiumPage&) = delete;
  ChromiumPage& operator=(const ChromiumPage&) = delete;

  static bool installed();

  void navigate(const std::string& url);
  // The value of a JavaScript expression in the page (promises awaited); throws when it threw.
  boost::json::value evaluate(const std::string& expression);
  // Evaluates `expression` every 100 ms until it is true; false when `timeout` passed first.
  bool wait_for(const std::string& expression, std::chrono::milliseconds timeout);
  // Saves a PNG of the page.
  void screenshot(const std::filesystem::path& file);

 private:
  // One DevTools command to the page's session; its "result", or throws on an "error".
  boost::json::value call(const std::string& method, boost::json::object params,
                          bool to_page = true);

  pid_t pid_ = -1;
  std::filesystem::path profile_;
  std::unique_ptr<WebSocketClient> devtools_;
  std::string session_;
  std::int64_t next_id_ = 1;
};

// A JavaScript string literal of `text` (JSON quoting), for building expressions.
std::string js_string(const std::string& text);

}  // namespace huicai::test
