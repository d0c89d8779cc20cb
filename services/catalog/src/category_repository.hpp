#pragma once
// SQL for catalog_categories (a tree; `path` is the chain of codes, "/grain/millet/").

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <huicai/core/mysql/pool.hpp>
#include <optional>
#include <string>

namespace huicai::catalog {

struct CategoryRow {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id;
  std::string code;
  std::string name;
  std::string path;
  int position = 0;
  std::int64_t version = 0;
};

// The whole tree, roots first, children nested under "children".
boost::json::array category_tree(mysql::Session& session);
std::optional<CategoryRow> find_category(mysql::Session& session, std::int64_t id);
std::optional<CategoryRow> find_category_by_code(mysql::Session& session, const std::string& code);
std::int64_t insert_category(mysql::Session& session, std::optional<std::int64_t> parent_id,
                             const std::string& code, const std::string& name,
                             const std::string& path, int position);
int update_category(mysql::Session& session, std::int64_t id,
                    std::optional<std::int64_t> expected_version,
                    const std::optional<std::string>& name, std::optional<std::int64_t> position);
boost::json::object category_json(const CategoryRow& row);

}  // namespace huicai::catalog
