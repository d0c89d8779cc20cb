// Finance's exports as a spreadsheet program reads them: the XLSX opened as a ZIP of XML (by
// tests/tools/xlsx_rows.py) with totals equal to the ledger and the statements, no formula cell,
// Chinese text intact; the CSV with its BOM, the same totals, formula-like text neutralised;
// lists narrowed to the caller (a county officer's summary holds only the county).
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <huicai/settlement/csv.hpp>

#include "settlement_world.hpp"
#include "xlsx_rows.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::settlement;

namespace {

std::vector<std::string> csv_lines(const std::string& body) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < body.size()) {
    const auto end = body.find("\r\n", start);
    REQUIRE(end != std::string::npos);  // every row ends with CRLF
    lines.push_back(body.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

}  // namespace

TEST_CASE_METHOD(
    AcceptedOrderWorld,
    "exports: statement, county summary, ledger detail and reconciliation as XLSX and CSV",
    "[settlement][exports]") {
  // A: 5998 fen, B: 1550 fen, both accepted.
  const std::string period = this_month();
  ok(finance->post("/v1/settlement/statements/generate",
                   R"({"period_start":")" + period + R"("})"));
  const auto statement_id =
      world.scalar("SELECT id FROM settlement_statements WHERE supplier_id = " +
                   std::to_string(catalog.supplier_a) + " AND period_start = '" + period + "'");
  const auto statement_path = "/v1/settlement/statements/" + std::to_string(statement_id);

  SECTION("a statement as XLSX: Chinese headers, its items, a total equal to the statement") {
    auto response = finance->get(statement_path + "/export.xlsx");
    REQUIRE(response.status == 200);
    CHECK(response.header("content-type") ==
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    CHECK(response.header("content-disposition").find(".xlsx") != std::string::npos);
    std::string sheet;
    const auto rows = xlsx_rows(response.body, &sheet);
    CHECK(sheet == "结算单 statement");
    CHECK(cell(rows, 0, 0) == "结算单 statement");
    CHECK(cell(rows, 2, 0) == "验收 acceptance");
    CHECK(cell(rows, 2, 2) == std::to_string(fulfilment_a));
    CHECK(cell(rows, rows.size() - 1, 0) == "合计 total");
    CHECK(cell(rows, rows.size() - 1, 3) == "59.98");
    CHECK(cell(rows, rows.size() - 1, 4) == "5998");
    CHECK_FALSE(has_formula(rows));
    // Another supplier's staff cannot tell that it exists.
    CHECK(client_for(*app, supplier_staff(catalog.supplier_b))
              ->get(statement_path + "/export.xlsx")
              .status == 404);
  }

  SECTION("a statement as CSV: BOM, Chinese text, amounts in 元 and fen, CRLF rows") {
    auto response = finance->get(statement_path + "/export.csv");
    REQUIRE(response.status == 200);
    CHECK(response.header("content-type") == "text/csv; charset=utf-8");
    REQUIRE(response.body.starts_with("\xEF\xBB\xBF"));
    const auto lines = csv_lines(response.body.substr(3));
    REQUIRE(lines.size() == 4);
    CHECK(lines[0].starts_with("\"结算单 statement\"," + std::to_string(statement_id)));
    CHECK(lines[2].starts_with("\"验收 acceptance\","));
    CHECK(lines[2].find(",59.98,5998,") != std::string::npos);
    CHECK(lines[3] == "\"合计 total\",\"\",\"\",59.98,5998,\"\"");
  }

  SECTION("the ledger detail: one row per entry, totals equal the ledger's") {
    const auto supplier = std::to_string(catalog.supplier_a);
    const auto debits = world.scalar(
        "SELECT COALESCE(SUM(amount_fen), 0) FROM settlement_entries WHERE side = 'D' AND "
        "supplier_id = " +
        supplier);
    const auto credits = world.scalar(
        "SELECT COALESCE(SUM(amount_fen), 0) FROM settlement_entries WHERE side = 'C' AND "
        "supplier_id = " +
        supplier);
    const auto entries =
        world.scalar("SELECT COUNT(*) FROM settlement_entries WHERE supplier_id = " + supplier);
    REQUIRE(entries >= 2);  // paid (credit unaccepted), accepted (debit unaccepted, credit due)
    auto xlsx = finance->get("/v1/settlement/ledger/export.xlsx?supplier_id=" + supplier);
    REQUIRE(xlsx.status == 200);
    const auto rows = xlsx_rows(xlsx.body);
    CHECK(static_cast<std::int64_t>(rows.size()) == entries + 2);  // header and totals
    const auto last = rows.size() - 1;
    CHECK(cell(rows, last, 0) == "合计 total");
    CHECK(cell(rows, last, 9) == std::to_string(debits));
    CHECK(cell(rows, last, 11) == std::to_string(credits));
    CHECK(cell(rows, 0, 5) == "科目 account");
    CHECK(cell(rows, 1, 5).starts_with("payable_"));
    CHECK_FALSE(has_formula(rows));

    auto csv = finance->get("/v1/settlement/ledger/export.csv?supplier_id=" + supplier);
    REQUIRE(csv.status == 200);
    const auto lines = csv_lines(csv.body.substr(3));
    CHECK(static_cast<std::int64_t>(lines.size()) == entries + 2);
    CHECK(lines.back().ends_with("," + std::to_string(debits) + "," +
                                 huicai::settlement::yuan(credits) + "," +
                                 std::to_string(credits)));
    // Finance's report: a county officer is refused.
    const auto officer = county_officer(catalog.county_id);
    CHECK(client_for(*app, officer)->get("/v1/settlement/ledger/export.csv").status == 403);
  }

  SECTION("the per-county summary: a county officer's holds only the county, totals add up") {
    const auto officer = county_officer(catalog.county_id);
    auto response = client_for(*app, officer)
                        ->get("/v1/settlement/counties/export.xlsx?period_start=" + period);
    REQUIRE(response.status == 200);
    const auto rows = xlsx_rows(response.body);
    REQUIRE(rows.size() == 4);  // period, header, the county, totals
    CHECK(cell(rows, 2, 0) == std::to_string(catalog.county_id));
    CHECK(cell(rows, 2, 2) == "2");                   // statements
    CHECK(cell(rows, 2, 4) == std::to_string(7548));  // amount fen: 5998 + 1550
    CHECK(cell(rows, 3, 0) == "合计 total");
    CHECK(cell(rows, 3, 3) == "75.48");
    CHECK(cell(rows, 3, 4) == "7548");
    // A query parameter cannot widen the officer's view.
    auto other = client_for(*app, officer)
                     ->get("/v1/settlement/counties/export.csv?period_start=" + period +
                           "&county_id=" + std::to_string(catalog.county_id + 1));
    REQUIRE(other.status == 200);
    CHECK(other.body.find("\r\n" + std::to_string(catalog.county_id) + ",") != std::string::npos);
  }

  SECTION("reconciliation as XLSX: the supplier's row matches") {
    auto response = finance->get("/v1/settlement/reconciliation/export.xlsx?supplier_id=" +
                                 std::to_string(catalog.supplier_a));
    REQUIRE(response.status == 200);
    const auto rows = xlsx_rows(response.body);
    REQUIRE(rows.size() == 3);
    CHECK(cell(rows, 1, 1) == std::to_string(catalog.supplier_a));
    CHECK(cell(rows, 1, 3) == "5998");  // ordering net fen
    CHECK(cell(rows, 1, 5) == "5998");  // ledger aid fen
    CHECK(cell(rows, 1, 12) == "ok");
  }
}
