// Reserved-share arithmetic: target = base × ratio rounded down, compliance in basis points,
// and each purchase counted toward the nearest filed unit at or above its buyer, exactly once.
#include <catch2/catch.hpp>
#include <huicai/aidstats/compliance.hpp>

using namespace huicai::aidstats;

TEST_CASE("reserved-share targets and compliance round down, in fen and basis points",
          "[aidstats][compliance]") {
  CHECK(target_fen(100000, 3000) == 30000);
  CHECK(target_fen(333, 3333) == 110);  // 110.9889 fen
  CHECK(target_fen(25'200'000'000'00, 10000) == 25'200'000'000'00);
  CHECK(target_fen(100'000'000'000'000, 9999) == 99'990'000'000'000);  // no overflow
  CHECK(compliance_basis_points(5998, 5000) == 11996);
  CHECK(compliance_basis_points(2999, 30000) == 999);
  CHECK(compliance_basis_points(0, 1) == 0);
  CHECK(compliance_basis_points(0, 0) == 10000);  // nothing required: met
}

TEST_CASE("a purchase counts toward the nearest filed unit at or above its buyer",
          "[aidstats][compliance]") {
  const std::vector<std::string> filed = {"/1/", "/1/4/", "/2/"};
  const auto attributed = attribute_purchases(filed, {{"/1/4/17/", 100},
                                                      {"/1/4/", 10},
                                                      {"/1/5/", 1000},
                                                      {"/1/", 5},
                                                      {"/2/9/", 7},
                                                      {"/3/", 99999},
                                                      {"/10/", 50000}});
  CHECK(attributed == std::vector<std::int64_t>{1005, 110, 7});
}
