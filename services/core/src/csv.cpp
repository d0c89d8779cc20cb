// The shared CSV writer (huicai/core/csv.hpp).
#include <cstdio>
#include <huicai/core/csv.hpp>
#include <huicai/core/http/message.hpp>

namespace huicai {

std::string csv_text(std::string_view text) {
  std::string cell = "\"";
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' ||
                        text[0] == '\t' || text[0] == '\r')) {
    cell += '\'';
  }
  for (char c : text) {
    if (c == '"') cell += '"';
    cell += c;
  }
  cell += '"';
  return cell;
}

std::string yuan(std::int64_t fen) {
  // Unsigned magnitude: negating INT64_MIN would overflow.
  const bool negative = fen < 0;
  const std::uint64_t magnitude =
      negative ? static_cast<std::uint64_t>(-(fen + 1)) + 1 : static_cast<std::uint64_t>(fen);
  char text[32];
  std::snprintf(text, sizeof text, "%s%llu.%02llu", negative ? "-" : "",
                static_cast<unsigned long long>(magnitude / 100),
                static_cast<unsigned long long>(magnitude % 100));
  return text;
}

CsvWriter::CsvWriter() : data_(kUtf8Bom) {}

void CsvWriter::separator() {
  if (row_started_) data_ += ',';
  row_started_ = true;
}

CsvWriter& CsvWriter::text(std::string_view value) {
  separator();
  data_ += csv_text(value);
  return *this;
}

CsvWriter& CsvWriter::number(std::int64_t value) {
  separator();
  data_ += std::to_string(value);
  return *this;
}

CsvWriter& CsvWriter::money(std::int64_t fen) {
  separator();
  data_ += yuan(fen);
  separator();
  data_ += std::to_string(fen);
  return *this;
}

void CsvWriter::end_row() {
  data_ += "\r\n";
  row_started_ = false;
}

http::Response csv_response(std::string body, const std::string& filename) {
  http::Response response;
  response.status = 200;
  response.body = std::move(body);
  response.set_header("content-type", "text/csv; charset=utf-8");
  response.set_header("content-disposition", "attachment; filename=\"" + filename + "\"");
  return response;
}

}  // namespace huicai
