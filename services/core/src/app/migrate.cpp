// `huicai migrate`: applies the pending NNNN_name.sql files of a directory in order.
//
// * One connection (admin user: DDL needs more than the app user's grants) holds a named lock
//   for the whole run, so two migrate processes (two services starting at once) never
//   interleave; the second waits up to 60 s and then sees everything applied.
// * schema_migrations records each applied file with its sha256. A recorded file that changed
//   or disappeared stops the run before anything is applied: never edit a committed migration,
//   add a new one.
// * MariaDB commits DDL implicitly, so a file cannot be applied atomically. Each file is
//   recorded right after its last statement; if a statement fails, the statements before it in
//   that file stay applied and the file is not recorded. The log says so; write migrations
//   with IF NOT EXISTS where MariaDB allows it so the fixed file can run again.

#include <cppconn/exception.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <huicai/core/app/application.hpp>
#include <huicai/core/log.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/pool_options_from.hpp>
#include <huicai/core/mysql/sql_script.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <map>
#include <memory>

#include "app/migration_files.hpp"

namespace huicai::app {
namespace {

constexpr int kLockWaitSeconds = 60;

constexpr const char* kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INT UNSIGNED NOT NULL PRIMARY KEY,"
    " name VARCHAR(200) NOT NULL,"
    " checksum CHAR(64) CHARACTER SET ascii NOT NULL,"
    " applied_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";

std::string label(int version, const std::string& name) {
  char number[16];
  std::snprintf(number, sizeof number, "%04d", version);
  return std::string(number) + "_" + name;
}

struct AppliedMigration {
  std::string name;
  std::string checksum;
};

// Holds the named lock for the lifetime of the object. The lock is per database, so tests that
// migrate a throwaway database do not wait for the real one.
class MigrationLock {
 public:
  MigrationLock(mysql::Session& session, const std::string& database)
      : session_(session), name_(("huicai_migrate:" + database).substr(0, 64)) {
    auto& acquire = session_.prepare("SELECT GET_LOCK(?, ?)");
    mysql::bind(acquire, name_, kLockWaitSeconds);
    auto rows = mysql::query(acquire);
    if (!rows->next() || rows->getInt(1) != 1) {
      throw std::runtime_error("another migrate holds lock '" + name_ + "' for more than " +
                               std::to_string(kLockWaitSeconds) + " s");
    }
  }
  ~MigrationLock() {
    try {
      auto& release = session_.prepare("SELECT RELEASE_LOCK(?)");
      mysql::bind(release, name_);
      mysql::query(release);
    } catch (...) {
      // The server releases it when the connection closes, right after this.
    }
  }

 private:
  mysql::Session& session_;
  std::string name_;
};

std::map<int, AppliedMigration> read_applied(mysql::Session& session) {
  std::map<int, AppliedMigration> applied;
  auto& select = session.prepare("SELECT version, name, checksum FROM schema_migrations");
  auto rows = mysql::query(select);
  while (rows->next()) {
    applied[rows->getInt("version")] = {mysql::get_string(*rows, "name"),
                                        mysql::get_string(*rows, "checksum")};
  }
  return applied;
}

// Every recorded migration must still be there, unchanged. Logs each problem; true when none.
bool verify_applied(const std::map<int, AppliedMigration>& applied,
                    const std::vector<MigrationFile>& files, const std::string& directory) {
  std::map<int, const MigrationFile*> by_version;
  for (const auto& file : files) by_version[file.version] = &file;
  bool ok = true;
  for (const auto& [version, record] : applied) {
    const std::string recorded = label(version, record.name);
    auto found = by_version.find(version);
    if (found == by_version.end()) {
      log::error("migration was applied but its file is gone; restore it",
                 {{"migration", recorded}, {"directory", directory}});
      ok = false;
    } else if (found->second->name != record.name || found->second->checksum != record.checksum) {
      log::error(
          "migration was changed after it was applied; restore the applied version and put "
          "the change in a new migration",
          {{"migration", recorded},
           {"file", found->second->path.filename().string()},
           {"applied_checksum", record.checksum},
           {"file_checksum", found->second->checksum}});
      ok = false;
    }
  }
  return ok;
}

// Returns false (after logging why) when a statement fails.
bool apply_file(mysql::Session& session, const MigrationFile& file) {
  const std::string name = label(file.version, file.name);
  const auto started = std::chrono::steady_clock::now();
  std::vector<mysql::ScriptStatement> statements;
  try {
    statements = mysql::split_sql_script(file.text);
  } catch (const std::invalid_argument& error) {
    log::error("migration cannot be split into statements; nothing of it was applied",
               {{"migration", name}, {"error", error.what()}});
    return false;
  }
  log::info("applying migration",
            {{"migration", name}, {"statements", static_cast<std::int64_t>(statements.size())}});
  for (std::size_t i = 0; i < statements.size(); ++i) {
    try {
      session.execute_direct(statements[i].text);
    } catch (const sql::SQLException& error) {
      log::error(
          "migration statement failed; the statements before it in this file were applied "
          "(DDL commits implicitly) and the file is not recorded",
          {{"migration", name},
           {"statement", static_cast<std::int64_t>(i + 1)},
           {"line", statements[i].line},
           {"error_code", error.getErrorCode()},
           {"error", error.what()}});
      return false;
    }
  }
  auto& record =
      session.prepare("INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)");
  mysql::bind(record, file.version, file.name, file.checksum);
  record.executeUpdate();
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  log::info("applied migration",
            {{"migration", name}, {"checksum", file.checksum}, {"ms", elapsed.count()}});
  return true;
}

int migrate_with(mysql::Session& session, const std::vector<MigrationFile>& files,
                 const std::string& database, const std::string& directory) {
  MigrationLock lock(session, database);
  session.execute_direct(kCreateMigrationsTable);
  const auto applied = read_applied(session);
  if (!verify_applied(applied, files, directory)) {
    log::error("migrate refused: applied migrations differ from the files; nothing applied",
               {{"database", database}});
    return 1;
  }
  std::int64_t count = 0;
  for (const auto& file : files) {
    if (applied.contains(file.version)) continue;
    if (!apply_file(session, file)) return 1;
    ++count;
  }
  log::info(count == 0 ? "migrations already up to date" : "migrations applied",
            {{"database", database},
             {"applied_now", count},
             {"total", static_cast<std::int64_t>(applied.size() + count)}});
  return 0;
}

}  // namespace

int Application::migrate(const Config& config, const std::string& migrations_dir) {
  try {
    const auto files = read_migration_files(migrations_dir);
    auto options = mysql::pool_options_from(config, mysql::PoolRole::admin);
    options.size = 1;
    // Rebuilding a big table can take long; a migration is not a request.
    options.read_timeout = std::chrono::hours(1);
    boost::asio::io_context io;  // the pool wants an executor; blocking calls never use it
    mysql::Pool pool(io.get_executor(), options);
    return pool.run_blocking([&](mysql::Session& session) {
      return migrate_with(session, files, config.mysql_database, migrations_dir);
    });
  } catch (const std::exception& error) {
    log::error("migrate failed", {{"error", error.what()}, {"directory", migrations_dir}});
    return 1;
  }
}

}  // namespace huicai::app
