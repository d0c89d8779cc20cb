#pragma once
// Test world for ordering: catalog fixture rows written with the admin MySQL user (ordering
// code never writes catalog tables; tests may set the stage), stock rows, principals with
// random account ids, and a TestApp running the ordering service. Everything is unique per run.

#include <cppconn/connection.h>
#include <cppconn/statement.h>

#include <atomic>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <huicai/core/auth/roles.hpp>
#include <huicai/core/auth/tokens.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/core/redis/client.hpp>
#include <huicai/ordering/service.hpp>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "http_client.hpp"
#include "io_thread.hpp"
#include "mysql_test_options.hpp"
#include "test_app.hpp"

namespace huicai::test::ordering {

inline std::int64_t random_id() {
  static std::mt19937_64 random{std::random_device{}()};
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  return 100'000'000 + static_cast<std::int64_t>(random() % 800'000'000'000ULL);
}

// Two suppliers in one county, one SKU each: sku_a (certified, 29.99 per 5 kg bag) from
// supplier A and sku_b (15.50 per box of 500 g) from supplier B.
struct Catalog {
  std::int64_t county_id = 0, category_id = 0, supplier_a = 0, supplier_b = 0;
  std::int64_t sku_a = 0, sku_b = 0;
  std::int64_t certificate_a = 0;
  static constexpr std::int64_t price_a = 2999, price_b = 1550;
};

class World {
 public:
  World() : admin_(io_.executor(), mysql_test_options(true, 2)) {}
  ~World() { admin_.close(); }

  std::string suffix = unique_suffix();

  // Runs SQL with the admin user and returns the first column of the first row (0 if none).
  std::int64_t scalar(const std::string& sql) {
    return admin_.run_blocking([&](mysql::Session& session) -> std::int64_t {
      auto& statement = session.prepare(sql);
      auto row = mysql::query(statement);
      if (!row->next()) return 0;
      return row->getInt64(1);
    });
  }
  void execute(const std::string& sql) {
    admin_.run_blocking([&](mysql::Session& session) { session.execute_direct(sql); });
  }
  std::int64_t insert(const std::string& sql) {
    return admin_.run_blocking([&](mysql::Session& session) -> std::int64_t {
      session.execute_direct(sql);
      auto& last = session.prepare("SELECT LAST_INSERT_ID()");
      auto row = mysql::query(last);
      row->next();
      return row->getInt64(1);
    });
  }

  Catalog make_catalog(std::int64_t stock_a, std::int64_t stock_b) {
    Catalog c;
    const std::string s = unique_suffix();
    c.county_id = insert(
        "INSERT INTO catalog_counties (code, name, province, prefecture, assistance_kind) VALUES "
        "('t" +
        s + "', '测试县" + s + "', '陕西省', '榆林市', 'designated')");
    c.category_id = insert("INSERT INTO catalog_categories (code, name, path) VALUES ('c" + s +
                           "', '杂粮" + s + "', '/t" + s + "/')");
    auto supplier = [&](const std::string& name) {
      return insert(
          "INSERT INTO catalog_suppliers (county_id, name, kind, status, contact_name, "
          "contact_phone) VALUES (" +
          std::to_string(c.county_id) + ", '" + name + s +
          "', 'cooperative', 'active', '张三', '13800000000')");
    };
    c.supplier_a = supplier("米脂小米合作社");
    c.supplier_b = supplier("佳县红枣合作社");
    auto sku = [&](std::int64_t supplier_id, const std::string& title, std::int64_t price,
                   std::int64_t grams) {
      const auto product = insert(
          "INSERT INTO catalog_products (supplier_id, county_id, category_id, title, status) "
          "VALUES (" +
          std::to_string(supplier_id) + ", " + std::to_string(c.county_id) + ", " +
          std::to_string(c.category_id) + ", '" + title + s + "', 'listed')");
      return std::make_pair(
          product,
          insert(
              "INSERT INTO catalog_skus (product_id, spec, sale_unit, net_weight_grams, price_fen) "
              "VALUES (" +
              std::to_string(product) + ", '标准装', '袋', " + std::to_string(grams) + ", " +
              std::to_string(price) + ")"));
    };
    auto [product_a, sku_a] = sku(c.supplier_a, "米脂小米", Catalog::price_a, 5000);
    c.sku_a = sku_a;
    c.sku_b = sku(c.supplier_b, "佳县红枣", Catalog::price_b, 500).second;
    c.certificate_a = insert(
        "INSERT INTO catalog_certifications (certificate_number, issuing_body, scope, target_id, "
        "county_id, valid_from, valid_to) VALUES ('CERT-" +
        s + "', '县扶贫办', 'product', " + std::to_string(product_a) + ", " +
        std::to_string(c.county_id) +
        ", CURRENT_DATE - INTERVAL 1 DAY, CURRENT_DATE + INTERVAL 300 DAY)");
    set_stock(c.sku_a, c.supplier_a, stock_a);
    set_stock(c.sku_b, c.supplier_b, stock_b);
    return c;
  }

  void set_stock(std::int64_t sku_id, std::int64_t supplier_id, std::int64_t available) {
    execute("INSERT INTO ordering_stock (sku_id, supplier_id, available) VALUES (" +
            std::to_string(sku_id) + ", " + std::to_string(supplier_id) + ", " +
            std::to_string(available) + ") ON DUPLICATE KEY UPDATE available = VALUES(available)");
  }
  std::int64_t available(std::int64_t sku_id) {
    return scalar("SELECT available FROM ordering_stock WHERE sku_id = " + std::to_string(sku_id));
  }
  std::int64_t reserved(std::int64_t sku_id) {
    return scalar("SELECT reserved FROM ordering_stock WHERE sku_id = " + std::to_string(sku_id));
  }
  std::int64_t events_of(std::int64_t order_id, const std::string& name) {
    return scalar("SELECT COUNT(*) FROM ordering_outbox WHERE aggregate_id = '" +
                  std::to_string(order_id) + "' AND event_type = 'ordering." + name + ".v1'");
  }

  // Org units and accounts as identity would write them (ordering reads them through
  // identity's directory views): a unit under `parent` (none: a group at the root).
  struct Unit {
    std::int64_t id = 0;
    std::string path;
  };
  Unit make_unit(const std::optional<Unit>& parent = std::nullopt,
                 const std::string& kind = "subsidiary") {
    const std::string code = "u" + unique_suffix();
    const auto id = insert(
        "INSERT INTO identity_org_units (parent_id, code, name, kind, path, depth) VALUES (" +
        (parent ? std::to_string(parent->id) : std::string("NULL")) + ", '" + code + "', '单位" +
        code + "', '" + kind + "', '/', " + (parent ? "1" : "0") + ")");
    Unit unit{id, (parent ? parent->path : std::string("/")) + std::to_string(id) + "/"};
    execute("UPDATE identity_org_units SET path = '" + unit.path +
            "' WHERE id = " + std::to_string(id));
    return unit;
  }
  // An account of `unit`, created by `created_by` (none: by the CLI) `days_ago` days ago.
  std::int64_t make_account(const Unit& unit, std::optional<std::int64_t> created_by = {},
                            int days_ago = 0) {
    const std::string login = "acct" + unique_suffix();
    return insert(
        "INSERT INTO identity_accounts (login, display_name, password_hash, unit_id, "
        "created_by_account_id, password_changed_at, created_at) VALUES ('" +
        login + "', '测试', 'x', " + std::to_string(unit.id) + ", " +
        (created_by ? std::to_string(*created_by) : std::string("NULL")) +
        ", UTC_TIMESTAMP(6), NOW(6) - INTERVAL " + std::to_string(days_ago) + " DAY)");
  }

  mysql::Pool& admin() { return admin_; }

 private:
  IoThread io_;
  mysql::Pool admin_;
};

inline auth::Principal employee(std::int64_t unit_id = 0, std::string unit_path = "") {
  auth::Principal principal;
  principal.account_id = static_cast<std::uint64_t>(random_id());
  principal.login = "emp" + std::to_string(principal.account_id);
  principal.roles = {auth::Role::employee};
  if (unit_id) principal.unit_id = static_cast<std::uint64_t>(unit_id);
  principal.unit_path = std::move(unit_path);
  return principal;
}
inline auth::Principal unit_role(auth::Role role, std::int64_t unit_id,
                                 const std::string& unit_path) {
  auth::Principal principal;
  principal.account_id = static_cast<std::uint64_t>(random_id());
  principal.login = "unit" + std::to_string(principal.account_id);
  principal.roles = {role};
  principal.unit_id = static_cast<std::uint64_t>(unit_id);
  principal.unit_path = unit_path;
  return principal;
}
// A principal with `role` in `unit`, as the account `account_id` (default: a random id that is
// not in identity's directory).
inline auth::Principal in_unit(auth::Role role, const World::Unit& unit,
                               std::int64_t account_id = 0) {
  auto principal = unit_role(role, unit.id, unit.path);
  if (account_id) principal.account_id = static_cast<std::uint64_t>(account_id);
  return principal;
}
inline auth::Principal with_role(auth::Role role) {
  auth::Principal principal;
  principal.account_id = static_cast<std::uint64_t>(random_id());
  principal.login = "r" + std::to_string(principal.account_id);
  principal.roles = {role};
  return principal;
}
inline auth::Principal supplier_staff(std::int64_t supplier_id) {
  auto principal = with_role(auth::Role::supplier_staff);
  principal.supplier_id = static_cast<std::uint64_t>(supplier_id);
  return principal;
}

// The ordering service on an ephemeral port; the background sweeper is off so tests drive it.
inline std::unique_ptr<TestApp> start_app(const std::string& payment_timeout_seconds = "1800") {
  ::setenv("HUICAI_ORDER_SWEEP_INTERVAL_MS", "0", 1);
  ::setenv("HUICAI_ORDER_PAYMENT_TIMEOUT_SECONDS", payment_timeout_seconds.c_str(), 1);
  return std::make_unique<TestApp>(
      std::vector<app::ServiceEntry>{huicai::ordering::service_entry()});
}

inline std::string token_for(TestApp& app, const auth::Principal& principal) {
  return app.context().tokens().issue_access(principal).token;
}

// A client logged in as `principal`.
inline std::unique_ptr<HttpClient> client_for(TestApp& app, const auth::Principal& principal) {
  auto client = std::make_unique<HttpClient>(app.host(), app.port());
  client->set_bearer_token(token_for(app, principal));
  return client;
}

inline std::string order_body(const Catalog& c, std::int64_t quantity_a, std::int64_t quantity_b,
                              const std::string& plan = "personal") {
  boost::json::array lines;
  if (quantity_a) lines.push_back({{"sku_id", c.sku_a}, {"quantity", quantity_a}});
  if (quantity_b) lines.push_back({{"sku_id", c.sku_b}, {"quantity", quantity_b}});
  return boost::json::serialize(boost::json::object{{"lines", lines}, {"fund_plan", plan}});
}

inline HeaderList key(const std::string& value) {
  return {{"idempotency-key", value}};
}

// The response's JSON object after checking its status (the body is printed when it differs).
inline boost::json::object answer(const HttpResponse& response, int status = 200) {
  INFO(response.body);
  REQUIRE(response.status == status);
  return response.json().as_object();
}

// The budget year orders are booked in (Beijing time).
inline int order_budget_year() {
  const auto now = std::chrono::system_clock::now() + std::chrono::hours(8);
  return static_cast<int>(
      std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(now)}.year());
}

// A unit under a parent unit with a budget granted by finance and its admin (no approval
// threshold): a unit buyer's order of `unit_budget` is paid at once and can be shipped.
struct BudgetedUnit {
  World::Unit parent, unit;
};
inline BudgetedUnit budgeted_unit(World& world, TestApp& app, std::int64_t granted_fen) {
  BudgetedUnit result{world.make_unit(), {}};
  result.unit = world.make_unit(result.parent, "unit");
  const auto year = std::to_string(order_budget_year());
  auto finance = client_for(app, with_role(auth::Role::finance));
  answer(finance->put("/v1/units/" + std::to_string(result.parent.id) + "/budgets/" + year,
                      "{\"granted_fen\":" + std::to_string(granted_fen) + "}"));
  auto admin = client_for(app, in_unit(auth::Role::unit_admin, result.parent));
  answer(admin->put("/v1/units/" + std::to_string(result.unit.id) + "/budgets/" + year,
                    "{\"granted_fen\":" + std::to_string(granted_fen) + "}"));
  return result;
}

}  // namespace huicai::test::ordering
