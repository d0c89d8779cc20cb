#pragma once
// What every catalog route shares: the app context and the browse cache. Created once in
// register_service and captured by the route handlers (the router outlives the requests).

#include <cstdlib>
#include <huicai/catalog/browse_cache.hpp>
#include <huicai/catalog/price_check.hpp>
#include <huicai/core/app/context.hpp>
#include <huicai/core/auth/roles.hpp>
#include <memory>
#include <stdexcept>

namespace huicai::catalog {

struct CatalogState {
  explicit CatalogState(app::Context& app_context)
      : context(app_context),
        cache(app_context),
        price_margin_bp(app_context.config().catalog_price_margin_bp) {}
  app::Context& context;
  BrowseCache cache;
  // 比质比价: how far above its market reference a SKU may be priced without an approved
  // justification (Config::catalog_price_margin_bp).
  std::int64_t price_margin_bp;
};
using StatePtr = std::shared_ptr<CatalogState>;

// The access rules of the catalog's routes, in one place so they read as a table.
namespace access {
using auth::Role;
using auth::Scope;

// Every signed-in role: buyers browse listed products; the rest see them too.
inline auth::AccessRule everyone() {
  return auth::AccessRule::roles({{Role::employee, Scope::any},
                                  {Role::unit_buyer, Scope::any},
                                  {Role::unit_approver, Scope::any},
                                  {Role::unit_admin, Scope::any},
                                  {Role::supplier_staff, Scope::any},
                                  {Role::county_officer, Scope::any},
                                  {Role::operator_, Scope::any},
                                  {Role::finance, Scope::any},
                                  {Role::auditor, Scope::any}});
}
inline auth::AccessRule operator_only() {
  return auth::AccessRule::roles({{Role::operator_, Scope::any}});
}
// Reading catalog records that belong to a supplier / county (suppliers, certifications,
// unlisted products, price history): back office roles everywhere, officers in their county,
// supplier staff for their supplier.
inline auth::AccessRule back_office_readers() {
  return auth::AccessRule::roles({{Role::operator_, Scope::any},
                                  {Role::auditor, Scope::any},
                                  {Role::finance, Scope::any},
                                  {Role::county_officer, Scope::own_county},
                                  {Role::supplier_staff, Scope::own_supplier}});
}
inline auth::AccessRule supplier_editors() {
  return auth::AccessRule::roles(
      {{Role::supplier_staff, Scope::own_supplier}, {Role::operator_, Scope::any}});
}
inline auth::AccessRule supplier_staff_only() {
  return auth::AccessRule::roles({{Role::supplier_staff, Scope::own_supplier}});
}
inline auth::AccessRule county_officer_or_operator() {
  return auth::AccessRule::roles(
      {{Role::county_officer, Scope::own_county}, {Role::operator_, Scope::any}});
}
inline auth::AccessRule county_officer_only() {
  return auth::AccessRule::roles({{Role::county_officer, Scope::own_county}});
}
// Confirming or rejecting a supplier's bank account change (four eyes on payouts).
inline auth::AccessRule bank_account_deciders() {
  return auth::AccessRule::roles({{Role::operator_, Scope::any}, {Role::finance, Scope::any}});
}
inline auth::AccessRule reviewers() {
  return auth::AccessRule::roles({{Role::operator_, Scope::any}, {Role::auditor, Scope::any}});
}

}  // namespace access
}  // namespace huicai::catalog
