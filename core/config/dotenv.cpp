#include "config/dotenv.hpp"

namespace qwen::config {
namespace {

bool is_key_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}
bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

// The text with CRLF and lone CR turned into LF and a leading BOM removed, as dotenv does.
std::string normalise(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string unescape_double_quoted(std::string_view raw) {
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size()) {
      char n = raw[i + 1];
      if (n == 'n') {
        out += '\n';
        ++i;
        continue;
      }
      if (n == 'r') {
        out += '\r';
        ++i;
        continue;
      }
      if (n == 't') {
        out += '\t';
        ++i;
        continue;
      }
      if (n == '"' || n == '\\') {
        out += n;
        ++i;
        continue;
      }
    }
    out += raw[i];
  }
  return out;
}

class Parser {
 public:
  explicit Parser(std::string text) : text_(std::move(text)) {}

  DotenvParse run() {
    while (pos_ < text_.size()) parse_line();
    if (unlisted_ > 0)
      result_.warnings.push_back({first_unlisted_line_, std::to_string(unlisted_) +
                                                            " more problems from this line on are not listed (is "
                                                            "this a .env file?)"});
    return std::move(result_);
  }

 private:
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\n'; }
  bool at_line_end() const { return pos_ >= text_.size() || text_[pos_] == '\n'; }
  void skip_blanks() {
    while (pos_ < text_.size() && is_blank(text_[pos_])) ++pos_;
  }
  // Moves past the end of the current line.
  void next_line() {
    while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
    if (pos_ < text_.size()) ++pos_;
    ++line_;
  }
  // A binary or foreign file would give a warning per line (thousands): list the first few, count the rest.
  void warn(int line, const std::string &message) {
    if (result_.warnings.size() < kMaxListedDotenvWarnings) {
      result_.warnings.push_back({line, message});
      return;
    }
    if (unlisted_++ == 0) first_unlisted_line_ = line;
  }

  void parse_line() {
    skip_blanks();
    if (at_line_end() || peek() == '#') return next_line();
    const int start_line = line_;
    if (text_.compare(pos_, 7, "export ") == 0 || text_.compare(pos_, 7, "export\t") == 0) {
      pos_ += 7;
      skip_blanks();
    }
    size_t key_start = pos_;
    while (pos_ < text_.size() && is_key_char(text_[pos_])) ++pos_;
    std::string key = text_.substr(key_start, pos_ - key_start);
    skip_blanks();
    if (key.empty() || peek() != '=') {
      warn(start_line, key.empty() ? "expected KEY=VALUE; the line is ignored"
                                   : "expected '=' after " + key + "; the line is ignored");
      return next_line();
    }
    ++pos_;  // '='
    skip_blanks();
    std::string value;
    char q = peek();
    if (q == '"' || q == '\'' || q == '`') {
      if (!read_quoted(q, key, start_line, value)) return;
    } else {
      size_t v_start = pos_;
      while (!at_line_end() && text_[pos_] != '#') ++pos_;
      size_t v_end = pos_;
      while (v_end > v_start && is_blank(text_[v_end - 1])) --v_end;
      value = text_.substr(v_start, v_end - v_start);
    }
    result_.entries.push_back({key, value, start_line});
    next_line();
  }

  // Reads a quoted value (which may span lines); false when it is unterminated.
  bool read_quoted(char q, const std::string &key, int start_line, std::string &value) {
    size_t open = pos_++;
    int lines_inside = 0;
    while (pos_ < text_.size() && text_[pos_] != q) {
      if (text_[pos_] == '\\' && q == '"' && pos_ + 1 < text_.size()) ++pos_;
      if (text_[pos_] == '\n') ++lines_inside;
      ++pos_;
    }
    if (pos_ >= text_.size()) {
      warn(start_line, "the value of " + key + " has no closing " + std::string(1, q) + "; the line is ignored");
      pos_ = open;
      next_line();
      return false;
    }
    std::string_view raw(text_.data() + open + 1, pos_ - open - 1);
    value = q == '"' ? unescape_double_quoted(raw) : std::string(raw);
    ++pos_;
    line_ += lines_inside;
    skip_blanks();
    if (!at_line_end() && peek() != '#') warn(line_, "text after the closing quote of " + key + " is ignored");
    return true;
  }

  std::string text_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t unlisted_ = 0;
  int first_unlisted_line_ = 0;
  DotenvParse result_;
};

}  // namespace

DotenvParse parse_dotenv(std::string_view text) {
  return Parser(normalise(text)).run();
}

}  // namespace qwen::config
