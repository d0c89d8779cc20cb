#include "app/migration_files.hpp"

#include <sodium.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace huicai::app {

std::string sha256_hex(const std::string& bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex);
}

std::vector<MigrationFile> read_migration_files(const std::filesystem::path& directory) {
  if (!std::filesystem::is_directory(directory)) {
    throw std::runtime_error("migrations directory " + directory.string() + " does not exist");
  }
  static const std::regex pattern(R"(^([0-9]{4})_([a-z0-9_]+)\.sql$)");
  std::map<int, MigrationFile> by_version;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (!entry.is_regular_file()) continue;
    const std::string file_name = entry.path().filename().string();
    if (entry.path().extension() != ".sql") continue;
    std::smatch match;
    if (!std::regex_match(file_name, match, pattern)) {
      throw std::runtime_error("migration file " + file_name +
                               " is not named NNNN_lowercase_name.sql");
    }
    MigrationFile file;
    file.version = std::stoi(match[1].str());
    file.name = match[2].str();
    file.path = entry.path();
    std::ifstream input(entry.path(), std::ios::binary);
    std::ostringstream contents;
    contents << input.rdbuf();
    if (!input) throw std::runtime_error("cannot read " + entry.path().string());
    file.text = contents.str();
    file.checksum = sha256_hex(file.text);
    if (auto [existing, inserted] = by_version.emplace(file.version, file); !inserted) {
      throw std::runtime_error("two migration files share number " + match[1].str() + ": " +
                               existing->second.path.filename().string() + " and " + file_name);
    }
  }
  std::vector<MigrationFile> files;
  files.reserve(by_version.size());
  for (auto& [version, file] : by_version) files.push_back(std::move(file));
  return files;
}

}  // namespace huicai::app
