// Core input rules shared by the services: text lengths in characters (what a utf8mb4 VARCHAR
// counts) and https-only links.
#include <catch2/catch.hpp>
#include <huicai/core/validation.hpp>

using huicai::Validator;

TEST_CASE("text lengths are counted in characters, not bytes", "[core][validation]") {
  CHECK(huicai::utf8_characters("") == 0);
  CHECK(huicai::utf8_characters("abc") == 3);
  CHECK(huicai::utf8_characters("米脂小米") == 4);  // 12 bytes
  CHECK(huicai::utf8_characters("𠀀a") == 2);       // a 4-byte character
  std::string five_hundred;
  for (int i = 0; i < 500; ++i) five_hundred += "长";
  Validator check;
  CHECK(check.text("reason", five_hundred, 1, 500));
  CHECK(check.empty());
  CHECK_FALSE(check.text("reason", five_hundred + "长", 1, 500));
  CHECK_FALSE(check.text("note", "", 1, 500));
  REQUIRE(check.errors().size() == 2);
  CHECK(check.errors()[0].field == "reason");
  CHECK(check.errors()[0].message == "must be at most 500 characters (got 501)");
  CHECK(check.errors()[1].message == "must not be empty");
}

TEST_CASE("only https URLs with a host pass as links", "[core][validation]") {
  CHECK(huicai::is_https_url("https://img.huicai.dev/a/1.jpg"));
  CHECK(huicai::is_https_url("https://img.huicai.dev:8443/a.jpg?w=200#top"));
  for (const char* bad :
       {"http://img.huicai.dev/a.jpg", "javascript:alert(1)", "data:image/png;base64,AAAA",
        "//img.huicai.dev/a.jpg", "https://", "https:///a.jpg", "https://@evil/a", "https://:443/a",
        "https://a b/c", "https://img/\"x", "https://img/<x>", "https://img/\\x",
        "HTTPS://img.huicai.dev/a.jpg", "https://img/\x01", " https://img/a"}) {
    INFO(bad);
    CHECK_FALSE(huicai::is_https_url(bad));
  }
  CHECK(huicai::is_https_url("https://h/" + std::string(490, 'a')));
  CHECK_FALSE(huicai::is_https_url("https://h/" + std::string(491, 'a')));
}
