// CSV that Excel opens right: BOM, quoted text, formulas neutralised, yuan and fen exact.
#include <catch2/catch.hpp>
#include <huicai/core/csv.hpp>
#include <limits>

using namespace huicai;

TEST_CASE("csv cells: Chinese text kept, quotes doubled, formulas neutralised", "[core][csv]") {
  CHECK(csv_text("米脂小米合作社") == "\"米脂小米合作社\"");
  CHECK(csv_text(R"(say "hi")") == R"("say ""hi""")");
  CHECK(csv_text("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"");
  CHECK(csv_text("+1") == "\"'+1\"");
  CHECK(csv_text("-2") == "\"'-2\"");
  CHECK(csv_text("@SUM(A1)") == "\"'@SUM(A1)\"");
  CHECK(csv_text("") == "\"\"");
}

TEST_CASE("amounts in yuan with two decimals, exact for every int64", "[core][csv]") {
  CHECK(yuan(0) == "0.00");
  CHECK(yuan(5) == "0.05");
  CHECK(yuan(123456) == "1234.56");
  CHECK(yuan(-5) == "-0.05");
  CHECK(yuan(-100) == "-1.00");
  CHECK(yuan(std::numeric_limits<std::int64_t>::min()) == "-92233720368547758.08");
  CHECK(yuan(std::numeric_limits<std::int64_t>::max()) == "92233720368547758.07");
}

TEST_CASE("a csv document starts with the BOM and ends rows with CRLF", "[core][csv]") {
  CsvWriter csv;
  csv.text("县").money(-250).number(7).end_row();
  CHECK(csv.data() == std::string(kUtf8Bom) + "\"县\",-2.50,-250,7\r\n");
}
