#pragma once
// CSV for finance's spreadsheets, shared by every export (settlement's statements and
// reconciliation, the aid totals' rankings): UTF-8 with a byte-order mark (so Excel reads
// Chinese text right), CRLF rows, quoted text cells, and text that a spreadsheet would run as a
// formula (starting with = + - @, tab or CR) neutralised with a leading apostrophe. Amounts are
// written as 元 with two decimals beside the exact fen.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace huicai::http {
struct Response;
}

namespace huicai {

inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

std::string csv_text(std::string_view text);  // a quoted, neutralised text cell
std::string yuan(std::int64_t fen);           // 123456 -> "1234.56", -5 -> "-0.05"

class CsvWriter {
 public:
  CsvWriter();  // starts with the BOM
  CsvWriter& text(std::string_view value);
  CsvWriter& number(std::int64_t value);
  CsvWriter& money(std::int64_t fen);  // two cells: 元, then fen
  void end_row();
  const std::string& data() const { return data_; }

 private:
  std::string data_;
  bool row_started_ = false;
  void separator();
};

// A 200 answer carrying the CSV as a download named `filename`.
http::Response csv_response(std::string body, const std::string& filename);

}  // namespace huicai
