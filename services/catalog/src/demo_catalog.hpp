#pragma once
// The demo catalog as data: the nine counties of 国家能源集团's assistance, the category tree,
// the cooperatives and the produce each county is known for. demo_data.cpp turns it into rows,
// deterministically (the same ids, titles and prices on every run).

#include <cstdint>
#include <string_view>
#include <vector>

namespace huicai::catalog::demo {

struct County {
  std::int64_t id;  // fixed: identity's demo accounts refer to county 1 (米脂县)
  std::string_view code;
  std::string_view name;
  std::string_view province;
  std::string_view prefecture;
  std::string_view assistance_kind;
  bool deep_poverty;
  bool listed_supervision;
  bool old_revolutionary_area;
  std::string_view paired_org_unit_code;
};

struct Category {
  std::string_view code;
  std::string_view name;
  std::string_view parent_code;  // empty for a root
};

struct Supplier {
  std::int64_t id;  // fixed: identity's demo supplier account refers to supplier 1
  std::int64_t county_id;
  std::string_view name;
  std::string_view brand;  // prefixed to product titles
  std::string_view kind;
  std::string_view credit_code;
  std::string_view contact_name;
  std::string_view contact_phone;
  std::string_view bank_name;
  std::string_view bank_account_number;
  std::string_view status;  // most are active; two wait in onboarding
};

struct Sku {
  std::string_view spec;
  std::string_view sale_unit;
  std::int64_t net_weight_grams;
  std::int64_t price_fen;
};

struct ProductTemplate {
  std::int64_t county_id;
  std::string_view title;
  std::string_view category_code;
  std::string_view description;
  std::vector<Sku> skus;
};

const std::vector<County>& counties();
const std::vector<Category>& categories();
const std::vector<Supplier>& suppliers();
const std::vector<ProductTemplate>& product_templates();

}  // namespace huicai::catalog::demo
