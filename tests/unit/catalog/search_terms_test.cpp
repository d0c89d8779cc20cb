#include <algorithm>
#include <catch2/catch.hpp>
#include <huicai/catalog/search_terms.hpp>

using huicai::catalog::index_terms;
using huicai::catalog::query_terms;

namespace {
bool includes_all(const std::vector<std::string>& index, const std::vector<std::string>& query) {
  return std::all_of(query.begin(), query.end(), [&](const std::string& term) {
    return std::find(index.begin(), index.end(), term) != index.end();
  });
}
}  // namespace

TEST_CASE("a title is indexed by its characters and adjacent pairs", "[catalog][search]") {
  const auto terms = index_terms("米脂小米");
  // 米 appears twice but is one term; bigrams 米脂, 脂小, 小米.
  CHECK(terms == std::vector<std::string>{"小", "小米", "米", "米脂", "脂", "脂小"});
}

TEST_CASE("a two-character word finds a title containing it", "[catalog][search]") {
  const auto title = index_terms("杨家沟 米脂小米 2.5kg 真空装");
  CHECK(includes_all(title, query_terms("小米")));
  CHECK(includes_all(title, query_terms("米脂")));
  CHECK(includes_all(title, query_terms("米脂小米")));
  CHECK(includes_all(title, query_terms("小米 米脂")));
  CHECK(includes_all(title, query_terms("米")));
  CHECK(includes_all(title, query_terms("5KG")));
  CHECK_FALSE(includes_all(title, query_terms("挂面")));
  CHECK_FALSE(includes_all(title, query_terms("黑小米")));
}

TEST_CASE("punctuation separates runs and ASCII words are lower-cased", "[catalog][search]") {
  const auto terms = index_terms("【吴堡】空心挂面，5KG装");
  CHECK(std::find(terms.begin(), terms.end(), "5kg") != terms.end());
  CHECK(std::find(terms.begin(), terms.end(), "吴堡") != terms.end());
  // No bigram across the bracket: "堡空" must not exist.
  CHECK(std::find(terms.begin(), terms.end(), "堡空") == terms.end());
  CHECK(query_terms("  ，。 ").empty());
}

TEST_CASE("fullwidth letters and digits fold to ASCII", "[catalog][search]") {
  CHECK(query_terms("ＫＧ") == std::vector<std::string>{"kg"});
}

TEST_CASE("invalid UTF-8 never crashes the tokenizer", "[catalog][search]") {
  CHECK_NOTHROW(index_terms(std::string("\xff\xfe\xe7\xb1", 4)));
}
