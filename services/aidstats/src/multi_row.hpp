#pragma once
// Multi-row statements of the totals (IN lists, VALUES lists): items are cut into chunks of at
// most kMaxRowsPerStatement and each chunk is padded to a power of two by repeating its last
// item (huicai/core/mysql/placeholders.hpp), so a connection caches a handful of statement
// texts. Only for statements where a repeated item changes nothing (IN, upserts that set the
// same values or add zero: `padding` tells the binder which items are repeats).
//
//   per_chunk(session, ids,
//             [](std::size_t n) { return "DELETE FROM t WHERE id IN (" + in_list(n) + ")"; },
//             [](auto& statement, int& index, std::int64_t id, bool) { bind_at(statement, index,
//             id); },
//             [](auto& statement) { statement.executeUpdate(); });
#include <algorithm>
#include <cstddef>
#include <huicai/core/mysql/placeholders.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <string>
#include <vector>

namespace huicai::aidstats {

inline constexpr std::size_t kMaxRowsPerStatement = 512;

// "?, ?, ?": an IN list of `items` placeholders.
inline std::string in_list(std::size_t items) {
  return mysql::repeated("?", ", ", items);
}

// "(?, ?, ?), (?, ?, ?)": `rows` groups of `columns` placeholders.
inline std::string value_rows(std::size_t columns, std::size_t rows) {
  return mysql::repeated("(" + in_list(columns) + ")", ", ", rows);
}

// Binds `values` to the placeholders from `index` on, advancing it.
template <class... Values>
void bind_at(sql::PreparedStatement& statement, int& index, const Values&... values) {
  (mysql::bind_one(statement, index++, values), ...);
}

// For each chunk of `items`: prepares text(padded) (a statement holding `padded` items), calls
// bind(statement, index, item, padding) for each of its items and the repeats of its last one,
// then run(statement).
template <class Item, class Text, class Bind, class Run>
void per_chunk(mysql::Session& session, const std::vector<Item>& items, Text text, Bind bind,
               Run run) {
  for (std::size_t first = 0; first < items.size(); first += kMaxRowsPerStatement) {
    const auto count = std::min(kMaxRowsPerStatement, items.size() - first);
    const auto padded = mysql::padded_size(count);
    auto& statement = session.prepare(text(padded));
    int index = 1;
    for (std::size_t i = 0; i < padded; ++i) {
      bind(statement, index, items[first + std::min(i, count - 1)], i >= count);
    }
    run(statement);
  }
}

}  // namespace huicai::aidstats
