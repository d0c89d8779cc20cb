// The contribution of one order to the aid totals: certified lines only, the split between fund
// sources and so between direct purchase and help-sell, ISO weeks, and taking a contribution
// back.
#include <catch2/catch.hpp>
#include <huicai/aidstats/contribution.hpp>

using namespace huicai::aidstats;

TEST_CASE("ISO weeks of China calendar days", "[aidstats][unit]") {
  CHECK(iso_week("2026-12-05") == "2026-W49");
  CHECK(iso_week("2021-01-03") == "2020-W53");  // a Sunday still in the last week of 2020
  CHECK(iso_week("2024-12-30") == "2025-W01");  // a Monday already in week 1 of 2025
  CHECK(iso_week("2026-01-01") == "2026-W01");
  CHECK_THROWS(iso_week("2026-02-30"));
  CHECK_THROWS(iso_week("20261205"));
}

TEST_CASE("the certified amount splits between fund sources to the fen", "[aidstats][unit]") {
  CHECK(split_by_source(1000, {0, 0, 1500}) == std::vector<std::int64_t>{0, 0, 1000});
  // 1000 of 300 + 701: 299.7 and 700.3 round down to 299 and 700; the fen left goes to the
  // first source in kFundSources order that has room (allowance before personal).
  CHECK(split_by_source(1000, {0, 300, 701}) == std::vector<std::int64_t>{0, 300, 700});
  const auto split = split_by_source(7, {3, 3, 3});
  CHECK(split[0] + split[1] + split[2] == 7);
  CHECK(split == std::vector<std::int64_t>{3, 2, 2});
  // A whole history's amounts: no 64-bit overflow in the proportion.
  const std::int64_t big = 25'200'000'000;
  CHECK(split_by_source(big, {big, big, 0}) == std::vector<std::int64_t>{big / 2, big / 2, 0});
  CHECK_THROWS(split_by_source(10, {0, 0, 9}));
}

TEST_CASE("an order adds its certified lines in every breakdown and takes them back exactly",
          "[aidstats][unit]") {
  OrderFacts order;
  order.order_id = 1;
  order.paid_day = "2026-10-17";  // 扶贫日
  order.unit_id = 17;
  order.buyer_kind = "employee";
  order.allowance_net_fen = 5000;
  order.personal_net_fen = 5000;
  order.lines = {{11, 5, 3, 8, 6000}, {12, 6, 4, 8, 2000}};
  Totals totals;
  add_contribution(totals, order);
  CHECK(totals.at({"total", "", ""}) == 8000);
  CHECK(totals.at({"total", "2026", ""}) == 8000);
  CHECK(totals.at({"total", "2026-10", ""}) == 8000);
  CHECK(totals.at({"total", "2026-W42", ""}) == 8000);
  CHECK(totals.at({"total", "2026-10-17", ""}) == 8000);
  CHECK(totals.at({"county", "", "3"}) == 6000);
  CHECK(totals.at({"county", "2026-W42", "4"}) == 2000);
  CHECK(totals.at({"supplier", "2026-10", "5"}) == 6000);
  CHECK(totals.at({"category", "2026", "8"}) == 8000);
  CHECK(totals.at({"unit", "", "17"}) == 8000);
  CHECK(totals.at({"fund_source", "", "allowance"}) == 4000);
  CHECK(totals.at({"fund_source", "", "personal"}) == 4000);
  CHECK(totals.count({"fund_source", "", "unit_budget"}) == 0);
  CHECK(totals.at({"class", "2026-10-17", "help_sell"}) == 8000);
  CHECK(totals.count({"class", "", "direct"}) == 0);
  add_contribution(totals, order, -1);
  for (const auto& [key, amount] : totals) {
    INFO(key.dimension << " " << key.period << " " << key.item);
    CHECK(amount == 0);
  }
}

TEST_CASE("a unit order's aid is a direct purchase", "[aidstats][unit]") {
  OrderFacts order;
  order.paid_day = "2026-02-10";
  order.unit_id = 9;
  order.budget_net_fen = 3100;
  order.lines = {{1, 2, 3, 4, 2999}};
  Totals totals;
  add_contribution(totals, order);
  CHECK(totals.at({"class", "", "direct"}) == 2999);
  CHECK(totals.at({"fund_source", "2026-02", "unit_budget"}) == 2999);
  CHECK(purchase_class("allowance") == "help_sell");
  CHECK(purchase_class("personal") == "help_sell");
}
