// Configuration from HUICAI_* environment variables. The table below is the single list of
// settings: from_environment() parses with it and entries() documents it, so a setting cannot
// be read without also being listed (and config_test.cpp checks docs/configuration.md).
#include <charconv>
#include <cstdlib>
#include <functional>
#include <huicai/core/config.hpp>
#include <huicai/core/http/cors.hpp>
#include <huicai/core/http/trusted_proxies.hpp>
#include <huicai/core/mysql/endpoints.hpp>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <type_traits>

namespace huicai {
namespace {

// One setting: how to show its current value and how to read it from text.
struct Setting {
  std::string name;
  std::string description;
  std::function<std::string(const Config&)> show;
  std::function<void(Config&, std::string_view text)> parse;  // throws std::invalid_argument
};

// Limits checked on top of the type's own range.
struct Bounds {
  std::uint64_t minimum = 0;
  std::uint64_t maximum = std::numeric_limits<std::uint64_t>::max();
};

std::string upper_case(std::string_view text) {
  std::string result(text);
  for (char& c : result) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return result;
}

// Decimal digits only: no sign, no spaces, no "0x", no trailing text.
std::uint64_t parse_unsigned(std::string_view text, const Bounds& bounds) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) {
    throw std::invalid_argument("expected a non-negative integer");
  }
  if (value < bounds.minimum || value > bounds.maximum) {
    throw std::invalid_argument("expected an integer from " + std::to_string(bounds.minimum) +
                                " to " + std::to_string(bounds.maximum));
  }
  return value;
}

bool parse_bool(std::string_view text) {
  for (std::string_view yes : {"1", "true", "yes", "on"}) {
    if (text == yes) {
      return true;
    }
  }
  for (std::string_view no : {"0", "false", "no", "off"}) {
    if (text == no) {
      return false;
    }
  }
  throw std::invalid_argument("expected true/false, 1/0, yes/no or on/off");
}

template <class T>
struct is_duration : std::false_type {};
template <class Rep, class Period>
struct is_duration<std::chrono::duration<Rep, Period>> : std::true_type {};

// The variable name says the unit of a duration: HUICAI_HTTP_READ_TIMEOUT_MS,
// HUICAI_MYSQL_CONNECT_TIMEOUT_SECONDS.
template <class T>
std::string unit_suffix() {
  if constexpr (std::is_same_v<T, std::chrono::milliseconds>) {
    return "_MS";
  } else if constexpr (std::is_same_v<T, std::chrono::seconds>) {
    return "_SECONDS";
  } else if constexpr (std::is_same_v<T, std::chrono::days>) {
    return "_DAYS";
  } else {
    static_assert(!is_duration<T>::value, "add a suffix for this duration unit");
    return "";
  }
}

// Builds the Setting for Config::*member, named HUICAI_<MEMBER><unit suffix>.
template <class T>
Setting setting(std::string_view member_name, T Config::*member, std::string description,
                Bounds bounds = {}) {
  Setting result;
  result.name = "HUICAI_" + upper_case(member_name) + unit_suffix<T>();
  result.description = std::move(description);
  result.show = [member](const Config& config) -> std::string {
    const T& value = config.*member;
    if constexpr (std::is_same_v<T, std::string>) {
      return value;
    } else if constexpr (std::is_same_v<T, bool>) {
      return value ? "true" : "false";
    } else if constexpr (is_duration<T>::value) {
      return std::to_string(value.count());
    } else {
      return std::to_string(value);
    }
  };
  result.parse = [member, bounds](Config& config, std::string_view text) {
    (void)bounds;  // booleans have none
    T& value = config.*member;
    if constexpr (std::is_same_v<T, std::string>) {
      if (text.size() < bounds.minimum) {
        throw std::invalid_argument("expected at least " + std::to_string(bounds.minimum) +
                                    " characters");
      }
      value = std::string(text);
    } else if constexpr (std::is_same_v<T, bool>) {
      value = parse_bool(text);
    } else if constexpr (is_duration<T>::value) {
      Bounds limited = bounds;
      limited.maximum = std::min<std::uint64_t>(
          limited.maximum, static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max()));
      value = T(static_cast<typename T::rep>(parse_unsigned(text, limited)));
    } else {
      static_assert(std::is_integral_v<T> && std::is_unsigned_v<T>, "unsupported setting type");
      Bounds limited = bounds;
      limited.maximum = std::min<std::uint64_t>(limited.maximum, std::numeric_limits<T>::max());
      value = static_cast<T>(parse_unsigned(text, limited));
    }
  };
  return result;
}

#define HUICAI_SETTING(member, ...) setting(#member, &Config::member, __VA_ARGS__)

// A setting whose variable is not HUICAI_<MEMBER> (HUICAI_ENV, a name other tools know).
Setting named(std::string name, Setting setting) {
  setting.name = std::move(name);
  return setting;
}

// A setting whose text must also pass `check` (which throws std::invalid_argument).
Setting checked(Setting setting, std::function<void(std::string_view)> check) {
  setting.parse = [parse = std::move(setting.parse), check = std::move(check)](
                      Config& config, std::string_view text) {
    check(text);
    parse(config, text);
  };
  return setting;
}

constexpr Bounds at_least_one{1};
constexpr Bounds any_port{0, 65'535};
constexpr Bounds non_empty{1};

const std::vector<Setting>& settings() {
  static const std::vector<Setting> table = {
      // HTTP
      HUICAI_SETTING(http_address, "Address the HTTP server binds to", non_empty),
      HUICAI_SETTING(http_port, "HTTP port (0 picks a free port)", any_port),
      HUICAI_SETTING(http_header_limit, "Largest request head in bytes (beyond: 431)",
                     at_least_one),
      HUICAI_SETTING(http_body_limit, "Largest request body in bytes (beyond: 413)"),
      HUICAI_SETTING(http_read_timeout, "Time allowed to receive one whole request", at_least_one),
      HUICAI_SETTING(http_idle_timeout, "Keep-alive connection closed after this idle time",
                     at_least_one),
      HUICAI_SETTING(http_shutdown_deadline,
                     "On SIGTERM, in-flight requests get this long before the process exits"),
      HUICAI_SETTING(http_max_connections, "Open connections beyond this are refused",
                     at_least_one),
      HUICAI_SETTING(http_max_connections_per_ip,
                     "Open connections one client address may hold (beyond: 503 and closed); "
                     "trusted proxies are exempt",
                     at_least_one),
      checked(
          HUICAI_SETTING(trusted_proxies,
                         "Comma-separated addresses and CIDR networks of reverse proxies whose "
                         "X-Forwarded-For names the client (empty: the TCP peer is the client)"),
          [](std::string_view text) { http::TrustedProxies::parse(text); }),
      HUICAI_SETTING(metrics_port,
                     "Port of the loopback-only listener serving /metrics (0 = no such "
                     "listener); worker N of HUICAI_HTTP_WORKERS listens on this + N",
                     any_port),
      HUICAI_SETTING(metrics_token,
                     "Bearer token that makes /metrics answer on the API port (empty: /metrics "
                     "is 404 there)"),
      checked(HUICAI_SETTING(cors_origins,
                             "Comma-separated browser origins (scheme://host[:port]) allowed to "
                             "call the API cross-origin; others get no CORS headers (empty: none)"),
              [](std::string_view text) { http::CorsPolicy{text}; }),
      HUICAI_SETTING(openapi_path,
                     "The OpenAPI document served at GET /openapi.yaml (relative: to the "
                     "working directory)"),
      HUICAI_SETTING(docs_ui_dir,
                     "Folder of the Swagger UI bundle (npm swagger-ui-dist) behind GET /docs "
                     "(relative: to the working directory)"),
      HUICAI_SETTING(http_workers,
                     "Worker processes serving the port together (SO_REUSEPORT), one per core",
                     Bounds{1, 64}),
      // MySQL / MariaDB
      HUICAI_SETTING(mysql_host, "MySQL/MariaDB host", non_empty),
      HUICAI_SETTING(mysql_port, "MySQL/MariaDB port", Bounds{1, 65'535}),
      checked(HUICAI_SETTING(mysql_fallback_hosts,
                             "Comma-separated host:port of further servers of the same database "
                             "(Galera nodes), tried in order when a connection cannot reach the "
                             "one before (empty: none)"),
              [](std::string_view text) { mysql::parse_endpoints(text); }),
      HUICAI_SETTING(mysql_user, "Application user (SELECT/INSERT/UPDATE/DELETE only)", non_empty),
      HUICAI_SETTING(mysql_password, "Application user's password"),
      HUICAI_SETTING(mysql_database, "Database name", non_empty),
      HUICAI_SETTING(mysql_admin_user,
                     "User `huicai migrate` runs DDL as (all privileges on the database)",
                     non_empty),
      HUICAI_SETTING(mysql_admin_password, "Password of the migrate user"),
      HUICAI_SETTING(mysql_pool_size, "Connections (and pool threads) per process", at_least_one),
      HUICAI_SETTING(mysql_queue_limit,
                     "Queries waiting for a connection beyond this are answered 503"),
      HUICAI_SETTING(mysql_connect_timeout, "Connect timeout", at_least_one),
      HUICAI_SETTING(mysql_read_timeout, "Read timeout of one query", at_least_one),
      HUICAI_SETTING(mysql_write_timeout, "Write timeout of one query", at_least_one),
      // Redis
      HUICAI_SETTING(redis_host, "Redis IP address (an IP: hiredis resolves names blocking)",
                     non_empty),
      HUICAI_SETTING(redis_port, "Redis port", Bounds{1, 65'535}),
      HUICAI_SETTING(redis_user,
                     "Redis ACL user of the application (empty: the default user, requirepass)"),
      HUICAI_SETTING(redis_password,
                     "Password of the Redis user, sent with AUTH on every connection (change in "
                     "production; empty: no AUTH)"),
      HUICAI_SETTING(redis_database, "Redis logical database (SELECT) every connection uses"),
      HUICAI_SETTING(redis_command_timeout, "Deadline of one Redis command", at_least_one),
      // Tokens and passwords
      HUICAI_SETTING(token_secret,
                     "HMAC key that signs tokens, at least 32 characters (change in production)",
                     Bounds{32}),
      HUICAI_SETTING(access_token_ttl, "Lifetime of an access token", at_least_one),
      HUICAI_SETTING(refresh_token_ttl, "Lifetime of a refresh token", at_least_one),
      HUICAI_SETTING(password_hash_concurrency, "Password hashes computed at the same time",
                     at_least_one),
      HUICAI_SETTING(revocation_poll_interval,
                     "How often each process reads new token revocations from MySQL", at_least_one),
      HUICAI_SETTING(revocation_max_staleness,
                     "Token checks answer 503 when the revocations read are older than this",
                     at_least_one),
      named("HUICAI_ENV",
            HUICAI_SETTING(environment,
                           "production or development (development allows the demo seed, the "
                           "built-in secrets, the totp-code tool and an empty "
                           "HUICAI_MFA_REQUIRED_ROLES)",
                           non_empty)),
      // Sign-in throttling
      HUICAI_SETTING(login_failure_window, "Sign-in failures older than this are forgotten",
                     at_least_one),
      HUICAI_SETTING(login_max_failures_per_source,
                     "Wrong passwords or codes for one login from one source without a device "
                     "token before that source gets 429 for that login",
                     at_least_one),
      HUICAI_SETTING(login_unknown_source_failures,
                     "Wrong passwords or codes for one login from all sources without a device "
                     "token before they all get 429 for it (known devices still sign in)",
                     at_least_one),
      HUICAI_SETTING(login_source_failures,
                     "Wrong passwords or codes from one source across all logins before it gets "
                     "429 (credential stuffing)",
                     at_least_one),
      HUICAI_SETTING(login_device_max_failures,
                     "Wrong passwords or codes presented with one device token before it is "
                     "treated as unknown",
                     at_least_one),
      HUICAI_SETTING(login_device_token_ttl, "Lifetime of the device token a sign-in hands out",
                     at_least_one),
      HUICAI_SETTING(login_attempts_per_ip_per_minute,
                     "Sign-in attempts per source without a device token per minute (beyond: "
                     "429)",
                     at_least_one),
      HUICAI_SETTING(account_setup_attempts_per_ip_per_minute,
                     "First-password set-ups of a self-applied supplier's account per source per "
                     "minute (beyond: 429)",
                     at_least_one),
      // Second factor
      HUICAI_SETTING(mfa_required_roles,
                     "Roles that must sign in with a TOTP code, comma-separated (empty refused "
                     "outside development)"),
      HUICAI_SETTING(mfa_challenge_ttl,
                     "Time between the password step and the code step of a sign-in", at_least_one),
      // Logging
      HUICAI_SETTING(access_log, "Write one JSON access-log line per request"),
      // Catalog
      HUICAI_SETTING(catalog_version_lease,
                     "catalog: a cache version read from Redis is used this long after its GET "
                     "was sent; each catalog write waits 1.1x this + 1 ms before answering (0 = "
                     "one GET per read)",
                     Bounds{0, 10'000}),
      HUICAI_SETTING(catalog_price_margin_bp,
                     "catalog: 比质比价 margin in basis points; a SKU priced above its market "
                     "reference by more is not listed (and a listed one does not take such a "
                     "price) until an operator approved the supplier's justification for that "
                     "price",
                     Bounds{0, 100'000}),
      HUICAI_SETTING(catalog_supplier_applications_per_ip_per_hour,
                     "catalog: supplier self-applications per source address per hour (beyond: "
                     "429; 0 = no limit)"),
      // Ordering
      HUICAI_SETTING(order_payment_timeout, "ordering: unpaid orders expire after this"),
      HUICAI_SETTING(order_approval_timeout,
                     "ordering: unit orders not approved expire after this"),
      HUICAI_SETTING(order_auto_receive,
                     "ordering: shipped fulfilments are confirmed as received after this many days",
                     Bounds{0, 36'500}),
      HUICAI_SETTING(order_sweep_interval, "ordering: how often the expiry sweeper runs (0 = off)"),
      HUICAI_SETTING(payment_sandbox,
                     "ordering: the sandbox payment channel, which confirms payments without "
                     "money (off: its confirm and callback routes do not exist and payment intents "
                     "answer 503 no-payment-channel)"),
      HUICAI_SETTING(payment_sandbox_secret,
                     "ordering: HMAC key of the sandbox payment channel's callbacks (change in "
                     "production)",
                     non_empty),
      HUICAI_SETTING(payment_sandbox_callback_url,
                     "ordering: http:// URL the sandbox channel posts its callbacks to, fixed per "
                     "payment at confirm (empty = this instance's own callback route)"),
      HUICAI_SETTING(payment_callback_worker,
                     "ordering: run the worker that delivers stored sandbox callbacks"),
      HUICAI_SETTING(payment_callback_attempts,
                     "ordering: delivery attempts of one callback before it is marked failed "
                     "(fixed at confirm)",
                     at_least_one),
      HUICAI_SETTING(payment_callback_backoff,
                     "ordering: wait after the first failed callback delivery, doubling after each "
                     "(fixed at confirm)",
                     at_least_one),
      HUICAI_SETTING(payment_callback_backoff_max,
                     "ordering: longest wait between two callback delivery attempts", at_least_one),
      HUICAI_SETTING(payment_callback_timeout, "ordering: time allowed for one callback delivery",
                     at_least_one),
      HUICAI_SETTING(payment_callback_poll,
                     "ordering: how often an idle delivery worker looks for due callbacks",
                     at_least_one),
      HUICAI_SETTING(order_placements_per_minute,
                     "ordering: orders one account may place per minute (beyond: 429; 0 = no "
                     "limit)"),
      HUICAI_SETTING(order_group_max,
                     "ordering: most personal orders written together in one transaction (1 = "
                     "each alone)",
                     at_least_one),
      HUICAI_SETTING(order_groups_in_flight,
                     "ordering: most groups of orders being written at once", at_least_one),
      HUICAI_SETTING(payment_requests_per_minute,
                     "ordering: payment intents and confirms one account may request per minute "
                     "(beyond: 429; 0 = no limit)"),
      HUICAI_SETTING(after_sales_requests_per_minute,
                     "ordering: after-sales requests one account may file per minute (beyond: "
                     "429; 0 = no limit)"),
      HUICAI_SETTING(after_sales_per_fulfilment,
                     "ordering: after-sales requests a fulfilment may have in all (beyond: 409)",
                     at_least_one),
      HUICAI_SETTING(grant_approval_above_fen,
                     "ordering: a budget or allowance grant raised above this many fen waits "
                     "for finance's approval (four eyes)"),
      HUICAI_SETTING(order_approval_creator_window,
                     "ordering: an approver may not approve orders of accounts it created this "
                     "many days ago or less",
                     Bounds{0, 36'500}),
      HUICAI_SETTING(events_linger,
                     "events: how long the audit, sales-counter and ledger consumers wait after "
                     "a poll that did not fill a batch (0 = read again at once)",
                     Bounds{0, 10'000}),
      HUICAI_SETTING(idempotency_retention,
                     "Idempotency-Key rows and their stored responses are kept this many days, "
                     "then forgotten: a retry with such a key is a new request (0 = for ever)",
                     Bounds{0, 36'500}),
      HUICAI_SETTING(outbox_retention,
                     "Published outbox rows are kept this many days, then deleted (at least 8: "
                     "after Redis lost its data the relay publishes the last 7 days again)",
                     Bounds{8, 36'500}),
      HUICAI_SETTING(retention_sweep_interval,
                     "How often each service deletes the Idempotency-Key and outbox rows past "
                     "their retention (0 = never)"),
      // Settlement
      HUICAI_SETTING(ledger_consumer,
                     "settlement: run the consumer that posts ordering events to the ledger"),
      HUICAI_SETTING(statement_period_months,
                     "settlement: months one supplier statement covers (1 = monthly, 3 = "
                     "quarterly)",
                     Bounds{1, 12}),
      HUICAI_SETTING(payment_due,
                     "settlement: days after acceptance a supplier must be paid by (SME rule: 60)",
                     Bounds{1, 3'650}),
      HUICAI_SETTING(payment_due_soon,
                     "settlement: statements due within this many days are listed as due soon",
                     Bounds{0, 3'650}),
      // Aid totals
      HUICAI_SETTING(
          dashboard_dir,
          "aidstats: folder the dashboard's files are served from (empty: the checkout's "
          "services/aidstats/dashboard)"),
  };
  return table;
}

#undef HUICAI_SETTING

}  // namespace

Config Config::from_environment() {
  Config config;
  for (const Setting& entry : settings()) {
    const char* text = std::getenv(entry.name.c_str());
    if (text == nullptr) {
      continue;
    }
    try {
      entry.parse(config, text);
    } catch (const std::invalid_argument& error) {
      // The value is not echoed: it may be a secret.
      throw std::invalid_argument(entry.name + ": " + error.what());
    }
  }
  return config;
}

std::vector<ConfigEntry> Config::entries() {
  const Config defaults;
  std::vector<ConfigEntry> result;
  result.reserve(settings().size());
  for (const Setting& entry : settings()) {
    result.push_back({entry.name, entry.show(defaults), entry.description});
  }
  return result;
}

}  // namespace huicai
