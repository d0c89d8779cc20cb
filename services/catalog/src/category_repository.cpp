#include "category_repository.hpp"

#include <functional>
#include <map>

#include "repository_support.hpp"

namespace huicai::catalog {
namespace {

constexpr const char* kColumns = "id, parent_id, code, name, path, position, version";

CategoryRow row_of(sql::ResultSet& row) {
  CategoryRow category;
  category.id = row.getInt64("id");
  category.parent_id = mysql::get_optional_int64(row, "parent_id");
  category.code = mysql::get_string(row, "code");
  category.name = mysql::get_string(row, "name");
  category.path = mysql::get_string(row, "path");
  category.position = row.getInt("position");
  category.version = row.getInt64("version");
  return category;
}

}  // namespace

boost::json::object category_json(const CategoryRow& row) {
  boost::json::object category;
  category["id"] = row.id;
  category["parent_id"] = row.parent_id ? boost::json::value(*row.parent_id) : nullptr;
  category["code"] = row.code;
  category["name"] = row.name;
  category["path"] = row.path;
  category["position"] = row.position;
  category["version"] = row.version;
  return category;
}

boost::json::array category_tree(mysql::Session& session) {
  auto& select = session.prepare(std::string("SELECT ") + kColumns +
                                 " FROM catalog_categories ORDER BY position, id");
  auto rows = mysql::query(select);
  std::vector<CategoryRow> all;
  while (rows->next()) all.push_back(row_of(*rows));
  // Build bottom-up: children lists keyed by parent id, then attach recursively.
  std::map<std::int64_t, std::vector<const CategoryRow*>> children;
  std::vector<const CategoryRow*> roots;
  for (const auto& row : all) {
    if (row.parent_id) {
      children[*row.parent_id].push_back(&row);
    } else {
      roots.push_back(&row);
    }
  }
  std::function<boost::json::object(const CategoryRow&, int)> build = [&](const CategoryRow& row,
                                                                          int depth) {
    auto node = category_json(row);
    boost::json::array nested;
    if (depth < 8) {
      for (const auto* child : children[row.id]) nested.push_back(build(*child, depth + 1));
    }
    node["children"] = std::move(nested);
    return node;
  };
  boost::json::array tree;
  for (const auto* root : roots) tree.push_back(build(*root, 0));
  return tree;
}

std::optional<CategoryRow> find_category(mysql::Session& session, std::int64_t id) {
  auto& select =
      session.prepare(std::string("SELECT ") + kColumns + " FROM catalog_categories WHERE id = ?");
  auto row = mysql::query(mysql::bind(select, id));
  if (!row->next()) return std::nullopt;
  return row_of(*row);
}

std::optional<CategoryRow> find_category_by_code(mysql::Session& session, const std::string& code) {
  auto& select = session.prepare(std::string("SELECT ") + kColumns +
                                 " FROM catalog_categories WHERE code = ?");
  auto row = mysql::query(mysql::bind(select, code));
  if (!row->next()) return std::nullopt;
  return row_of(*row);
}

std::int64_t insert_category(mysql::Session& session, std::optional<std::int64_t> parent_id,
                             const std::string& code, const std::string& name,
                             const std::string& path, int position) {
  auto& insert = session.prepare(
      "INSERT INTO catalog_categories (parent_id, code, name, path, position) "
      "VALUES (?, ?, ?, ?, ?)");
  mysql::bind(insert, parent_id, code, name, path, position);
  insert.executeUpdate();
  return last_insert_id(session);
}

int update_category(mysql::Session& session, std::int64_t id,
                    std::optional<std::int64_t> expected_version,
                    const std::optional<std::string>& name, std::optional<std::int64_t> position) {
  auto& update = session.prepare(
      "UPDATE catalog_categories SET name = COALESCE(?, name), position = COALESCE(?, position), "
      "version = version + 1, updated_at = CURRENT_TIMESTAMP(6) "
      "WHERE id = ? AND (? IS NULL OR version = ?)");
  mysql::bind(update, name, position, id, expected_version, expected_version);
  return update.executeUpdate();
}

}  // namespace huicai::catalog
