#include "http_support.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/validation.hpp>

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

ListScope list_scope(const http::Request& request) {
  const auto& caller = request.caller();
  ListScope scope;
  bool restricted = false;
  if (request.rule == nullptr) throw http::Problem(403, "forbidden", "Forbidden");
  for (const auto& grant : request.rule->grants) {
    if (!caller.has_role(grant.role)) continue;
    switch (grant.scope) {
      case Scope::any:
        return {};
      case Scope::own_supplier:
        restricted = true;
        // No supplier on the account: a filter nothing matches.
        scope.supplier_id = static_cast<std::int64_t>(caller.supplier_id.value_or(0));
        break;
      case Scope::own_county:
        restricted = true;
        if (!scope.supplier_id)
          scope.county_id = static_cast<std::int64_t>(caller.county_id.value_or(0));
        break;
      default:
        restricted = true;
        scope.supplier_id = 0;
        break;
    }
  }
  if (!restricted) throw http::Problem(403, "forbidden", "Forbidden");
  return scope;
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
