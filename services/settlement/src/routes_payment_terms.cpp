// Payment terms per supplier class: finance sets how many days after acceptance a class of
// suppliers (sme, large, individual_cooperative, ...) must be paid by, and puts a supplier in a
// class; the ledger's consumer dates each acceptance by them (ordering_postings.cpp), and a
// supplier without a class gets HUICAI_PAYMENT_DUE_DAYS. Every change is in the audit log.
#include <boost/json/serialize.hpp>
#include <huicai/core/audit.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/json.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/core/validation.hpp>
#include <huicai/settlement/service.hpp>

#include "http_support.hpp"
#include "routes.hpp"

namespace huicai::settlement {
namespace {

using http::Method;
using Awaitable = boost::asio::awaitable<http::Response>;

struct TermsBody {
  std::int64_t due_days = 0;
};
BOOST_DESCRIBE_STRUCT(TermsBody, (), (due_days))

struct ClassBody {
  std::string supplier_class;
};
BOOST_DESCRIBE_STRUCT(ClassBody, (), (supplier_class))

// 1 to 32 of a-z, 0-9 and _: a class name is a key, not prose.
bool is_class_name(std::string_view name) {
  if (name.empty() || name.size() > 32) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::string class_from_path(const http::Request& request) {
  std::string name(request.path_param("supplier_class"));
  if (!is_class_name(name)) {
    throw http::Problem(404, "not-found", "Not found", "a supplier class is 1-32 of a-z, 0-9, _");
  }
  return name;
}

std::optional<std::int64_t> terms_of(mysql::Session& session, const std::string& name) {
  auto& select =
      session.prepare("SELECT due_days FROM settlement_payment_terms WHERE supplier_class = ?");
  mysql::bind(select, name);
  auto row = mysql::query(select);
  if (!row->next()) return std::nullopt;
  return row->getInt64("due_days");
}

// 404 unless catalog knows the supplier (its directory view, migration 0407): a class is never
// recorded for, nor read of, a supplier id that names nobody.
void require_known_supplier(mysql::Session& session, std::int64_t supplier_id) {
  auto& select =
      session.prepare("SELECT 1 AS known FROM catalog_supplier_directory WHERE supplier_id = ?");
  mysql::bind(select, supplier_id);
  if (!mysql::query(select)->next()) {
    throw http::Problem(404, "not-found", "Not found", "no such supplier");
  }
}

std::string days_summary(std::optional<std::int64_t> days) {
  if (!days) return "";
  return boost::json::serialize(boost::json::object{{"due_days", *days}});
}

Awaitable list_terms_route(app::Context& context, http::Request&) {
  const auto default_days = static_cast<std::int64_t>(context.config().payment_due.count());
  auto classes = co_await context.db().run([&](mysql::Session& session) {
    auto& select = session.prepare(
        "SELECT t.supplier_class, t.due_days, (SELECT COUNT(*) FROM settlement_supplier_classes "
        "c WHERE c.supplier_class = t.supplier_class) AS suppliers FROM settlement_payment_terms "
        "t ORDER BY t.supplier_class");
    auto rows = mysql::query(select);
    boost::json::array classes;
    while (rows->next()) {
      classes.push_back({{"supplier_class", mysql::get_string(*rows, "supplier_class")},
                         {"due_days", rows->getInt64("due_days")},
                         {"suppliers", rows->getInt64("suppliers")}});
    }
    return classes;
  });
  co_return http::Response::json(
      200, boost::json::object{{"default_due_days", default_days}, {"classes", classes}});
}

Awaitable put_terms_route(app::Context& context, http::Request& request) {
  const auto name = class_from_path(request);
  const auto body = decode_json<TermsBody>(request.body);
  Validator check;
  check.require(body.due_days >= 1 && body.due_days <= 3650, "due_days", "1 to 3650 days");
  check.throw_if_any();
  const auto actor = static_cast<std::int64_t>(request.caller().account_id);
  auto answer = co_await context.db().transaction([&](mysql::Session& session) {
    const auto before = terms_of(session, name);
    auto& upsert = session.prepare(
        "INSERT INTO settlement_payment_terms (supplier_class, due_days, updated_by) VALUES (?, "
        "?, ?) ON DUPLICATE KEY UPDATE due_days = VALUES(due_days), updated_by = "
        "VALUES(updated_by), updated_at = CURRENT_TIMESTAMP(6)");
    mysql::bind(upsert, name, body.due_days, actor);
    upsert.executeUpdate();
    audit::record_privileged(session, kOutboxTable, kProducer, request,
                             {"payment_terms.set", "supplier_class", name, days_summary(before),
                              days_summary(body.due_days)});
    return boost::json::object{{"supplier_class", name}, {"due_days", body.due_days}};
  });
  co_return http::Response::json(200, answer);
}

Awaitable get_supplier_class_route(app::Context& context, http::Request& request) {
  const auto supplier_id = path_id(request, "supplier_id");
  auth::Owner owner;
  owner.supplier_id = static_cast<std::uint64_t>(supplier_id);
  request.require_access(owner, true);
  const auto default_days = static_cast<std::int64_t>(context.config().payment_due.count());
  auto answer = co_await context.db().run([&](mysql::Session& session) {
    require_known_supplier(session, supplier_id);
    auto& select = session.prepare(
        "SELECT c.supplier_class, t.due_days FROM settlement_supplier_classes c LEFT JOIN "
        "settlement_payment_terms t ON t.supplier_class = c.supplier_class WHERE c.supplier_id "
        "= ?");
    mysql::bind(select, supplier_id);
    auto row = mysql::query(select);
    boost::json::object answer{
        {"supplier_id", supplier_id}, {"supplier_class", nullptr}, {"due_days", default_days}};
    if (row->next()) {
      answer["supplier_class"] = mysql::get_string(*row, "supplier_class");
      answer["due_days"] = mysql::get_optional_int64(*row, "due_days").value_or(default_days);
    }
    return answer;
  });
  co_return http::Response::json(200, answer);
}

Awaitable put_supplier_class_route(app::Context& context, http::Request& request) {
  const auto supplier_id = path_id(request, "supplier_id");
  const auto body = decode_json<ClassBody>(request.body);
  Validator check;
  check.require(is_class_name(body.supplier_class), "supplier_class",
                "1 to 32 of a-z, 0-9 and _, a class with payment terms");
  check.throw_if_any();
  const auto actor = static_cast<std::int64_t>(request.caller().account_id);
  auto answer = co_await context.db().transaction([&](mysql::Session& session) {
    require_known_supplier(session, supplier_id);
    const auto days = terms_of(session, body.supplier_class);
    if (!days) {
      throw_validation_failed(
          {{"supplier_class", "has no payment terms: PUT /v1/settlement/payment-terms first"}});
    }
    auto& select = session.prepare(
        "SELECT supplier_class FROM settlement_supplier_classes WHERE supplier_id = ? FOR UPDATE");
    mysql::bind(select, supplier_id);
    auto row = mysql::query(select);
    const std::string before =
        row->next() ? boost::json::serialize(boost::json::object{
                          {"supplier_class", mysql::get_string(*row, "supplier_class")}})
                    : "";
    auto& upsert = session.prepare(
        "INSERT INTO settlement_supplier_classes (supplier_id, supplier_class, updated_by) VALUES "
        "(?, ?, ?) ON DUPLICATE KEY UPDATE supplier_class = VALUES(supplier_class), updated_by = "
        "VALUES(updated_by), updated_at = CURRENT_TIMESTAMP(6)");
    mysql::bind(upsert, supplier_id, body.supplier_class, actor);
    upsert.executeUpdate();
    audit::record_privileged(
        session, kOutboxTable, kProducer, request,
        {"supplier.payment_class_set", "supplier", std::to_string(supplier_id), before,
         boost::json::serialize(boost::json::object{{"supplier_class", body.supplier_class}})});
    return boost::json::object{
        {"supplier_id", supplier_id}, {"supplier_class", body.supplier_class}, {"due_days", *days}};
  });
  co_return http::Response::json(200, answer);
}

}  // namespace

void add_payment_terms_routes(http::Router& router, app::Context& context) {
  auto route = [&](Method method, std::string pattern, auth::AccessRule rule, RouteHandler f) {
    router.add(http::Route{
        method, std::move(pattern), "settlement", std::move(rule), bind_handler(context, f), {}});
  };
  const std::string supplier_class = "/v1/settlement/suppliers/{supplier_id}/payment-class";
  route(Method::get, "/v1/settlement/payment-terms", finance_read_rule(), &list_terms_route);
  route(Method::put, "/v1/settlement/payment-terms/{supplier_class}", finance_rule(),
        &put_terms_route);
  route(Method::get, supplier_class, supplier_terms_read_rule(), &get_supplier_class_route);
  route(Method::put, supplier_class, finance_rule(), &put_supplier_class_route);
}

}  // namespace huicai::settlement
