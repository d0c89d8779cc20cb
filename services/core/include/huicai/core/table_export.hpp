#pragma once
// An export finance opens in a spreadsheet (settlement's statements and reconciliation, the aid
// totals' rankings) as a table of rows, written as CSV or XLSX by the same code. Rows go to a
// temporary file as they are added (the XLSX writer in its constant-memory mode), and the file
// is the response body, sent in chunks: an export's size does not decide the server's memory.
#include <cstdint>
#include <huicai/core/http/message.hpp>
#include <memory>
#include <string>
#include <string_view>

namespace huicai {

enum class ExportFormat { csv, xlsx };

class TableExport {
 public:
  virtual ~TableExport() = default;
  virtual TableExport& text(std::string_view value) = 0;
  virtual TableExport& number(std::int64_t value) = 0;
  // Two cells: the amount in 元 with two decimals, then the exact fen.
  virtual TableExport& money(std::int64_t fen) = 0;
  virtual void end_row() = 0;
  // Ends the document and answers it as a download named `stem` + ".csv" / ".xlsx".
  virtual http::Response finish(const std::string& stem) = 0;
};

// CSV: UTF-8 with BOM, CRLF, quoted text cells neutralised against formulas (csv.hpp).
std::unique_ptr<TableExport> csv_export();
// XLSX (libxlsxwriter, constant memory): text as text cells (never formulas), 元 as numbers
// shown with two decimals, fen as whole numbers; one worksheet named `sheet`.
std::unique_ptr<TableExport> xlsx_export(const std::string& sheet);
std::unique_ptr<TableExport> table_export(ExportFormat format, const std::string& sheet);

}  // namespace huicai
