// The CSV half of the table export (table_export.hpp), over the shared CSV cells (csv.hpp).
#include <huicai/core/csv.hpp>
#include <huicai/core/http/body_file.hpp>
#include <huicai/core/table_export.hpp>

namespace huicai {
namespace {

class CsvExport final : public TableExport {
 public:
  CsvExport() : file_(http::BodyFile::create()) { file_->append(kUtf8Bom); }

  TableExport& text(std::string_view value) override {
    separator();
    file_->append(csv_text(value));
    return *this;
  }
  TableExport& number(std::int64_t value) override {
    separator();
    file_->append(std::to_string(value));
    return *this;
  }
  TableExport& money(std::int64_t fen) override {
    separator();
    file_->append(yuan(fen));
    separator();
    file_->append(std::to_string(fen));
    return *this;
  }
  void end_row() override {
    file_->append("\r\n");
    row_started_ = false;
  }
  http::Response finish(const std::string& stem) override {
    file_->flush();
    http::Response response;
    response.body_file = file_;
    response.set_header("content-type", "text/csv; charset=utf-8");
    response.set_header("content-disposition", "attachment; filename=\"" + stem + ".csv\"");
    return response;
  }

 private:
  std::shared_ptr<http::BodyFile> file_;
  bool row_started_ = false;
  void separator() {
    if (row_started_) file_->append(",");
    row_started_ = true;
  }
};

}  // namespace

std::unique_ptr<TableExport> csv_export() {
  return std::make_unique<CsvExport>();
}

std::unique_ptr<TableExport> table_export(ExportFormat format, const std::string& sheet) {
  return format == ExportFormat::csv ? csv_export() : xlsx_export(sheet);
}

}  // namespace huicai
