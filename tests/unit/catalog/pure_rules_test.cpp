#include <catch2/catch.hpp>
#include <huicai/catalog/bank_account_mask.hpp>
#include <huicai/catalog/browse_cursor.hpp>
#include <huicai/catalog/etag.hpp>
#include <huicai/catalog/text_rules.hpp>
#include <huicai/catalog/workflows.hpp>

using namespace huicai::catalog;

TEST_CASE("cursors round-trip and reject tampering", "[catalog][cursor]") {
  BrowseCursor cursor{"price_asc", "3980", 42, 123456789};
  const auto text = encode_cursor(cursor);
  const auto back = decode_cursor(text);
  REQUIRE(back);
  CHECK(back->sort == "price_asc");
  CHECK(back->key == "3980");
  CHECK(back->id == 42);
  CHECK(back->filters == 123456789u);
  CHECK_FALSE(decode_cursor("not base64 !"));
  CHECK_FALSE(decode_cursor(base64url_encode("c1|newest|x'; DROP|1|2")));
  CHECK_FALSE(decode_cursor(base64url_encode("c2|newest|1|1|2")));
  CHECK_FALSE(decode_cursor(""));
}

TEST_CASE("newest cursors carry a timestamp key", "[catalog][cursor]") {
  BrowseCursor cursor{"newest", "2026-01-05 08:07:00.000000", 7, 1};
  CHECK(decode_cursor(encode_cursor(cursor))->key == "2026-01-05 08:07:00.000000");
}

TEST_CASE("bank accounts keep only the last four digits", "[catalog][mask]") {
  CHECK(mask_bank_account("6228 4802 1000 1234 561") == "**** **** 4561");
  CHECK(mask_bank_account("123") == "***");
}

TEST_CASE("If-Match accepts version tags from writes and from GETs", "[catalog][etag]") {
  CHECK(parse_if_match("\"v7\"").kind == IfMatch::version);
  CHECK(parse_if_match("\"v7\"").version == 7);
  CHECK(parse_if_match("W/\"v12.00ff00ff00ff00ff\"").version == 12);
  CHECK(parse_if_match("").kind == IfMatch::absent);
  CHECK(parse_if_match("\"abc\"").kind == IfMatch::unparseable);
  CHECK(parse_if_match("\"v0\"").kind == IfMatch::unparseable);
}

TEST_CASE("If-None-Match compares weakly and handles lists", "[catalog][etag]") {
  const auto tag = content_etag("body");
  CHECK(if_none_match_hits(tag, tag));
  CHECK(if_none_match_hits("\"other\", W/" + tag, tag));
  CHECK(if_none_match_hits("*", tag));
  CHECK_FALSE(if_none_match_hits("\"other\"", tag));
  CHECK_FALSE(if_none_match_hits("", tag));
  CHECK(versioned_content_etag(3, "a") != versioned_content_etag(3, "b"));
}

TEST_CASE("UTF-8 validation rejects overlongs, surrogates and truncation", "[catalog][text]") {
  CHECK(is_valid_utf8("米脂小米"));
  CHECK_FALSE(is_valid_utf8(std::string("\xc0\xaf", 2)));          // overlong '/'
  CHECK_FALSE(is_valid_utf8(std::string("\xed\xa0\x80", 3)));      // surrogate
  CHECK_FALSE(is_valid_utf8(std::string("\xe7\xb1", 2)));          // truncated
  CHECK_FALSE(is_valid_utf8(std::string("\xf4\x90\x80\x80", 4)));  // above U+10FFFF
  CHECK(character_count("米脂小米ab") == 6);
}

TEST_CASE("listing workflow allows only its transitions", "[catalog][workflow]") {
  const auto* submit = find_transition(product_transitions(), "submit");
  REQUIRE(submit);
  CHECK(submit->to == "submitted");
  CHECK(std::find(submit->from.begin(), submit->from.end(), "rejected") != submit->from.end());
  const auto* reject = find_transition(product_transitions(), "reject");
  REQUIRE(reject);
  CHECK(reject->needs_reason);
  CHECK(find_transition(product_transitions(), "list")->from ==
        std::vector<std::string_view>{"approved"});
  CHECK(find_transition(product_transitions(), "teleport") == nullptr);
  CHECK(product_content_editable("draft"));
  CHECK_FALSE(product_content_editable("listed"));
  CHECK(find_transition(supplier_transitions(), "approve")->from ==
        std::vector<std::string_view>{"recommended"});
}
