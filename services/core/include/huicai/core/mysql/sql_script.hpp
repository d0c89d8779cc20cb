#pragma once
// Splits an SQL script (a migration file) into statements at the `;` that end them, the way the
// mariadb command-line client does: a `;` inside '...', "..." or `...`, or inside a -- , # or
// /* */ comment does not end a statement. Statements that hold only comments and whitespace
// are dropped. DELIMITER is not supported (migrations have no stored programs): it throws.

#include <string>
#include <string_view>
#include <vector>

namespace huicai::mysql {

struct ScriptStatement {
  std::string text;  // trimmed, without the terminating ';'
  int line = 0;      // 1-based line in the script where the statement starts, for messages
};

// Throws std::invalid_argument naming the line for an unterminated quote or comment.
std::vector<ScriptStatement> split_sql_script(std::string_view script);

}  // namespace huicai::mysql
