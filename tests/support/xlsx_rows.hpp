#pragma once
// An XLSX export as a spreadsheet program reads it: the first worksheet's rows, read from the
// file's bytes by tests/tools/xlsx_rows.py (the ZIP of XML). Numbers and text come back as
// text; a formula cell comes back as an object {"formula": ...}, so a test can assert that an
// export has none.
#include <boost/json/value.hpp>
#include <string>
#include <vector>

namespace huicai::test {

using XlsxRows = std::vector<std::vector<boost::json::value>>;

// `sheet_name`, when given, receives the first worksheet's name.
XlsxRows xlsx_rows(const std::string& bytes, std::string* sheet_name = nullptr);
// The text of one cell; the test fails when there is no such cell or it is a formula.
std::string cell(const XlsxRows& rows, std::size_t row, std::size_t column);
bool has_formula(const XlsxRows& rows);

}  // namespace huicai::test
