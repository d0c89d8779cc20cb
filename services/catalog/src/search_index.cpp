#include "search_index.hpp"

#include <huicai/catalog/search_terms.hpp>
#include <huicai/core/mysql/statement.hpp>

namespace huicai::catalog {

void write_search_terms(mysql::Session& session, std::int64_t product_id,
                        const std::string& title) {
  auto& remove = session.prepare("DELETE FROM catalog_search_terms WHERE product_id = ?");
  mysql::bind(remove, product_id);
  remove.executeUpdate();
  const auto terms = index_terms(title);
  if (terms.empty()) return;
  // One multi-row INSERT: a title has at most ~120 terms.
  std::string sql = "INSERT INTO catalog_search_terms (term, product_id) VALUES ";
  for (std::size_t i = 0; i < terms.size(); ++i) sql += i == 0 ? "(?, ?)" : ", (?, ?)";
  auto& insert = session.prepare(sql);
  int index = 1;
  for (const auto& term : terms) {
    mysql::bind_one(insert, index++, term);
    mysql::bind_one(insert, index++, product_id);
  }
  insert.executeUpdate();
}

}  // namespace huicai::catalog
