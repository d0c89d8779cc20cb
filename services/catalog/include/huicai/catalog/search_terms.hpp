#pragma once
// The n-gram search index over product titles. Chinese has no spaces, so a title is indexed by
// every character (unigram) and every pair of adjacent characters (bigram) within runs of
// ideographs; runs of ASCII letters and digits are indexed as lower-cased words. A query
// keyword of one character looks up the unigram, a longer one all of its bigrams, so 小米
// finds 米脂小米 and 米脂 小米 finds it too (terms of all keywords must match).

#include <string>
#include <string_view>
#include <vector>

namespace huicai::catalog {

inline constexpr std::size_t kMaxSearchTermBytes = 32;  // catalog_search_terms.term
inline constexpr std::size_t kMaxQueryTerms = 16;

// Sorted and unique. Input must be valid UTF-8 (invalid bytes are skipped).
std::vector<std::string> index_terms(std::string_view title);
std::vector<std::string> query_terms(std::string_view query);

}  // namespace huicai::catalog
