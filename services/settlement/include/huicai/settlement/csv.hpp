#pragma once
// CSV for finance's spreadsheets: UTF-8 with a byte-order mark (so Excel reads Chinese text
// right), CRLF rows, quoted text cells, and text that a spreadsheet would run as a formula
// (starting with = + - @, tab or CR) neutralised with a leading apostrophe. Amounts are written
// as 元 with two decimals beside the exact fen. The documents are written by csv_export()
// (src/csv_export.cpp), row by row into the response's file.

#include <cstdint>
#include <string>
#include <string_view>

namespace huicai::settlement {

inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

std::string csv_text(std::string_view text);  // a quoted, neutralised text cell
std::string yuan(std::int64_t fen);           // 123456 -> "1234.56", -5 -> "-0.05"

}  // namespace huicai::settlement
