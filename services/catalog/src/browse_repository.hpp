#pragma once
// The buyers' product list: listed products of active suppliers, filtered, searched by n-gram
// terms, sorted, and paged by keyset (sort key, id).

#include <boost/json/array.hpp>
#include <cstdint>
#include <huicai/catalog/attribute_rules.hpp>
#include <huicai/catalog/browse_cursor.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <optional>
#include <string>
#include <vector>

namespace huicai::catalog {

struct BrowseQuery {
  std::optional<std::int64_t> county_id;
  std::optional<std::int64_t> category_id;  // includes the category's subtree
  std::optional<std::int64_t> supplier_id;
  std::optional<std::int64_t> min_price_fen;
  std::optional<std::int64_t> max_price_fen;
  bool certified_only = false;
  std::vector<std::string> terms;  // from search_terms.hpp query_terms()
  // attr.* filters (need category_id): a product matches when one of its active SKUs
  // matches them all. Unknown codes and type mismatches are a 422 from browse_products.
  std::vector<AttributeFilter> attributes;
  std::string sort = "newest";  // price_asc | price_desc | newest | sales
  std::optional<BrowseCursor> after;
  int limit = 20;
};

struct BrowsePage {
  boost::json::array items;
  std::optional<BrowseCursor> next;  // filters fingerprint left 0: the caller sets it
};

BrowsePage browse_products(mysql::Session& session, const BrowseQuery& query);

}  // namespace huicai::catalog
