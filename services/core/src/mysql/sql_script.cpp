#include <cctype>
#include <huicai/core/mysql/sql_script.hpp>
#include <stdexcept>

namespace huicai::mysql {
namespace {

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

// MariaDB starts a `--` comment only when a space or control character (or the end) follows;
// `1--1` is arithmetic.
bool starts_dash_comment(std::string_view script, std::size_t i) {
  if (script.compare(i, 2, "--") != 0) return false;
  return i + 2 >= script.size() || static_cast<unsigned char>(script[i + 2]) <= ' ';
}

class Splitter {
 public:
  explicit Splitter(std::string_view script) : script_(script) {}

  std::vector<ScriptStatement> run() {
    while (i_ < script_.size()) {
      const char c = script_[i_];
      if (c == '\'' || c == '"' || c == '`') {
        skip_quoted(c);
      } else if (c == '#' || starts_dash_comment(script_, i_)) {
        skip_line_comment();
      } else if (script_.compare(i_, 2, "/*") == 0) {
        skip_block_comment();
      } else if (c == ';') {
        finish_statement(i_);
        advance();
      } else {
        if (!is_space(c)) {
          if (!has_code_) check_delimiter();
          mark_code();
        }
        advance();
      }
    }
    finish_statement(script_.size());
    return std::move(statements_);
  }

 private:
  void advance() {
    if (script_[i_] == '\n') ++line_;
    ++i_;
  }

  void skip_quoted(char quote) {
    const int opened_at = line_;
    mark_code();
    advance();
    while (i_ < script_.size()) {
      const char c = script_[i_];
      if (c == '\\' && quote != '`') {  // backslash escapes in strings (default sql_mode)
        advance();
        if (i_ < script_.size()) advance();
        continue;
      }
      advance();
      if (c == quote) {
        if (i_ < script_.size() && script_[i_] == quote) {  // doubled quote: a literal quote
          advance();
          continue;
        }
        return;
      }
    }
    throw std::invalid_argument("unterminated " + std::string(1, quote) +
                                " quote starting on line " + std::to_string(opened_at));
  }

  void skip_line_comment() {
    while (i_ < script_.size() && script_[i_] != '\n') advance();
  }

  void skip_block_comment() {
    const int opened_at = line_;
    // /*! ... */ and /*M! ... */ are executable comments: they are code for the server.
    if (script_.compare(i_, 3, "/*!") == 0 || script_.compare(i_, 4, "/*M!") == 0) {
      mark_code();
    }
    advance();
    advance();
    while (i_ + 1 < script_.size() && script_.compare(i_, 2, "*/") != 0) advance();
    if (i_ + 1 >= script_.size()) {
      throw std::invalid_argument("unterminated /* comment starting on line " +
                                  std::to_string(opened_at));
    }
    advance();
    advance();
  }

  // Remembers where the statement's code starts: comments before it are not part of it.
  void mark_code() {
    if (has_code_) return;
    has_code_ = true;
    code_start_ = i_;
    code_line_ = line_;
  }

  void check_delimiter() {
    constexpr std::string_view keyword = "DELIMITER";
    if (script_.size() - i_ < keyword.size() + 1) return;
    for (std::size_t k = 0; k < keyword.size(); ++k) {
      if (std::toupper(static_cast<unsigned char>(script_[i_ + k])) != keyword[k]) return;
    }
    if (!is_space(script_[i_ + keyword.size()])) return;
    throw std::invalid_argument("DELIMITER on line " + std::to_string(line_) +
                                " is not supported (no stored programs in migrations)");
  }

  void finish_statement(std::size_t end) {
    if (has_code_) {
      std::string_view text = script_.substr(code_start_, end - code_start_);
      while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
      statements_.push_back({std::string(text), code_line_});
    }
    has_code_ = false;
  }

  std::string_view script_;
  std::size_t i_ = 0;
  std::size_t code_start_ = 0;
  int line_ = 1;
  int code_line_ = 1;
  bool has_code_ = false;
  std::vector<ScriptStatement> statements_;
};

}  // namespace

std::vector<ScriptStatement> split_sql_script(std::string_view script) {
  return Splitter(script).run();
}

}  // namespace huicai::mysql
