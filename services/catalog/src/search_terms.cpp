// Splitting titles and queries into n-gram terms (see search_terms.hpp for why n-grams).
#include <algorithm>
#include <huicai/catalog/search_terms.hpp>
#include <huicai/catalog/text_rules.hpp>

namespace huicai::catalog {
namespace {

enum class CharClass { separator, word, ideograph };

CharClass classify(char32_t c) {
  if (c < 0x80) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return alnum ? CharClass::word : CharClass::separator;
  }
  // Latin-1 punctuation, general punctuation, CJK symbols and punctuation (、。「」【】...),
  // and the punctuation parts of the fullwidth forms block.
  if ((c >= 0x80 && c <= 0xBF) || (c >= 0x2000 && c <= 0x206F) || (c >= 0x3000 && c <= 0x303F) ||
      (c >= 0xFF00 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
      (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) || c == 0xFEFF) {
    return CharClass::separator;
  }
  // Fullwidth digits and letters behave like their ASCII twins.
  if ((c >= 0xFF10 && c <= 0xFF19) || (c >= 0xFF21 && c <= 0xFF3A) ||
      (c >= 0xFF41 && c <= 0xFF5A)) {
    return CharClass::word;
  }
  return CharClass::ideograph;
}

char32_t fold(char32_t c) {
  if (c >= 0xFF10 && c <= 0xFF5A) c = c - 0xFF10 + U'0';  // fullwidth -> ASCII
  if (c >= 'A' && c <= 'Z') c = c - 'A' + 'a';
  return c;
}

struct Run {
  CharClass kind;
  std::vector<char32_t> chars;
};

std::vector<Run> runs_of(std::string_view text) {
  std::vector<Run> runs;
  auto decoded = decode_utf8(text);
  if (!decoded) {
    // Keep the valid ASCII only: callers validate first, this just never crashes.
    decoded.emplace();
    for (char c : text) {
      if (static_cast<unsigned char>(c) < 0x80) decoded->push_back(static_cast<char32_t>(c));
    }
  }
  for (char32_t c : *decoded) {
    const CharClass kind = classify(c);
    if (kind == CharClass::separator) {
      if (!runs.empty() && runs.back().kind != CharClass::separator) {
        runs.push_back(Run{CharClass::separator, {}});
      }
      continue;
    }
    if (runs.empty() || runs.back().kind != kind) runs.push_back(Run{kind, {}});
    runs.back().chars.push_back(fold(c));
  }
  std::erase_if(runs, [](const Run& run) { return run.kind == CharClass::separator; });
  return runs;
}

std::string encode(const std::vector<char32_t>& chars, std::size_t from, std::size_t count) {
  std::string out;
  for (std::size_t i = from; i < from + count && i < chars.size(); ++i) {
    std::string next;
    append_utf8(next, chars[i]);
    if (out.size() + next.size() > kMaxSearchTermBytes) break;
    out += next;
  }
  return out;
}

void sort_unique(std::vector<std::string>& terms) {
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  std::erase_if(terms, [](const std::string& term) { return term.empty(); });
}

}  // namespace

std::vector<std::string> index_terms(std::string_view title) {
  std::vector<std::string> terms;
  for (const Run& run : runs_of(title)) {
    if (run.kind == CharClass::word) {
      terms.push_back(encode(run.chars, 0, run.chars.size()));
      continue;
    }
    for (std::size_t i = 0; i < run.chars.size(); ++i) {
      terms.push_back(encode(run.chars, i, 1));
      if (i + 1 < run.chars.size()) terms.push_back(encode(run.chars, i, 2));
    }
  }
  sort_unique(terms);
  return terms;
}

std::vector<std::string> query_terms(std::string_view query) {
  std::vector<std::string> terms;
  for (const Run& run : runs_of(query)) {
    if (run.kind == CharClass::word) {
      terms.push_back(encode(run.chars, 0, run.chars.size()));
    } else if (run.chars.size() == 1) {
      terms.push_back(encode(run.chars, 0, 1));
    } else {
      for (std::size_t i = 0; i + 1 < run.chars.size(); ++i) {
        terms.push_back(encode(run.chars, i, 2));
      }
    }
  }
  sort_unique(terms);
  if (terms.size() > kMaxQueryTerms) terms.resize(kMaxQueryTerms);
  return terms;
}

}  // namespace huicai::catalog
