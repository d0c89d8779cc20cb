// Headless Chromium over the DevTools protocol (chromium_page.hpp).
#include "chromium_page.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "websocket_client.hpp"

extern char** environ;

namespace huicai::test {

namespace {

constexpr auto kAnswerTimeout = std::chrono::seconds(30);

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  std::string rest = path;
  while (!rest.empty()) {
    const auto colon = rest.find(':');
    const auto dir = rest.substr(0, colon);
    if (!dir.empty() && ::access((std::filesystem::path(dir) / program).c_str(), X_OK) == 0)
      return true;
    if (colon == std::string::npos) break;
    rest.erase(0, colon + 1);
  }
  return false;
}

std::filesystem::path fresh_profile() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "huicai-chromium-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

// Chromium writes "<port>\n<browser target path>\n" here once its DevTools port is open.
bool read_active_port(const std::filesystem::path& profile, std::uint16_t& port,
                      std::string& path) {
  std::ifstream file(profile / "DevToolsActivePort");
  std::string port_text;
  if (!std::getline(file, port_text) || !std::getline(file, path) || path.empty()) return false;
  port = static_cast<std::uint16_t>(std::stoi(port_text));
  return true;
}

std::string decode_base64(const std::string& text) {
  if (sodium_init() < 0) throw std::runtime_error("sodium_init");
  std::string bytes(text.size(), '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), text.data(),
                        text.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    throw std::runtime_error("screenshot: not base64");
  }
  bytes.resize(length);
  return bytes;
}

}  // namespace

bool ChromiumPage::installed() {
  return on_path("chromium");
}

ChromiumPage::ChromiumPage(int width, int height) : profile_(fresh_profile()) {
  if (!installed()) throw std::runtime_error("chromium is not installed (deploy/install.sh)");
  std::vector<std::string> arguments{
      "chromium",
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      "--hide-scrollbars",
      "--no-first-run",
      "--disable-extensions",
      "--user-data-dir=" + profile_.string(),
      "--window-size=" + std::to_string(width) + "," + std::to_string(height),
      "--remote-debugging-port=0",
      "about:blank"};
  std::vector<char*> argv;
  argv.reserve(arguments.size() + 1);
  for (auto& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  const int spawned = posix_spawnp(&pid_, "chromium", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) throw std::runtime_error("chromium could not be started");

  std::uint16_t port = 0;
  std::string browser_path;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!read_active_port(profile_, port, browser_path)) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("chromium did not open its DevTools port in 30 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  devtools_ = std::make_unique<WebSocketClient>("127.0.0.1", port, browser_path,
                                                std::vector<std::string>{});
  if (!devtools_->open()) throw std::runtime_error("DevTools WebSocket refused");
  const auto target = call("Target.createTarget", {{"url", "about:blank"}}, false);
  const auto attached =
      call("Target.attachToTarget",
           {{"targetId", target.as_object().at("targetId")}, {"flatten", true}}, false);
  session_ = std::string(attached.as_object().at("sessionId").as_string());
  call("Emulation.setDeviceMetricsOverride",
       {{"width", width}, {"height", height}, {"deviceScaleFactor", 1}, {"mobile", false}});
  call("Page.enable", {});
}

ChromiumPage::~ChromiumPage() {
  devtools_.reset();
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 50 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (::waitpid(pid_, &status, WNOHANG) == 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
  }
  std::error_code ignored;
  std::filesystem::remove_all(profile_, ignored);
}

boost::json::value ChromiumPage::call(const std::string& method, boost::json::object params,
                                      bool to_page) {
  const auto id = next_id_++;
  boost::json::object message{
      {"id", id}, {"method", method}, {"params", boost::json::value(std::move(params))}};
  if (to_page) message["sessionId"] = session_;
  if (!devtools_->send(boost::json::serialize(message))) {
    throw std::runtime_error("DevTools: cannot send " + method);
  }
  const auto deadline = std::chrono::steady_clock::now() + kAnswerTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto text = devtools_->read(kAnswerTimeout);
    if (!text) break;
    auto answer = boost::json::parse(*text).as_object();
    const auto* answered = answer.if_contains("id");
    if (!answered || !answered->is_int64() || answered->as_int64() != id) continue;  // an event
    if (const auto* error = answer.if_contains("error")) {
      throw std::runtime_error("DevTools " + method + ": " + boost::json::serialize(*error));
    }
    return answer["result"];
  }
  throw std::runtime_error("DevTools: no answer to " + method);
}

void ChromiumPage::navigate(const std::string& url) {
  call("Page.navigate", {{"url", url}});
}

boost::json::value ChromiumPage::evaluate(const std::string& expression) {
  auto result = call("Runtime.evaluate",
                     {{"expression", expression}, {"returnByValue", true}, {"awaitPromise", true}});
  if (const auto* thrown = result.as_object().if_contains("exceptionDetails")) {
    throw std::runtime_error("page script failed: " + boost::json::serialize(*thrown));
  }
  const auto& value = result.as_object().at("result").as_object();
  const auto* found = value.if_contains("value");
  return found ? *found : boost::json::value();
}

bool ChromiumPage::wait_for(const std::string& expression, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto value = evaluate(expression);
    if (value.is_bool() && value.as_bool()) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

void ChromiumPage::screenshot(const std::filesystem::path& file) {
  const auto result = call("Page.captureScreenshot", {{"format", "png"}});
  std::ofstream out(file, std::ios::binary);
  out << decode_base64(std::string(result.as_object().at("data").as_string()));
}

std::string js_string(const std::string& text) {
  return boost::json::serialize(boost::json::value(text));
}

}  // namespace huicai::test
