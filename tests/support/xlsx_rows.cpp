// Reading an XLSX export in tests (xlsx_rows.hpp).
#include "xlsx_rows.hpp"

#include <unistd.h>

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace huicai::test {

XlsxRows xlsx_rows(const std::string& bytes, std::string* sheet_name) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("huicai-export-test-" + std::to_string(::getpid()) + ".xlsx");
  std::ofstream(path, std::ios::binary) << bytes;
  const std::string command =
      "python3 " + std::string(HUICAI_SOURCE_DIR) + "/tests/tools/xlsx_rows.py " + path.string();
  std::string output;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[4096];
    std::size_t count = 0;
    while ((count = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, count);
    CHECK(::pclose(pipe) == 0);
  }
  std::filesystem::remove(path);
  INFO(output);
  const auto document = boost::json::parse(output).as_object();
  if (sheet_name) *sheet_name = std::string(document.at("sheet").as_string());
  XlsxRows rows;
  for (const auto& row : document.at("rows").as_array()) {
    rows.emplace_back(row.as_array().begin(), row.as_array().end());
  }
  return rows;
}

std::string cell(const XlsxRows& rows, std::size_t row, std::size_t column) {
  REQUIRE(row < rows.size());
  REQUIRE(column < rows[row].size());
  const auto& value = rows[row][column];
  REQUIRE(value.is_string());
  return std::string(value.as_string());
}

bool has_formula(const XlsxRows& rows) {
  for (const auto& row : rows) {
    for (const auto& value : row) {
      if (value.is_object()) return true;
    }
  }
  return false;
}

}  // namespace huicai::test
