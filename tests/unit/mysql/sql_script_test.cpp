// Splitting migration files into statements: a `;` ends a statement only outside quotes and
// comments.

#include <catch2/catch.hpp>
#include <huicai/core/mysql/sql_script.hpp>
#include <stdexcept>

using huicai::mysql::split_sql_script;

TEST_CASE("statements end at semicolons outside quotes and comments", "[mysql][sql_script]") {
  const auto statements = split_sql_script(
      "-- a comment; not a statement\n"
      "CREATE TABLE t (a VARCHAR(10) COMMENT 'x;y');\n"
      "INSERT INTO t VALUES ('it''s; fine'), (\"dq; \\\" ;\"), ('back\\'slash;');\n"
      "# hash comment ;\n"
      "/* block ; comment\n spanning lines */\n"
      "SELECT `odd;name` FROM t;\n"
      "SELECT 1--1;\n"
      "SELECT 2 -- trailing; comment\n;\n");
  REQUIRE(statements.size() == 5);
  CHECK(statements[0].text == "CREATE TABLE t (a VARCHAR(10) COMMENT 'x;y')");
  CHECK(statements[0].line == 2);  // the comment before it is not part of it
  CHECK(statements[1].text ==
        "INSERT INTO t VALUES ('it''s; fine'), (\"dq; \\\" ;\"), ('back\\'slash;')");
  CHECK(statements[1].line == 3);
  CHECK(statements[2].text == "SELECT `odd;name` FROM t");
  CHECK(statements[2].line == 7);
  CHECK(statements[3].text == "SELECT 1--1");
  CHECK(statements[4].text == "SELECT 2 -- trailing; comment");
}

TEST_CASE("comment-only pieces and empty statements are dropped", "[mysql][sql_script]") {
  CHECK(split_sql_script("").empty());
  CHECK(split_sql_script("  ;; \n -- only a comment\n /* and ; this */ ;").empty());
  const auto statements = split_sql_script("SELECT 1");  // no final semicolon
  REQUIRE(statements.size() == 1);
  CHECK(statements[0].text == "SELECT 1");
}

TEST_CASE("executable comments are code", "[mysql][sql_script]") {
  const auto statements = split_sql_script("/*!40101 SET NAMES utf8mb4 */;\nSELECT 1;");
  REQUIRE(statements.size() == 2);
  CHECK(statements[0].text == "/*!40101 SET NAMES utf8mb4 */");
}

TEST_CASE("unterminated quotes and comments and DELIMITER are refused", "[mysql][sql_script]") {
  CHECK_THROWS_AS(split_sql_script("SELECT 'open;\nSELECT 1;"), std::invalid_argument);
  CHECK_THROWS_WITH(split_sql_script("SELECT 1;\n/* never closed"), Catch::Contains("line 2"));
  CHECK_THROWS_AS(split_sql_script("SELECT `x;"), std::invalid_argument);
  CHECK_THROWS_WITH(split_sql_script("SELECT 1;\ndelimiter //\n"), Catch::Contains("DELIMITER"));
}
