#pragma once
// Every setting Huicai reads, in one place. Each comes from an environment variable with a
// default that works with deploy/stack.sh. The table of variables is defined once, in
// src/config.cpp (from_environment() and entries() both use it); docs/configuration.md lists the
// same table and tests/unit/core/config_test.cpp fails when the two disagree.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace huicai {

struct ConfigEntry {
  std::string name;           // environment variable, e.g. HUICAI_HTTP_PORT
  std::string default_value;  // as text
  std::string description;
};

struct Config {
  // HTTP
  std::string http_address = "127.0.0.1";
  std::uint16_t http_port = 8080;
  std::size_t http_header_limit = 8 * 1024;
  std::size_t http_body_limit = 1024 * 1024;
  std::chrono::milliseconds http_read_timeout{10'000};
  std::chrono::milliseconds http_idle_timeout{30'000};
  std::chrono::milliseconds http_shutdown_deadline{10'000};
  std::size_t http_max_connections = 10'000;
  std::size_t http_max_connections_per_ip = 256;  // trusted proxies exempt
  // Proxies whose X-Forwarded-For names the client: comma-separated addresses and CIDR networks
  // (empty: the TCP peer is the client).
  std::string trusted_proxies;
  // Metrics: a listener of their own on loopback (0 = none), and the bearer token that makes
  // /metrics answer on the API port (empty = 404 there).
  std::uint16_t metrics_port = 0;
  std::string metrics_token;
  // Worker processes sharing the port (SO_REUSEPORT), each single-threaded; 1 = no fork.
  std::size_t http_workers = 1;
  // Browser origins allowed to call the API (CORS), comma-separated; empty = none.
  std::string cors_origins;
  // The served API reference: the OpenAPI document (GET /openapi.yaml) and the folder of the
  // Swagger UI bundle (npm swagger-ui-dist, installed by deploy/install.sh) behind GET /docs.
  // Relative paths start at the working directory (the checkout for deploy/up.sh).
  std::string openapi_path = "docs/openapi.yaml";
  std::string docs_ui_dir = "docs/ui/node_modules/swagger-ui-dist";

  // MySQL / MariaDB
  std::string mysql_host = "127.0.0.1";
  std::uint16_t mysql_port = 13306;
  // Further servers of the same database ("host:port,..."), tried in order when the one above
  // cannot be reached: the other nodes of a Galera cluster (empty: none).
  std::string mysql_fallback_hosts;
  std::string mysql_user = "huicai";
  std::string mysql_password = "huicai-dev";
  std::string mysql_database = "huicai";
  // Used only by `huicai migrate` (DDL needs more than the app user's SELECT/INSERT/UPDATE/DELETE).
  std::string mysql_admin_user = "huicai_admin";          // HUICAI_MYSQL_ADMIN_USER
  std::string mysql_admin_password = "huicai-admin-dev";  // HUICAI_MYSQL_ADMIN_PASSWORD
  std::size_t mysql_pool_size = 8;
  std::size_t mysql_queue_limit = 2048;  // waiting calls beyond this get 503
  std::chrono::seconds mysql_connect_timeout{3};
  std::chrono::seconds mysql_read_timeout{10};
  std::chrono::seconds mysql_write_timeout{10};

  // Redis
  std::string redis_host = "127.0.0.1";  // an IP: hiredis resolves names with a blocking call
  std::uint16_t redis_port = 16379;
  // The application's ACL user and its password (AUTH on every connection; deploy/stack.sh
  // creates the user). Empty password: no AUTH.
  std::string redis_user = "huicai";
  std::string redis_password = "huicai-redis-dev";
  // Logical database (SELECT n) every connection switches to: lets the test suite share a
  // Redis server with the demo without sharing keys.
  std::uint16_t redis_database = 0;
  std::chrono::milliseconds redis_command_timeout{1'000};

  // Tokens and passwords
  std::string token_secret = "huicai-dev-secret-change-me-0123456789abcdef";  // HMAC key
  std::chrono::seconds access_token_ttl{900};
  std::chrono::seconds refresh_token_ttl{14 * 24 * 3600};
  std::size_t password_hash_concurrency = 2;
  // How often each process copies new revocations (logout, password change) from MySQL, and
  // how old its copy may get before token checks answer 503 rather than trust it.
  std::chrono::milliseconds revocation_poll_interval{250};
  std::chrono::milliseconds revocation_max_staleness{5'000};

  // Where this runs: "development" relaxes checks meant for production (HUICAI_ENV).
  std::string environment = "production";

  // Sign-in throttling (identity, POST /v1/auth/login and /v1/auth/mfa), keyed to who guesses:
  // the source address and the device token a client got at an earlier sign-in.
  std::chrono::seconds login_failure_window{900};  // failures older than this are forgotten
  std::size_t login_max_failures_per_source = 5;   // one login from one unknown source
  std::size_t login_unknown_source_failures = 20;  // one login from all unknown sources
  std::size_t login_source_failures = 50;          // one source across all logins
  std::size_t login_device_max_failures = 10;      // one device token (its own budget)
  std::chrono::seconds login_device_token_ttl{180 * 24 * 3600};
  std::size_t login_attempts_per_ip_per_minute = 300;
  // First-password set-ups of a self-applied supplier's account per source per minute
  // (POST /v1/account-setup, public; beyond: 429).
  std::size_t account_setup_attempts_per_ip_per_minute = 10;

  // Second factor: roles that must sign in with a TOTP code (comma-separated role names).
  std::string mfa_required_roles = "operator,finance,auditor,unit_admin";
  std::chrono::seconds mfa_challenge_ttl{300};  // password step -> code step

  // Logging
  bool access_log = true;

  // Catalog: a catalog version read from Redis is used for this long after its GET was sent,
  // and each catalog write waits 1.1x this (+1 ms) before answering (docs/adr/0003). 0 = one
  // GET per read.
  std::chrono::milliseconds catalog_version_lease{50};
  // Catalog, 比质比价: how far above its market reference a SKU may be priced without an
  // operator-approved justification, in basis points (1000 = 10 %).
  std::uint32_t catalog_price_margin_bp = 1000;
  // Events: consumers that need not be immediate (the identity audit, the catalog sales
  // counter, the settlement ledger) wait this long after a poll that did not fill a batch, and
  // so read fewer, larger batches: fewer wake-ups, Redis calls and commits (0 = read again at
  // once). The aid totals' consumer feeds the live dashboard and never waits.
  std::chrono::milliseconds events_linger{100};

  // Retention (docs/adr/0032): Idempotency-Key rows (ordering's placements and payments,
  // settlement's payouts) are kept this long, then forgotten: a retry with a forgotten key is a
  // new request (0 = kept for ever). Published outbox rows are kept this long (more than the
  // relay's 7-day republish window). A background pass per service every
  // retention_sweep_interval (0 = no passes).
  std::chrono::days idempotency_retention{30};
  std::chrono::days outbox_retention{30};
  std::chrono::milliseconds retention_sweep_interval{3'600'000};

  // Catalog: supplier self-applications per source address per hour (public route; beyond:
  // 429; 0 = no limit).
  std::size_t catalog_supplier_applications_per_ip_per_hour = 5;

  // Ordering: order timeouts and the sandbox payment channel's callback delivery
  std::chrono::seconds order_payment_timeout{1800};
  std::chrono::seconds order_approval_timeout{3 * 24 * 3600};
  std::chrono::days order_auto_receive{7};
  std::chrono::milliseconds order_sweep_interval{1000};  // 0 = sweeper off
  // The sandbox payment channel "pays" without money: off unless asked for (deploy/up.sh and
  // the tests turn it on). Off: no confirm or callback routes, payment intents answer 503.
  bool payment_sandbox = false;
  std::string payment_sandbox_secret = "huicai-sandbox-channel-secret-change-me";
  std::string payment_sandbox_callback_url;  // "" = this instance's own callback route
  bool payment_callback_worker = true;
  std::size_t payment_callback_attempts = 8;
  std::chrono::milliseconds payment_callback_backoff{1'000};  // doubles per failed attempt
  std::chrono::milliseconds payment_callback_backoff_max{300'000};
  std::chrono::milliseconds payment_callback_timeout{5'000};
  std::chrono::milliseconds payment_callback_poll{500};
  // Ordering abuse limits: requests per account per minute (0 = no limit) on order placement,
  // payment intents and confirms, and after-sales requests; after-sales requests per fulfilment.
  std::size_t order_placements_per_minute = 30;
  // Order placement in groups (ordering's placement_batcher.hpp): personal orders arriving while
  // earlier ones are written are written together, at most this many in one transaction (1 = each
  // alone), with at most this many groups being written at once.
  std::size_t order_group_max = 32;
  std::size_t order_groups_in_flight = 2;
  std::size_t payment_requests_per_minute = 30;
  std::size_t after_sales_requests_per_minute = 10;
  std::size_t after_sales_per_fulfilment = 3;
  // Four eyes on money: a budget or allowance grant raised above this many fen (¥100,000 by
  // default) waits for a second person in finance; an approver may not approve the orders of
  // an account it created within this many days.
  std::size_t grant_approval_above_fen = 10'000'000;
  std::chrono::days order_approval_creator_window{30};

  // Settlement: the ledger's consumer of ordering events, statement periods, the payment-due
  // clock (days after acceptance; the SME payment rule says 60).
  bool ledger_consumer = true;
  std::size_t statement_period_months = 1;
  std::chrono::days payment_due{60};
  std::chrono::days payment_due_soon{10};

  // Aid totals: the folder the dashboard's files (and ECharts in node_modules) are served from
  // (empty = the checkout's services/aidstats/dashboard).
  std::string dashboard_dir;

  // Reads HUICAI_* variables over the defaults. Throws std::invalid_argument naming the
  // variable when a value does not parse.
  static Config from_environment();
  // The table of every variable (name, default, description), for README and --help.
  static std::vector<ConfigEntry> entries();
};

}  // namespace huicai
