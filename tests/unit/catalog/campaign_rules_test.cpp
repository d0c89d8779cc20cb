#include <catch2/catch.hpp>
#include <huicai/catalog/campaign_rules.hpp>

using huicai::catalog::campaign_time;
using huicai::catalog::windows_overlap;

TEST_CASE("a campaign window edge is a UTC time to the second", "[catalog][campaigns]") {
  CHECK(campaign_time("2027-10-17T00:00:00Z") == "2027-10-17 00:00:00.000000");
  CHECK(campaign_time("2028-02-29T23:59:59Z") == "2028-02-29 23:59:59.000000");
  CHECK_FALSE(campaign_time("2027-02-29T00:00:00Z"));  // not a leap year
  CHECK_FALSE(campaign_time("2027-10-17T24:00:00Z"));
  CHECK_FALSE(campaign_time("2027-10-17T12:60:00Z"));
  CHECK_FALSE(campaign_time("2027-10-17T12:00:00+08:00"));  // UTC only
  CHECK_FALSE(campaign_time("2027-10-17 12:00:00"));
  CHECK_FALSE(campaign_time("2027-10-17"));
  CHECK_FALSE(campaign_time(""));
}

TEST_CASE("campaign windows of one SKU overlap when each starts before the other ends",
          "[catalog][campaigns]") {
  const char* jan1 = "2027-01-01 00:00:00.000000";
  const char* jan10 = "2027-01-10 00:00:00.000000";
  const char* jan20 = "2027-01-20 00:00:00.000000";
  const char* jan30 = "2027-01-30 00:00:00.000000";
  CHECK(windows_overlap(jan1, jan20, jan10, jan30));
  CHECK(windows_overlap(jan10, jan30, jan1, jan20));
  CHECK(windows_overlap(jan1, jan30, jan10, jan20));        // one inside the other
  CHECK_FALSE(windows_overlap(jan1, jan10, jan10, jan20));  // back to back: [ , ) windows
  CHECK_FALSE(windows_overlap(jan10, jan20, jan1, jan10));
  CHECK_FALSE(windows_overlap(jan10, jan10, jan1, jan30));  // an ended-before-start window
}
