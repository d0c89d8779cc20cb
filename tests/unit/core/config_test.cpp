// Config: defaults, HUICAI_* overrides, errors that name the variable, and the documented table
// in docs/configuration.md staying in step with Config::entries().
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <huicai/core/config.hpp>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>

using huicai::Config;

namespace {

// Sets environment variables for one scope and restores what was there before.
class ScopedEnvironment {
 public:
  ScopedEnvironment() = default;
  ScopedEnvironment(const ScopedEnvironment&) = delete;
  ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;
  ScopedEnvironment& set(const std::string& name, const std::string& value) {
    remember(name);
    ::setenv(name.c_str(), value.c_str(), 1);
    return *this;
  }
  ScopedEnvironment& unset(const std::string& name) {
    remember(name);
    ::unsetenv(name.c_str());
    return *this;
  }
  ~ScopedEnvironment() {
    for (const auto& [name, value] : saved_) {
      if (value) {
        ::setenv(name.c_str(), value->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
  }

 private:
  void remember(const std::string& name) {
    if (saved_.count(name) == 0) {
      const char* old = std::getenv(name.c_str());
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
    }
  }
  std::map<std::string, std::optional<std::string>> saved_;
};

// A test must not depend on what the developer has exported: clear every HUICAI_* setting.
void clear_settings(ScopedEnvironment& environment) {
  for (const auto& entry : Config::entries()) {
    environment.unset(entry.name);
  }
}

std::string invalid_argument_message(const std::function<void()>& action) {
  try {
    action();
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  FAIL("expected std::invalid_argument");
  return {};
}

std::string shown_default(const std::string& value) {
  return value.empty() ? "(empty)" : value;
}

// The markdown table docs/configuration.md must contain, generated from entries().
std::string expected_table() {
  std::ostringstream table;
  table << "| Variable | Default | Description |\n|---|---|---|\n";
  for (const auto& entry : Config::entries()) {
    table << "| `" << entry.name << "` | `" << shown_default(entry.default_value) << "` | "
          << entry.description << " |\n";
  }
  return table.str();
}

struct DocumentedSetting {
  std::string default_value;
  std::string description;
};

// Rows "| `HUICAI_X` | `default` | description |" of the documentation.
std::map<std::string, DocumentedSetting> documented_settings(const std::string& path) {
  std::ifstream file(path);
  REQUIRE(file.good());
  std::map<std::string, DocumentedSetting> result;
  std::string line;
  while (std::getline(file, line)) {
    if (line.rfind("| `HUICAI_", 0) != 0) {
      continue;
    }
    std::vector<std::string> cells;
    std::istringstream row(line.substr(1));
    std::string cell;
    while (std::getline(row, cell, '|')) {
      const auto first = cell.find_first_not_of(' ');
      const auto last = cell.find_last_not_of(' ');
      cells.push_back(first == std::string::npos ? "" : cell.substr(first, last - first + 1));
    }
    REQUIRE(cells.size() >= 3);
    const auto unquote = [](const std::string& text) {
      return text.size() >= 2 && text.front() == '`' && text.back() == '`'
                 ? text.substr(1, text.size() - 2)
                 : text;
    };
    result[unquote(cells[0])] = {unquote(cells[1]), cells[2]};
  }
  return result;
}

// Every string literal "HUICAI_..." in the services' sources: a service that read a variable by
// itself, outside Config, would show up here.
std::set<std::string> variables_named_in_sources() {
  const std::regex literal("\"(HUICAI_[A-Z0-9_]+)\"");
  std::set<std::string> names;
  const auto root = std::filesystem::path(HUICAI_SOURCE_DIR) / "services";
  for (const auto& file : std::filesystem::recursive_directory_iterator(root)) {
    const auto extension = file.path().extension();
    if (!file.is_regular_file() || (extension != ".cpp" && extension != ".hpp")) {
      continue;
    }
    std::ifstream in(file.path());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (std::sregex_iterator match(text.begin(), text.end(), literal), end; match != end;
         ++match) {
      names.insert((*match)[1].str());
    }
  }
  return names;
}

}  // namespace

TEST_CASE("defaults work with the local stack", "[config]") {
  ScopedEnvironment environment;
  clear_settings(environment);
  const Config config = Config::from_environment();
  CHECK(config.http_address == "127.0.0.1");
  CHECK(config.http_port == 8080);
  CHECK(config.mysql_port == 13306);
  CHECK(config.mysql_user == "huicai");
  CHECK(config.redis_port == 16379);
  CHECK(config.http_read_timeout == std::chrono::milliseconds(10'000));
  CHECK(config.mysql_connect_timeout == std::chrono::seconds(3));
  CHECK(config.access_log);
}

TEST_CASE("every setting is read from its HUICAI_* variable", "[config]") {
  ScopedEnvironment environment;
  clear_settings(environment);
  environment.set("HUICAI_HTTP_ADDRESS", "0.0.0.0")
      .set("HUICAI_HTTP_PORT", "0")
      .set("HUICAI_HTTP_BODY_LIMIT", "4096")
      .set("HUICAI_HTTP_READ_TIMEOUT_MS", "250")
      .set("HUICAI_MYSQL_PASSWORD", "")
      .set("HUICAI_MYSQL_POOL_SIZE", "4")
      .set("HUICAI_MYSQL_CONNECT_TIMEOUT_SECONDS", "7")
      .set("HUICAI_REDIS_PORT", "6380")
      .set("HUICAI_REDIS_COMMAND_TIMEOUT_MS", "1500")
      .set("HUICAI_TOKEN_SECRET", std::string(40, 'k'))
      .set("HUICAI_ACCESS_TOKEN_TTL_SECONDS", "60")
      .set("HUICAI_ACCESS_LOG", "off");
  const Config config = Config::from_environment();
  CHECK(config.http_address == "0.0.0.0");
  CHECK(config.http_port == 0);
  CHECK(config.http_body_limit == 4096);
  CHECK(config.http_read_timeout == std::chrono::milliseconds(250));
  CHECK(config.mysql_password.empty());
  CHECK(config.mysql_pool_size == 4);
  CHECK(config.mysql_connect_timeout == std::chrono::seconds(7));
  CHECK(config.redis_port == 6380);
  CHECK(config.redis_command_timeout == std::chrono::milliseconds(1500));
  CHECK(config.token_secret == std::string(40, 'k'));
  CHECK(config.access_token_ttl == std::chrono::seconds(60));
  CHECK_FALSE(config.access_log);
  // Untouched settings keep their defaults.
  CHECK(config.mysql_port == 13306);
}

TEST_CASE("ordering's settings are Config entries too", "[config]") {
  ScopedEnvironment environment;
  clear_settings(environment);
  const Config defaults = Config::from_environment();
  CHECK(defaults.order_payment_timeout == std::chrono::seconds(1800));
  CHECK(defaults.order_auto_receive == std::chrono::days(7));
  CHECK(defaults.payment_sandbox_callback_url.empty());
  CHECK(defaults.payment_callback_worker);
  environment.set("HUICAI_ORDER_AUTO_RECEIVE_DAYS", "3")
      .set("HUICAI_ORDER_SWEEP_INTERVAL_MS", "0")
      .set("HUICAI_PAYMENT_SANDBOX_SECRET", "another-secret")
      .set("HUICAI_PAYMENT_SANDBOX_CALLBACK_URL",
           "http://10.0.0.5:8080/v1/payments/callbacks/sandbox")
      .set("HUICAI_PAYMENT_CALLBACK_WORKER", "off")
      .set("HUICAI_PAYMENT_CALLBACK_ATTEMPTS", "3")
      .set("HUICAI_PAYMENT_CALLBACK_BACKOFF_MS", "250");
  const Config config = Config::from_environment();
  CHECK(config.order_auto_receive == std::chrono::days(3));
  CHECK(config.order_sweep_interval.count() == 0);
  CHECK(config.payment_sandbox_secret == "another-secret");
  CHECK(config.payment_sandbox_callback_url ==
        "http://10.0.0.5:8080/v1/payments/callbacks/sandbox");
  CHECK_FALSE(config.payment_callback_worker);
  CHECK(config.payment_callback_attempts == 3);
  CHECK(config.payment_callback_backoff == std::chrono::milliseconds(250));
  ScopedEnvironment invalid;
  invalid.set("HUICAI_PAYMENT_CALLBACK_ATTEMPTS", "0");
  CHECK(invalid_argument_message([] {
          Config::from_environment();
        }).rfind("HUICAI_PAYMENT_CALLBACK_ATTEMPTS: ", 0) == 0);
}

TEST_CASE("the catalog's price margin is whole basis points from 0 to 100000", "[config]") {
  ScopedEnvironment environment;
  clear_settings(environment);
  CHECK(Config::from_environment().catalog_price_margin_bp == 1000);
  for (const char* accepted : {"0", "1000", "100000"}) {
    environment.set("HUICAI_CATALOG_PRICE_MARGIN_BP", accepted);
    CHECK(Config::from_environment().catalog_price_margin_bp == std::stoul(accepted));
  }
  for (const char* refused : {"100001", "-1", "10%"}) {
    ScopedEnvironment invalid;
    invalid.set("HUICAI_CATALOG_PRICE_MARGIN_BP", refused);
    CHECK(invalid_argument_message([] {
            Config::from_environment();
          }).rfind("HUICAI_CATALOG_PRICE_MARGIN_BP: ", 0) == 0);
  }
}

TEST_CASE("every setting can be overridden", "[config]") {
  // Setting each variable to its own default text must parse: the shown default is valid input.
  ScopedEnvironment environment;
  clear_settings(environment);
  for (const auto& entry : Config::entries()) {
    environment.set(entry.name, entry.default_value);
  }
  const Config config = Config::from_environment();
  CHECK(config.http_port == Config{}.http_port);
  CHECK(config.token_secret == Config{}.token_secret);
}

TEST_CASE("an invalid value names the variable", "[config]") {
  ScopedEnvironment environment;
  clear_settings(environment);
  const std::vector<std::pair<std::string, std::string>> invalid = {
      {"HUICAI_HTTP_PORT", "65536"},
      {"HUICAI_HTTP_PORT", "-1"},
      {"HUICAI_HTTP_PORT", "80x"},
      {"HUICAI_HTTP_PORT", " 80"},
      {"HUICAI_HTTP_PORT", ""},
      {"HUICAI_MYSQL_POOL_SIZE", "0"},
      {"HUICAI_HTTP_BODY_LIMIT", "1e6"},
      {"HUICAI_HTTP_READ_TIMEOUT_MS", "1.5"},
      {"HUICAI_HTTP_READ_TIMEOUT_MS", "99999999999999999999"},
      {"HUICAI_MYSQL_HOST", ""},
      {"HUICAI_TOKEN_SECRET", "short"},
      {"HUICAI_ACCESS_LOG", "maybe"},
  };
  for (const auto& [name, value] : invalid) {
    ScopedEnvironment one;
    one.set(name, value);
    const std::string message = invalid_argument_message([] { Config::from_environment(); });
    INFO(name << "=" << value << " -> " << message);
    CHECK(message.rfind(name + ": ", 0) == 0);
  }
}

TEST_CASE("a secret's invalid value is not echoed in the error", "[config]") {
  ScopedEnvironment environment;
  clear_settings(environment);
  environment.set("HUICAI_TOKEN_SECRET", "my-short-secret");
  const std::string message = invalid_argument_message([] { Config::from_environment(); });
  CHECK(message.find("my-short-secret") == std::string::npos);
}

TEST_CASE("variable names are unique, upper case and say their unit", "[config]") {
  std::set<std::string> names;
  for (const auto& entry : Config::entries()) {
    INFO(entry.name);
    CHECK(names.insert(entry.name).second);
    CHECK(entry.name.rfind("HUICAI_", 0) == 0);
    CHECK(entry.name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") ==
          std::string::npos);
    CHECK_FALSE(entry.description.empty());
    // Whole words of the name ("SETTLEMENT" holds the letters TTL but is no lifetime).
    const auto has_word = [&](const std::string& word) {
      const std::string name = entry.name + "_";
      return name.find("_" + word + "_") != std::string::npos;
    };
    const bool is_duration = has_word("TIMEOUT") || has_word("TTL") || has_word("DEADLINE");
    if (is_duration) {
      const bool has_unit = entry.name.ends_with("_MS") || entry.name.ends_with("_SECONDS");
      CHECK(has_unit);
    }
  }
  CHECK(names.size() >= 26);
}

TEST_CASE("docs/configuration.md documents every setting with its default", "[config]") {
  const std::string path = std::string(HUICAI_SOURCE_DIR) + "/docs/configuration.md";
  if (const char* update = std::getenv("HUICAI_UPDATE_DOCS");
      update && std::string(update) == "1") {
    // Regenerates the table in place, keeping the text around it.
    std::ifstream in(path);
    std::string before, after, line;
    bool in_table = false, past_table = false;
    while (std::getline(in, line)) {
      const bool is_row = line.rfind('|', 0) == 0;
      if (is_row && !past_table) {
        in_table = true;
        continue;
      }
      if (in_table && !is_row) {
        past_table = true;
        in_table = false;
      }
      (past_table ? after : before) += line + "\n";
    }
    std::ofstream(path) << before << expected_table() << after;
  }

  const auto documented = documented_settings(path);
  std::set<std::string> in_code;
  for (const auto& entry : Config::entries()) {
    in_code.insert(entry.name);
    INFO("Regenerate with HUICAI_UPDATE_DOCS=1, or paste this table into " << path << ":\n"
                                                                           << expected_table());
    const auto found = documented.find(entry.name);
    REQUIRE(found != documented.end());
    CHECK(found->second.default_value == shown_default(entry.default_value));
    CHECK_FALSE(found->second.description.empty());
  }
  // Services read settings only through Config: one table, nothing on the side.
  for (const auto& name : variables_named_in_sources()) {
    INFO(name << " is named in services/ but is not a Config entry");
    CHECK(in_code.count(name) == 1);
  }
  for (const auto& [name, _] : documented) {
    INFO(name << " is documented but nothing reads it");
    CHECK(in_code.count(name) == 1);
  }
}
