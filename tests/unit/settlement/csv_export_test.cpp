// The CSV export writes its rows into the response's file: BOM, CRLF, formulas neutralised.
#include <catch2/catch.hpp>
#include <huicai/core/http/body_file.hpp>
#include <huicai/settlement/csv.hpp>
#include <huicai/settlement/table_export.hpp>

using namespace huicai::settlement;

TEST_CASE("a csv export is a file: BOM, CRLF rows, formulas neutralised", "[settlement][csv]") {
  auto csv = csv_export();
  csv->text("县").money(-250).number(7).end_row();
  csv->text("=1+1").end_row();
  const auto response = csv->finish("t");
  REQUIRE(response.body_file);
  std::string body(response.body_file->size(), '\0');
  CHECK(response.body_file->read_at(0, body.data(), body.size()) == body.size());
  CHECK(body == std::string(kUtf8Bom) + "\"县\",-2.50,-250,7\r\n\"'=1+1\"\r\n");
  CHECK(response.headers.size() == 2);  // content type and the download name
}
