#pragma once
// The migration files of a directory: NNNN_name.sql, ordered by number, with their text and
// sha256 checksum. Used by `huicai migrate` (migrate.cpp).

#include <filesystem>
#include <string>
#include <vector>

namespace huicai::app {

struct MigrationFile {
  int version = 0;   // NNNN
  std::string name;  // "catalog_counties" from 0201_catalog_counties.sql
  std::filesystem::path path;
  std::string text;
  std::string checksum;  // sha256 of the file's bytes, lowercase hex
};

// Throws std::runtime_error for a *.sql file that does not follow NNNN_name.sql, for two files
// with the same number, and for unreadable files. Other files (README.md) are ignored.
std::vector<MigrationFile> read_migration_files(const std::filesystem::path& directory);

std::string sha256_hex(const std::string& bytes);

}  // namespace huicai::app
