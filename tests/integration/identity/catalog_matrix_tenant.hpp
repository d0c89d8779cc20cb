#pragma once
// The catalog rows each matrix tenant owns (see authorization_matrix.hpp), shared by the catalog
// and ordering fixtures: ordering's objects (orders, stock, refunds) hang off a tenant's SKU.
// Rows are written straight into the tables (the test sets the stage; the routes under test
// are what the matrix calls), with names unique per run.

#include <cstdint>
#include <string>

#include "authorization_matrix.hpp"

namespace huicai::test::matrix {

// Creates, once per tenant: a county (Tenant::county_id); an active supplier in it
// (Tenant::supplier_id) with a listed product and SKU and a supplier certification; a category;
// and, for the workflow routes, an applied supplier and a draft product with a SKU, so that
// approving or suspending them cannot disturb the objects the other routes use.
// extra keys: category_id, product_id, sku_id, certification_id, workflow_supplier_id,
// workflow_product_id, workflow_sku_id.
void ensure_catalog_tenant(MatrixEnv& env, Tenant& tenant);

// Runs one INSERT with the app's pool and returns LAST_INSERT_ID().
std::int64_t insert_row(MatrixEnv& env, const std::string& sql);

// tenant.extra[key] as a number (fails the test when the setup did not store it).
std::int64_t extra_id(const Tenant& tenant, const std::string& key);

}  // namespace huicai::test::matrix
