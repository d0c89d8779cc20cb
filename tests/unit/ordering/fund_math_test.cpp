#include <catch2/catch.hpp>
#include <huicai/ordering/fund_math.hpp>
#include <limits>

using namespace huicai::ordering;

TEST_CASE("a total is split over fund sources exactly", "[ordering][funds]") {
  SECTION("personal and unit budget take everything") {
    CHECK(*split_total(FundPlan::personal, 12345, 0) ==
          std::vector<FundShare>{{FundSource::personal, 12345}});
    CHECK(*split_total(FundPlan::unit_budget, 99, 0) ==
          std::vector<FundShare>{{FundSource::unit_budget, 99}});
  }
  SECTION("allowance must cover the whole total") {
    CHECK(*split_total(FundPlan::allowance, 5000, 5000) ==
          std::vector<FundShare>{{FundSource::allowance, 5000}});
    CHECK_FALSE(split_total(FundPlan::allowance, 5001, 5000).has_value());
  }
  SECTION("split payment spends the allowance first, the rest personally") {
    CHECK(*split_total(FundPlan::allowance_then_personal, 10001, 3333) ==
          std::vector<FundShare>{{FundSource::allowance, 3333}, {FundSource::personal, 6668}});
    CHECK(*split_total(FundPlan::allowance_then_personal, 500, 3333) ==
          std::vector<FundShare>{{FundSource::allowance, 500}});
    CHECK(*split_total(FundPlan::allowance_then_personal, 500, 0) ==
          std::vector<FundShare>{{FundSource::personal, 500}});
  }
  SECTION("shares always sum to the total") {
    for (std::int64_t total : {1, 7, 100, 123457}) {
      for (std::int64_t available : {0, 1, 50, 123456, 999999}) {
        auto shares = split_total(FundPlan::allowance_then_personal, total, available);
        REQUIRE(shares);
        CHECK(*sum_shares(*shares) == total);
      }
    }
  }
  CHECK_FALSE(split_total(FundPlan::personal, 0, 0).has_value());
}

TEST_CASE("refunds go back to the sources in reverse order of use", "[ordering][funds]") {
  const std::vector<FundShare> refundable{{FundSource::allowance, 3000},
                                          {FundSource::personal, 7000}};
  CHECK(*allocate_refund(refundable, 2500) == std::vector<FundShare>{{FundSource::personal, 2500}});
  CHECK(*allocate_refund(refundable, 7000) == std::vector<FundShare>{{FundSource::personal, 7000}});
  CHECK(*allocate_refund(refundable, 7001) ==
        std::vector<FundShare>{{FundSource::personal, 7000}, {FundSource::allowance, 1}});
  CHECK(*allocate_refund(refundable, 10000) ==
        std::vector<FundShare>{{FundSource::personal, 7000}, {FundSource::allowance, 3000}});
  CHECK_FALSE(allocate_refund(refundable, 10001).has_value());
  CHECK_FALSE(allocate_refund(refundable, 0).has_value());
  CHECK_FALSE(allocate_refund(refundable, -5).has_value());
  // A source already fully refunded is skipped.
  CHECK(*allocate_refund({{FundSource::allowance, 3000}, {FundSource::personal, 0}}, 100) ==
        std::vector<FundShare>{{FundSource::allowance, 100}});
}

TEST_CASE("partial acceptance by count and by weight", "[ordering][acceptance]") {
  const LineForAcceptance rice{10, 2999, 29990, 5000};  // 10 bags of 5 kg at 29.99
  SECTION("by count") {
    auto result = accepted_amount(rice, {7, std::nullopt});
    CHECK(result.error == AcceptanceError::none);
    CHECK(result.accepted_amount_fen == 20993);
    CHECK(result.refund_fen == 8997);
    CHECK(accepted_amount(rice, {10, std::nullopt}).refund_fen == 0);
    CHECK(accepted_amount(rice, {0, std::nullopt}).accepted_amount_fen == 0);
    CHECK(accepted_amount(rice, {11, std::nullopt}).error == AcceptanceError::more_than_shipped);
    CHECK(accepted_amount(rice, {-1, std::nullopt}).error == AcceptanceError::negative);
  }
  SECTION("by weight, rounded down to the fen") {
    // 49,999 g of 50,000 g: 29990 * 49999 / 50000 = 29989.4002 -> 29989.
    auto result = accepted_amount(rice, {std::nullopt, 49999});
    CHECK(result.error == AcceptanceError::none);
    CHECK(result.accepted_amount_fen == 29989);
    CHECK(result.refund_fen == 1);
    CHECK(result.accepted_amount_fen + result.refund_fen == rice.line_total_fen);
    CHECK(accepted_amount(rice, {std::nullopt, 50000}).refund_fen == 0);
    CHECK(accepted_amount(rice, {std::nullopt, 50001}).error == AcceptanceError::more_than_shipped);
  }
  SECTION("no weight for unweighed goods, exactly one measure") {
    CHECK(accepted_amount({3, 100, 300, 0}, {std::nullopt, 10}).error ==
          AcceptanceError::not_weighed);
    CHECK(accepted_amount(rice, {1, 1}).error == AcceptanceError::neither_or_both);
    CHECK(accepted_amount(rice, {}).error == AcceptanceError::neither_or_both);
  }
  SECTION("large amounts do not overflow") {
    const std::int64_t big_price = 1'000'000'000'000;  // 100亿 yuan per unit
    LineForAcceptance big{9000, big_price, big_price * 9000, 1'000'000};
    auto result = accepted_amount(big, {std::nullopt, 4'500'000'000});
    CHECK(result.error == AcceptanceError::none);
    CHECK(result.accepted_amount_fen == big_price * 4500);
  }
}

TEST_CASE("line totals are checked", "[ordering][funds]") {
  CHECK(*line_total(2999, 3) == 8997);
  CHECK_FALSE(line_total(std::numeric_limits<std::int64_t>::max() / 2, 3).has_value());
  CHECK_FALSE(line_total(-1, 3).has_value());
}
