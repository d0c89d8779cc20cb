// The only file that includes libxlsxwriter. The workbook is written in constant-memory mode
// (each row goes to a temporary file when the next one starts) to a temporary path, which the
// response then adopts and streams.
#include <xlsxwriter.h>

#include <cstdio>
#include <huicai/core/http/body_file.hpp>
#include <huicai/core/table_export.hpp>
#include <stdexcept>

namespace huicai {
namespace {

void check(lxw_error error, const char* what) {
  if (error != LXW_NO_ERROR) {
    throw std::runtime_error(std::string("xlsx export: ") + what + ": " + lxw_strerror(error));
  }
}

class XlsxExport final : public TableExport {
 public:
  explicit XlsxExport(const std::string& sheet) : path_(http::BodyFile::temporary_path(".xlsx")) {
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE;
    workbook_ = workbook_new_opt(path_.c_str(), &options);
    if (workbook_ == nullptr) throw std::runtime_error("xlsx export: cannot create " + path_);
    worksheet_ = workbook_add_worksheet(workbook_, sheet.c_str());
    yuan_ = workbook_add_format(workbook_);
    format_set_num_format(yuan_, "0.00");
    fen_ = workbook_add_format(workbook_);
    format_set_num_format(fen_, "0");
    if (worksheet_ == nullptr || yuan_ == nullptr || fen_ == nullptr) {
      throw std::runtime_error("xlsx export: cannot set up the worksheet");
    }
  }
  ~XlsxExport() override {
    if (workbook_ != nullptr) {
      workbook_close(workbook_);  // an abandoned export: free it and drop its file
      std::remove(path_.c_str());
    }
  }

  TableExport& text(std::string_view value) override {
    // A text cell is never a formula in XLSX: nothing to neutralise.
    check(worksheet_write_string(worksheet_, row_, column_++, std::string(value).c_str(), nullptr),
          "writing text");
    return *this;
  }
  TableExport& number(std::int64_t value) override {
    // Whole numbers below 2^53 are exact in a spreadsheet cell; ids and fen are far below it.
    check(worksheet_write_number(worksheet_, row_, column_++, static_cast<double>(value), fen_),
          "writing a number");
    return *this;
  }
  TableExport& money(std::int64_t fen) override {
    // A spreadsheet keeps numbers as doubles: the 元 cell is for reading and summing in Excel
    // (it shows the exact two decimals), the fen cell beside it is the exact amount.
    check(worksheet_write_number(worksheet_, row_, column_++, static_cast<double>(fen) / 100.0,
                                 yuan_),
          "writing an amount");
    return number(fen);
  }
  void end_row() override {
    ++row_;
    column_ = 0;
  }
  http::Response finish(const std::string& stem) override {
    auto* workbook = workbook_;
    workbook_ = nullptr;
    check(workbook_close(workbook), "closing the workbook");
    http::Response response;
    response.body_file = http::BodyFile::adopt(path_);
    response.set_header("content-type",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    response.set_header("content-disposition", "attachment; filename=\"" + stem + ".xlsx\"");
    return response;
  }

 private:
  std::string path_;
  lxw_workbook* workbook_ = nullptr;
  lxw_worksheet* worksheet_ = nullptr;
  lxw_format* yuan_ = nullptr;
  lxw_format* fen_ = nullptr;
  lxw_row_t row_ = 0;
  lxw_col_t column_ = 0;
};

}  // namespace

std::unique_ptr<TableExport> xlsx_export(const std::string& sheet) {
  return std::make_unique<XlsxExport>(sheet);
}

}  // namespace huicai
