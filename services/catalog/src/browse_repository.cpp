#include "browse_repository.hpp"

#include <algorithm>
#include <charconv>
#include <huicai/core/validation.hpp>
#include <variant>

#include "attribute_repository.hpp"
#include "repository_support.hpp"

namespace huicai::catalog {
namespace {

using Parameter = std::variant<std::int64_t, std::string>;

struct SortSpec {
  const char* key_expression;  // the sort key as selected (for the cursor)
  const char* column;          // the column compared in the keyset condition
  bool ascending;
};

SortSpec sort_spec(const std::string& sort) {
  if (sort == "price_asc") return {"CAST(p.min_price_fen AS CHAR)", "p.min_price_fen", true};
  if (sort == "price_desc") return {"CAST(p.min_price_fen AS CHAR)", "p.min_price_fen", false};
  if (sort == "sales") return {"CAST(p.sales_count AS CHAR)", "p.sales_count", false};
  return {"DATE_FORMAT(p.listed_at, '%Y-%m-%d %H:%i:%s.%f')", "p.listed_at", false};
}

// " AND EXISTS (an active SKU with every filtered value)", with its parameters; 422 for a code
// the category does not have or a filter that does not fit the attribute's type.
void append_attribute_filters(mysql::Session& session, const BrowseQuery& query, std::string& sql,
                              std::vector<Parameter>& parameters) {
  const auto definitions = category_attributes(session, *query.category_id);
  std::vector<http::FieldError> errors;
  std::string conditions;
  for (const auto& filter : query.attributes) {
    const auto name = "attr." + filter.code;
    const auto definition =
        std::find_if(definitions.begin(), definitions.end(),
                     [&](const AttributeDefinition& d) { return d.code == filter.code; });
    if (definition == definitions.end()) {
      errors.push_back({name, "is not an attribute of the category"});
      continue;
    }
    conditions +=
        " AND EXISTS (SELECT 1 FROM catalog_sku_attribute_values v WHERE v.sku_id = s.id "
        "AND v.attribute_id = ?";
    parameters.emplace_back(definition->id);
    if (definition->type == AttributeType::integer) {
      std::optional<std::int64_t> min = filter.min, max = filter.max;
      if (filter.equals) {
        std::int64_t number = 0;
        const auto* end = filter.equals->data() + filter.equals->size();
        const auto [stop, error] = std::from_chars(filter.equals->data(), end, number);
        if (error == std::errc{} && stop == end) {
          min = max = number;
        } else {
          errors.push_back({name, "must be an integer (" + definition->unit + ")"});
        }
      }
      if (min) {
        conditions += " AND v.int_value >= ?";
        parameters.emplace_back(*min);
      }
      if (max) {
        conditions += " AND v.int_value <= ?";
        parameters.emplace_back(*max);
      }
    } else {
      if (filter.min || filter.max) {
        errors.push_back(
            {name, "is not a number attribute: filter it with attr." + filter.code + "=<value>"});
      }
      conditions += " AND v.text_value = ?";
      parameters.emplace_back(filter.equals.value_or(""));
    }
    conditions += ")";
  }
  if (!errors.empty()) throw_validation_failed(errors);
  sql +=
      " AND EXISTS (SELECT 1 FROM catalog_skus s WHERE s.product_id = p.id "
      "AND s.status = 'active'" +
      conditions + ")";
}

}  // namespace

BrowsePage browse_products(mysql::Session& session, const BrowseQuery& query) {
  const SortSpec sort = sort_spec(query.sort);
  std::vector<Parameter> parameters;
  std::string sql =
      "SELECT p.id, p.title, p.min_price_fen, p.sales_count, "
      // The lowest price an order is charged now: an active holiday campaign's price for its
      // SKUs while below their own (at most one per SKU, overlaps are refused), the SKU's own
      // otherwise. Sorting and price filters stay on the stored own prices (p.min_price_fen).
      "(SELECT MIN(LEAST(s.price_fen, COALESCE(cs.price_fen, s.price_fen))) FROM catalog_skus s "
      " LEFT JOIN catalog_campaign_skus cs ON cs.sku_id = s.id "
      " AND cs.starts_at <= UTC_TIMESTAMP(6) AND cs.ends_at > UTC_TIMESTAMP(6) "
      " WHERE s.product_id = p.id AND s.status = 'active') AS price_now_fen, "
      "DATE_FORMAT(p.listed_at, '%Y-%m-%dT%H:%i:%s.%fZ') AS listed_at, ";
  sql += sort.key_expression;
  sql +=
      " AS sort_key, p.county_id, co.name AS county_name, p.supplier_id, "
      "sup.name AS supplier_name, p.category_id, cat.name AS category_name, "
      "(SELECT i.url FROM catalog_product_images i WHERE i.product_id = p.id "
      " ORDER BY i.position LIMIT 1) AS image_url, "
      "EXISTS (SELECT 1 FROM catalog_certifications c WHERE c.status = 'active' "
      " AND c.valid_from <= CURRENT_DATE AND c.valid_to >= CURRENT_DATE "
      " AND ((c.scope = 'product' AND c.target_id = p.id) "
      "  OR (c.scope = 'supplier' AND c.target_id = p.supplier_id))) AS certified "
      "FROM catalog_products p "
      "JOIN catalog_suppliers sup ON sup.id = p.supplier_id "
      "JOIN catalog_counties co ON co.id = p.county_id "
      "JOIN catalog_categories cat ON cat.id = p.category_id "
      "WHERE p.status = 'listed' AND sup.status = 'active' AND p.min_price_fen IS NOT NULL";
  if (query.county_id) {
    sql += " AND p.county_id = ?";
    parameters.emplace_back(*query.county_id);
  }
  if (query.category_id) {
    // A prefix test without LIKE: '_' in category codes would be a wildcard there.
    sql +=
        " AND EXISTS (SELECT 1 FROM catalog_categories root WHERE root.id = ? "
        "AND LEFT(cat.path, CHAR_LENGTH(root.path)) = root.path)";
    parameters.emplace_back(*query.category_id);
  }
  if (query.supplier_id) {
    sql += " AND p.supplier_id = ?";
    parameters.emplace_back(*query.supplier_id);
  }
  if (query.min_price_fen) {
    sql += " AND p.min_price_fen >= ?";
    parameters.emplace_back(*query.min_price_fen);
  }
  if (query.max_price_fen) {
    sql += " AND p.min_price_fen <= ?";
    parameters.emplace_back(*query.max_price_fen);
  }
  if (!query.attributes.empty()) append_attribute_filters(session, query, sql, parameters);
  if (query.certified_only) {
    sql +=
        " AND EXISTS (SELECT 1 FROM catalog_certifications c WHERE c.status = 'active' "
        "AND c.valid_from <= CURRENT_DATE AND c.valid_to >= CURRENT_DATE "
        "AND ((c.scope = 'product' AND c.target_id = p.id) "
        "OR (c.scope = 'supplier' AND c.target_id = p.supplier_id)))";
  }
  if (!query.terms.empty()) {
    // A product matches when it has every term of the query.
    sql += " AND p.id IN (SELECT t.product_id FROM catalog_search_terms t WHERE t.term IN (";
    for (std::size_t i = 0; i < query.terms.size(); ++i) {
      sql += i == 0 ? "?" : ", ?";
      parameters.emplace_back(query.terms[i]);
    }
    sql += ") GROUP BY t.product_id HAVING COUNT(*) = ?)";
    parameters.emplace_back(static_cast<std::int64_t>(query.terms.size()));
  }
  if (query.after) {
    const char* beyond = sort.ascending ? ">" : "<";
    sql += std::string(" AND (") + sort.column + " " + beyond + " ? OR (" + sort.column +
           " = ? AND p.id " + beyond + " ?))";
    // Integer keys are bound as integers: MariaDB compares an integer column with a string
    // as floating point.
    Parameter key = query.after->key;
    if (query.sort != "newest") key = std::stoll(query.after->key);
    parameters.push_back(key);
    parameters.push_back(key);
    parameters.emplace_back(query.after->id);
  }
  const char* direction = sort.ascending ? " ASC" : " DESC";
  sql += std::string(" ORDER BY ") + sort.column + direction + ", p.id" + direction + " LIMIT ?";
  parameters.emplace_back(static_cast<std::int64_t>(query.limit + 1));

  auto& select = session.prepare(sql);
  int index = 1;
  for (const auto& parameter : parameters) {
    std::visit([&](const auto& value) { mysql::bind_one(select, index++, value); }, parameter);
  }
  auto rows = mysql::query(select);
  BrowsePage page;
  std::string last_key;
  std::int64_t last_id = 0;
  while (rows->next()) {
    if (static_cast<int>(page.items.size()) == query.limit) {
      page.next = BrowseCursor{query.sort, last_key, last_id, 0};
      break;
    }
    boost::json::object item;
    last_id = rows->getInt64("id");
    last_key = mysql::get_string(*rows, "sort_key");
    item["id"] = last_id;
    item["title"] = mysql::get_string(*rows, "title");
    // What is shown is what an order is charged now (a campaign price while its window is
    // open); the cache follows the window's edges through the catalog version (campaign_edges).
    item["min_price_fen"] =
        mysql::get_optional_int64(*rows, "price_now_fen").value_or(rows->getInt64("min_price_fen"));
    item["sales_count"] = rows->getInt64("sales_count");
    item["listed_at"] = nullable_string(*rows, "listed_at");
    item["county"] = {{"id", rows->getInt64("county_id")},
                      {"name", mysql::get_string(*rows, "county_name")}};
    item["supplier"] = {{"id", rows->getInt64("supplier_id")},
                        {"name", mysql::get_string(*rows, "supplier_name")}};
    item["category"] = {{"id", rows->getInt64("category_id")},
                        {"name", mysql::get_string(*rows, "category_name")}};
    item["image_url"] = nullable_string(*rows, "image_url");
    item["certified"] = rows->getInt("certified") != 0;
    page.items.push_back(std::move(item));
  }
  return page;
}

}  // namespace huicai::catalog
