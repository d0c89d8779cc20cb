#include "http_support.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/validation.hpp>
#include <utility>

namespace huicai::settlement {

using auth::Role;
using auth::Scope;

http::Handler bind_handler(app::Context& context, RouteHandler handler) {
  return [&context, handler](http::Request& request) { return handler(context, request); };
}

std::optional<std::int64_t> query_id(const http::Request& request, std::string_view name) {
  auto text = request.query_param(name);
  if (!text) return std::nullopt;
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size() || value <= 0) {
    throw_validation_failed({{std::string(name), "a positive integer id"}});
  }
  return value;
}

auth::AccessRule finance_rule() {
  return auth::AccessRule::roles({{Role::finance, Scope::any}});
}

auth::AccessRule statement_read_rule() {
  return auth::AccessRule::roles({{Role::finance, Scope::any},
                                  {Role::auditor, Scope::any},
                                  {Role::supplier_staff, Scope::own_supplier},
                                  {Role::county_officer, Scope::own_county}});
}

auth::AccessRule supplier_confirm_rule() {
  return auth::AccessRule::roles({{Role::supplier_staff, Scope::own_supplier}});
}

auth::AccessRule county_read_rule() {
  return auth::AccessRule::roles({{Role::finance, Scope::any},
                                  {Role::auditor, Scope::any},
                                  {Role::county_officer, Scope::own_county}});
}

auth::AccessRule finance_read_rule() {
  return auth::AccessRule::roles({{Role::finance, Scope::any}, {Role::auditor, Scope::any}});
}

ReconcileFilter filter_from(const http::Request& request) {
  ReconcileFilter filter;
  filter.from = request.query_param("from");
  filter.to = request.query_param("to");
  filter.county_id = query_id(request, "county_id");
  filter.supplier_id = query_id(request, "supplier_id");
  Validator check;
  for (const auto& [name, value] : {std::pair{"from", filter.from}, std::pair{"to", filter.to}}) {
    if (!value) continue;
    bool date = value->size() == 10 && (*value)[4] == '-' && (*value)[7] == '-';
    for (std::size_t i = 0; date && i < value->size(); ++i) {
      if (i != 4 && i != 7 && ((*value)[i] < '0' || (*value)[i] > '9')) date = false;
    }
    check.require(date, name, "YYYY-MM-DD");
  }
  check.throw_if_any();
  return filter;
}

auth::AccessRule supplier_terms_read_rule() {
  return auth::AccessRule::roles({{Role::finance, Scope::any},
                                  {Role::auditor, Scope::any},
                                  {Role::supplier_staff, Scope::own_supplier}});
}

std::string today_china() {
  const auto now = std::chrono::system_clock::now() + std::chrono::hours(8);
  const std::chrono::year_month_day date{std::chrono::floor<std::chrono::days>(now)};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

}  // namespace huicai::settlement
