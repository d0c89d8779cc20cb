// `huicai migrate` (Application::migrate) against a throwaway database huicai_test_<random>
// and a temporary migrations directory: order, idempotence, checksum and removal refusals,
// statement splitting, failure in the middle of a file.

#include <cppconn/resultset.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <huicai/core/app/application.hpp>
#include <huicai/core/config.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <io_thread.hpp>
#include <mysql_test_options.hpp>
#include <string>

using huicai::app::Application;
using huicai::mysql::Pool;
using huicai::mysql::Session;

namespace {

// A database of its own (the admin user may create huicai_test_*) and a directory of files.
class Scratch {
 public:
  Scratch()
      : database_("huicai_test_migrate_" + huicai::test::unique_suffix()),
        directory_(std::filesystem::temp_directory_path() / database_) {
    std::filesystem::create_directories(directory_);
    auto options = huicai::test::mysql_test_options(true, 1);
    options.database.clear();
    Pool server(io_.executor(), options);
    server.run_blocking(
        [&](Session& session) { session.execute_direct("CREATE DATABASE " + database_); });
    options.database = database_;
    pool_ = std::make_unique<Pool>(io_.executor(), options);
    config_ = huicai::Config::from_environment();
    config_.mysql_database = database_;
  }
  ~Scratch() {
    try {
      pool_->run_blocking(
          [&](Session& session) { session.execute_direct("DROP DATABASE " + database_); });
    } catch (...) {
    }
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  }

  void write(const std::string& file_name, const std::string& text) {
    std::ofstream(directory_ / file_name, std::ios::binary) << text;
  }
  void remove(const std::string& file_name) { std::filesystem::remove(directory_ / file_name); }
  int migrate() { return migrate_from(directory_.string()); }
  int migrate_from(const std::string& directory) {
    return Application::migrate(config_, directory);
  }

  std::int64_t number(const std::string& sql) {
    return pool_->run_blocking([&](Session& session) {
      auto rows = huicai::mysql::query(session.prepare(sql));
      REQUIRE(rows->next());
      return rows->getInt64(1);
    });
  }
  std::string text(const std::string& sql) {
    return pool_->run_blocking([&](Session& session) {
      auto rows = huicai::mysql::query(session.prepare(sql));
      REQUIRE(rows->next());
      return std::string(rows->getString(1));
    });
  }

 private:
  huicai::test::IoThread io_;
  std::string database_;
  std::filesystem::path directory_;
  std::unique_ptr<Pool> pool_;
  huicai::Config config_;
};

// 0010 needs the table 0002 creates: applied in file-name order or it fails.
const std::string kCreateNotes =
    "-- notes; the first table\n"
    "CREATE TABLE notes (\n"
    "  id INT PRIMARY KEY,\n"
    "  body VARCHAR(100) NOT NULL COMMENT 'free text; may hold semicolons'\n"
    ") ENGINE=InnoDB;\n"
    "/* seed rows; two of them */\n"
    "INSERT INTO notes VALUES (1, 'a;b'), (2, 'it''s; \"quoted\"');\n";
const std::string kAddTags =
    "ALTER TABLE notes ADD COLUMN tag VARCHAR(20) NULL;  # trailing comment; ignored\n"
    "UPDATE notes SET tag = 'seeded';\n";

}  // namespace

TEST_CASE("migrate applies files in order, once, and records them", "[migrate]") {
  Scratch scratch;
  scratch.write("0010_add_tags.sql", kAddTags);
  scratch.write("0002_create_notes.sql", kCreateNotes);
  scratch.write("README.md", "not a migration; ignored");

  REQUIRE(scratch.migrate() == 0);
  CHECK(scratch.number("SELECT COUNT(*) FROM notes WHERE tag = 'seeded'") == 2);
  CHECK(scratch.text("SELECT body FROM notes WHERE id = 1") == "a;b");
  CHECK(scratch.text("SELECT body FROM notes WHERE id = 2") == "it's; \"quoted\"");
  CHECK(scratch.number("SELECT COUNT(*) FROM schema_migrations") == 2);
  CHECK(scratch.text("SELECT GROUP_CONCAT(version ORDER BY version) FROM schema_migrations") ==
        "2,10");
  CHECK(scratch.text("SELECT checksum FROM schema_migrations WHERE version = 2").size() == 64);

  SECTION("a second run changes nothing") {
    scratch.number("SELECT COUNT(*) FROM notes");
    REQUIRE(scratch.migrate() == 0);
    CHECK(scratch.number("SELECT COUNT(*) FROM notes") == 2);
    CHECK(scratch.number("SELECT COUNT(*) FROM schema_migrations") == 2);
  }
  SECTION("a new file, even with a lower number, is applied alone") {
    scratch.write("0005_more_notes.sql", "INSERT INTO notes (id, body) VALUES (3, 'c');");
    REQUIRE(scratch.migrate() == 0);
    CHECK(scratch.number("SELECT COUNT(*) FROM notes") == 3);
    CHECK(scratch.number("SELECT COUNT(*) FROM schema_migrations") == 3);
  }
  SECTION("a changed applied file is refused and nothing new is applied") {
    scratch.write("0002_create_notes.sql", kCreateNotes + "-- an innocent edit\n");
    scratch.write("0011_more.sql", "INSERT INTO notes (id, body) VALUES (4, 'd');");
    CHECK(scratch.migrate() != 0);
    CHECK(scratch.number("SELECT COUNT(*) FROM notes") == 2);
    CHECK(scratch.number("SELECT COUNT(*) FROM schema_migrations") == 2);
    scratch.write("0002_create_notes.sql", kCreateNotes);  // restored: accepted again
    CHECK(scratch.migrate() == 0);
    CHECK(scratch.number("SELECT COUNT(*) FROM notes") == 3);
  }
  SECTION("a removed applied file is refused") {
    scratch.remove("0010_add_tags.sql");
    CHECK(scratch.migrate() != 0);
  }
  SECTION("a renamed applied file is refused") {
    scratch.remove("0010_add_tags.sql");
    scratch.write("0010_add_labels.sql", kAddTags);
    CHECK(scratch.migrate() != 0);
  }
}

TEST_CASE("a failing statement stops migrate and leaves its file unrecorded", "[migrate]") {
  Scratch scratch;
  scratch.write("0001_create_notes.sql", kCreateNotes);
  scratch.write("0002_broken.sql",
                "CREATE TABLE tags (id INT PRIMARY KEY);\n"
                "INSERT INTO no_such_table VALUES (1);\n");
  scratch.write("0003_after.sql", "CREATE TABLE after_broken (id INT PRIMARY KEY);");
  CHECK(scratch.migrate() != 0);
  CHECK(scratch.text("SELECT GROUP_CONCAT(version) FROM schema_migrations") == "1");
  // DDL before the failure committed implicitly (MariaDB): the log says so.
  CHECK(scratch.number("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
                       "DATABASE() AND table_name = 'tags'") == 1);
  CHECK(scratch.number("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
                       "DATABASE() AND table_name = 'after_broken'") == 0);

  // Fixed (idempotently) and run again: the rest goes through.
  scratch.write("0002_broken.sql",
                "CREATE TABLE IF NOT EXISTS tags (id INT PRIMARY KEY);\n"
                "INSERT INTO tags VALUES (1);\n");
  CHECK(scratch.migrate() == 0);
  CHECK(scratch.text("SELECT GROUP_CONCAT(version ORDER BY version) FROM schema_migrations") ==
        "1,2,3");
}

TEST_CASE("badly named or duplicate migration files are refused before anything runs",
          "[migrate]") {
  Scratch scratch;
  scratch.write("0001_create_notes.sql", kCreateNotes);
  SECTION("missing number") {
    scratch.write("add_tags.sql", kAddTags);
    CHECK(scratch.migrate() != 0);
  }
  SECTION("same number twice") {
    scratch.write("0001_other.sql", kAddTags);
    CHECK(scratch.migrate() != 0);
  }
  CHECK(scratch.number("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
                       "DATABASE() AND table_name = 'notes'") == 0);
}

TEST_CASE("an unterminated quote is refused without applying the file", "[migrate]") {
  Scratch scratch;
  scratch.write("0001_bad_quote.sql", "CREATE TABLE t (id INT);\nINSERT INTO t VALUES ('open);\n");
  CHECK(scratch.migrate() != 0);
  CHECK(scratch.number("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
                       "DATABASE() AND table_name = 't'") == 0);
}

TEST_CASE("two migrate runs at once apply each file exactly once", "[migrate]") {
  Scratch scratch;
  scratch.write("0001_create_notes.sql", kCreateNotes);
  scratch.write("0002_slow.sql", "SELECT SLEEP(0.5);\nCREATE TABLE slow (id INT);\n");
  int first = -1;
  int second = -1;
  std::thread other([&] { first = scratch.migrate(); });
  second = scratch.migrate();
  other.join();
  CHECK(first == 0);
  CHECK(second == 0);
  CHECK(scratch.number("SELECT COUNT(*) FROM schema_migrations") == 2);
  CHECK(scratch.number("SELECT COUNT(*) FROM notes") == 2);
}

TEST_CASE("the repository's migrations apply to an empty database, twice", "[migrate]") {
  Scratch scratch;
  const std::string directory = std::string(HUICAI_SOURCE_DIR) + "/db/migrations";
  REQUIRE(scratch.migrate_from(directory) == 0);
  const auto applied = scratch.number("SELECT COUNT(*) FROM schema_migrations");
  CHECK(applied >= 1);
  REQUIRE(scratch.migrate_from(directory) == 0);
  CHECK(scratch.number("SELECT COUNT(*) FROM schema_migrations") == applied);
}
