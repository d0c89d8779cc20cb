// Core's entity tags, shared by catalog products and ordering's stock: what If-Match and
// If-None-Match accept, and the 412 / 428 answers of a conditional write.
#include <catch2/catch.hpp>
#include <huicai/core/http/etag.hpp>

using huicai::http::IfMatch;
using huicai::http::parse_if_match;
using huicai::http::Problem;
using huicai::http::Request;

namespace {

Request with_if_match(std::string value) {
  Request request;
  request.headers.emplace_back("if-match", std::move(value));
  return request;
}

int status_of(const Request& request) {
  try {
    huicai::http::required_if_match_version(request);
  } catch (const Problem& problem) {
    return problem.status();
  }
  return 200;
}

}  // namespace

TEST_CASE("If-Match names a version tag, weak or strong, with or without a content hash",
          "[http][etag]") {
  CHECK(huicai::http::version_etag(7) == "\"v7\"");
  CHECK(parse_if_match("\"v7\"").version == 7);
  CHECK(parse_if_match(" W/\"v12.00ff00ff00ff00ff\" ").version == 12);
  CHECK(parse_if_match("\"v0\"").kind == IfMatch::version);  // a row never changed
  CHECK(parse_if_match("").kind == IfMatch::absent);
  for (const char* bad :
       {"\"abc\"", "\"v\"", "\"v-1\"", "\"v7x\"", "*", "\"v99999999999999999999\""}) {
    INFO(bad);
    CHECK(parse_if_match(bad).kind == IfMatch::unparseable);
  }
}

TEST_CASE("a write that requires If-Match: 428 without it, 412 for a tag we never issue",
          "[http][etag]") {
  CHECK(status_of(Request{}) == 428);
  CHECK(status_of(with_if_match("\"nonsense\"")) == 412);
  CHECK(status_of(with_if_match("\"v3\"")) == 200);
  CHECK(huicai::http::required_if_match_version(with_if_match("\"v3\"")) == 3);
  const auto stale = huicai::http::stale_version(9);
  CHECK(stale.status() == 412);
}

TEST_CASE("If-None-Match lists tags or is *", "[http][etag]") {
  CHECK(huicai::http::if_none_match_hits("\"a\", W/\"v3\"", "\"v3\""));
  CHECK(huicai::http::if_none_match_hits("*", "\"v3\""));
  CHECK_FALSE(huicai::http::if_none_match_hits("\"v4\"", "\"v3\""));
  CHECK_FALSE(huicai::http::if_none_match_hits("", "\"v3\""));
}
