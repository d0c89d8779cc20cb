#include "supplier_input.hpp"

namespace huicai::catalog {
namespace {

bool all_of_chars(const std::string& text, std::string_view allowed) {
  return text.find_first_not_of(allowed) == std::string::npos;
}

}  // namespace

SupplierFields read_supplier_fields(FieldValidator& fields, bool creating) {
  SupplierFields supplier;
  supplier.name = fields.text("name", {creating, 2, 128});
  supplier.kind = fields.choice("kind", creating, {"cooperative", "enterprise", "family_farm"});
  if (creating) supplier.county_id = fields.integer("county_id", {true, 1, INT64_MAX});
  supplier.credit_code = fields.text("credit_code", {false, 18, 18});
  if (supplier.credit_code &&
      !all_of_chars(*supplier.credit_code, "0123456789ABCDEFGHJKLMNPQRTUWXY")) {
    fields.fail("credit_code", "must be an 18-character unified social credit code");
  }
  supplier.contact_name = fields.text("contact_name", {creating, 1, 64});
  supplier.contact_phone = fields.text("contact_phone", {creating, 5, 32});
  if (supplier.contact_phone && !all_of_chars(*supplier.contact_phone, "0123456789+- ")) {
    fields.fail("contact_phone", "must contain only digits, spaces, '+' and '-'");
  }
  supplier.address = fields.text("address", {false, 0, 255});
  supplier.bank_name = fields.text("bank_name", {false, 2, 128});
  supplier.bank_account_name = fields.text("bank_account_name", {false, 2, 128});
  supplier.bank_account_number = fields.text("bank_account_number", {false, 8, 40});
  if (supplier.bank_account_number &&
      !all_of_chars(*supplier.bank_account_number, "0123456789 -")) {
    fields.fail("bank_account_number", "must contain only digits, spaces and '-'");
  }
  return supplier;
}

}  // namespace huicai::catalog
