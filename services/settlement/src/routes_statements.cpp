// Statements (结算单): generate a period's drafts, list and read them (scoped to the caller),
// the supplier's confirmation, finance's approval, invoices, the invoice exception and the
// payout. Every finance action is in the audit log (same transaction as the change).
#include <boost/json/serialize.hpp>
#include <huicai/core/audit.hpp>
#include <huicai/core/http/idempotency.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/json.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/settlement/service.hpp>
#include <huicai/settlement/statements.hpp>

#include "http_support.hpp"
#include "routes.hpp"

namespace huicai::settlement {
namespace {

using http::Method;
using Awaitable = boost::asio::awaitable<http::Response>;

struct GenerateBody {
  std::string period_start;
};
BOOST_DESCRIBE_STRUCT(GenerateBody, (), (period_start))

struct InvoiceBody {
  std::int64_t supplier_id = 0;
  std::string invoice_number;
  std::int64_t amount_fen = 0;
  std::string received_date;
};
BOOST_DESCRIBE_STRUCT(InvoiceBody, (), (supplier_id, invoice_number, amount_fen, received_date))

struct ExceptionBody {
  std::string reason;
};
BOOST_DESCRIBE_STRUCT(ExceptionBody, (), (reason))

struct PayBody {
  std::string payout_reference;
  std::string payout_date;
  std::int64_t amount_fen = 0;
};
BOOST_DESCRIBE_STRUCT(PayBody, (), (payout_reference, payout_date, amount_fen))

std::int64_t actor(const http::Request& request) {
  return static_cast<std::int64_t>(request.caller().account_id);
}

auth::Owner owner_of(const StatementRow& row) {
  auth::Owner owner;
  owner.supplier_id = static_cast<std::uint64_t>(row.supplier_id);
  owner.county_id = static_cast<std::uint64_t>(row.county_id);
  return owner;
}

std::string status_summary(const StatementRow& row) {
  return boost::json::serialize(
      boost::json::object{{"status", row.status}, {"amount_fen", row.amount_fen}});
}

// Applies `change` to the locked statement the caller may touch and audits it, inside the
// caller's transaction; answers the statement.
template <class Change>
http::Response apply_change(mysql::Session& session, const http::Request& request,
                            std::int64_t statement_id, const std::string& action, Change& change) {
  auto row = load_statement(session, statement_id, true);
  request.require_access(owner_of(row), true);
  const std::string before = status_summary(row);
  change(session, row);
  audit::record_privileged(
      session, kOutboxTable, kProducer, request,
      {action, "statement", std::to_string(row.id), before, status_summary(row)});
  return http::Response::json(200, statement_json(session, row.id));
}

template <class Change>
Awaitable change_statement(app::Context& context, http::Request& request, std::string action,
                           Change change) {
  const auto statement_id = path_id(request, "statement_id");
  co_return co_await context.db().transaction([&](mysql::Session& session) {
    return apply_change(session, request, statement_id, action, change);
  });
}

Awaitable generate_route(app::Context& context, http::Request& request) {
  const auto body = decode_json<GenerateBody>(request.body);
  const auto period = period_from(body.period_start, context.config().statement_period_months);
  auto count = co_await context.db().transaction(
      [&](mysql::Session& session) {
        const auto statements = generate_statements(session, period);
        audit::record_privileged(session, kOutboxTable, kProducer, request,
                                 {"statements.generated", "period", period.start, "",
                                  boost::json::serialize(boost::json::object{
                                      {"period_end", period.end}, {"statements", statements}})});
        return statements;
      },
      mysql::Isolation::read_committed);
  co_return http::Response::json(
      200, boost::json::object{
               {"period_start", period.start}, {"period_end", period.end}, {"statements", count}});
}

Awaitable list_route(app::Context& context, http::Request& request) {
  const auto scope = request.list_scope();
  auto supplier = scope.supplier_id() ? scope.supplier_id() : query_id(request, "supplier_id");
  auto county = scope.county_id() ? scope.county_id() : query_id(request, "county_id");
  const std::string status = request.query_param("status").value_or("");
  const std::string period = request.query_param("period_start").value_or("");
  const std::int64_t before = query_id(request, "cursor").value_or(INT64_MAX);
  auto items = co_await context.db().run([&](mysql::Session& session) {
    auto& select = session.prepare(
        "SELECT id FROM settlement_statements WHERE (? IS NULL OR supplier_id = ?) AND (? IS NULL "
        "OR county_id = ?) AND (? = '' OR status = ?) AND (? = '' OR period_start = ?) AND id < "
        "? ORDER BY id DESC LIMIT 51");
    mysql::bind(select, supplier, supplier, county, county, status, status, period, period, before);
    auto rows = mysql::query(select);
    std::vector<std::int64_t> ids;
    while (rows->next()) ids.push_back(rows->getInt64("id"));
    boost::json::array items;
    for (auto id : ids) {
      auto statement = statement_json(session, id);
      statement.erase("items");
      items.push_back(std::move(statement));
    }
    return items;
  });
  boost::json::value next = nullptr;
  if (items.size() > 50) {
    items.pop_back();
    next = std::to_string(items.back().as_object().at("id").as_int64());
  }
  co_return http::Response::json(200, boost::json::object{{"items", items}, {"next_cursor", next}});
}

Awaitable read_route(app::Context& context, http::Request& request) {
  const auto statement_id = path_id(request, "statement_id");
  auto answer = co_await context.db().run([&](mysql::Session& session) {
    auto row = load_statement(session, statement_id, false);
    request.require_access(owner_of(row), true);
    return statement_json(session, statement_id);
  });
  co_return http::Response::json(200, answer);
}

Awaitable confirm_route(app::Context& context, http::Request& request) {
  return change_statement(
      context, request, "statement.confirmed", [&](mysql::Session& session, StatementRow& row) {
        transition(session, row, "draft", "confirmed", "confirmed", actor(request));
      });
}

Awaitable approve_route(app::Context& context, http::Request& request) {
  return change_statement(
      context, request, "statement.approved", [&](mysql::Session& session, StatementRow& row) {
        transition(session, row, "confirmed", "approved", "approved", actor(request));
      });
}

Awaitable invoice_route(app::Context& context, http::Request& request) {
  const auto body = decode_json<InvoiceBody>(request.body);
  return change_statement(
      context, request, "statement.invoice_recorded",
      [&, body](mysql::Session& session, StatementRow& row) {
        record_invoice(session, row,
                       {body.supplier_id, body.invoice_number, body.amount_fen, body.received_date},
                       actor(request));
      });
}

Awaitable invoice_exception_route(app::Context& context, http::Request& request) {
  const auto body = decode_json<ExceptionBody>(request.body);
  return change_statement(context, request, "statement.invoice_exception",
                          [&, body](mysql::Session& session, StatementRow& row) {
                            record_invoice_exception(session, row, body.reason, actor(request));
                          });
}

// The payout moves money: under the caller's Idempotency-Key (400 without one), a retry with
// the same body answers the first result again, another body under the same key is 422.
Awaitable pay_route(app::Context& context, http::Request& request) {
  const auto statement_id = path_id(request, "statement_id");
  const auto body = decode_json<PayBody>(request.body);
  auto change = [&](mysql::Session& session, StatementRow& row) {
    pay_statement(session, row, {body.payout_reference, body.payout_date, body.amount_fen},
                  actor(request));
  };
  http::Idempotency idempotency(context.db(), std::string(kIdempotencyTable));
  co_return co_await idempotency.run(request, [&](mysql::Session& session) {
    return apply_change(session, request, statement_id, "statement.paid", change);
  });
}

}  // namespace

void add_statement_routes(http::Router& router, app::Context& context) {
  auto route = [&](Method method, std::string pattern, auth::AccessRule rule, RouteHandler f) {
    router.add(http::Route{
        method, std::move(pattern), "settlement", std::move(rule), bind_handler(context, f), {}});
  };
  const std::string one = "/v1/settlement/statements/{statement_id}";
  route(Method::get, "/v1/settlement/statements", statement_read_rule(), &list_route);
  route(Method::post, "/v1/settlement/statements/generate", finance_rule(), &generate_route);
  route(Method::get, one, statement_read_rule(), &read_route);
  route(Method::post, one + "/confirm", supplier_confirm_rule(), &confirm_route);
  route(Method::post, one + "/approve", finance_rule(), &approve_route);
  route(Method::post, one + "/invoices", finance_rule(), &invoice_route);
  route(Method::post, one + "/invoice-exception", finance_rule(), &invoice_exception_route);
  route(Method::post, one + "/pay", finance_rule(), &pay_route);
}

}  // namespace huicai::settlement
