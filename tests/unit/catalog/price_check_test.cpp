#include <catch2/catch.hpp>
#include <huicai/catalog/price_check.hpp>

using namespace huicai::catalog;

TEST_CASE("margins above the market reference in basis points, exactly", "[catalog][prices]") {
  CHECK(margin_basis_points(1200, 1000) == 2000);
  CHECK(margin_basis_points(1000, 1000) == 0);
  CHECK(margin_basis_points(900, 1000) == -1000);
  CHECK(margin_basis_points(10001, 10000) == 1);  // rounded down, never up
  CHECK(margin_basis_points(3, 3) == 0);
}

TEST_CASE("beyond the margin means strictly more than allowed", "[catalog][prices]") {
  CHECK_FALSE(exceeds_margin(1100, 1000, 1000));  // exactly 10 %: allowed
  CHECK(exceeds_margin(1101, 1000, 1000));
  CHECK_FALSE(exceeds_margin(3, 3, 0));
  CHECK(exceeds_margin(4, 3, 3000));                        // 33.3 % > 30 %
  CHECK_FALSE(exceeds_margin(4, 3, 3334));                  // 33.3 % <= 33.34 %
  CHECK_FALSE(exceeds_margin(9'999'999, std::nullopt, 0));  // no reference: no check
  CHECK(exceeds_margin(10'000'000, 1, 100'000));            // the largest price, the largest margin
}
