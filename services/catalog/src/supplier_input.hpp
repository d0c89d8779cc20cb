#pragma once
// Reading a supplier from a request body: the officer's application (POST /v1/suppliers), a
// cooperative's own application (POST /v1/supplier-applications) and edits (PATCH) share it.

#include <huicai/catalog/field_validator.hpp>

#include "supplier_repository.hpp"

namespace huicai::catalog {

// `creating`: name, kind, county_id, contact_name and contact_phone are required.
SupplierFields read_supplier_fields(FieldValidator& fields, bool creating);

}  // namespace huicai::catalog
