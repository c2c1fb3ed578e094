#include "config/qwen_code_settings_writer.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <functional>
#include <string_view>
#include <vector>

#include <qwen/sdk/atomic_file.hpp>

#include "config/qwen_code_settings.hpp"

namespace qwen::config {
namespace {

using nlohmann::json;
using ordered = nlohmann::ordered_json;  // values as the caller ordered their members

// What the reader accepts (qwen_code_settings.cpp): a larger result would make the file unreadable to qwen.
constexpr size_t kMaxSettingsBytes = 1 << 20;

constexpr size_t npos = std::string::npos;

// A settings file is a few levels deep; a pointer of thousands of levels would build a value that deep.
constexpr size_t kMaxPointerDepth = 64;

// Where each value of a JSON-with-comments text is, so one value can be replaced or one member added or
// removed without re-serialising (and so losing) the rest. Only run on text nlohmann has already accepted.
struct Span {
  enum Kind { kObject, kArray, kOther } kind = kOther;
  size_t begin = 0, end = 0;  // [begin, end) of the value's text
  struct Member {
    std::string key;   // decoded, as JSON.parse sees it
    size_t key_begin;  // the opening quote
    size_t value;      // index into the span list
    size_t comma;      // the ',' after the value, npos for the last member
  };
  std::vector<Member> members;
};

class SpanScanner {
 public:
  explicit SpanScanner(const std::string &text) : t_(text) {}

  // Scans the whole text; the root is spans()[0].
  std::vector<Span> scan() {
    skip();
    value();
    return std::move(spans_);
  }

 private:
  [[noreturn]] static void fail() { throw std::runtime_error("unexpected text"); }

  char at(size_t i) const { return i < t_.size() ? t_[i] : '\0'; }

  void skip() {
    for (;;) {
      char c = at(p_);
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        ++p_;
      } else if (c == '/' && at(p_ + 1) == '/') {
        while (p_ < t_.size() && t_[p_] != '\n') ++p_;
      } else if (c == '/' && at(p_ + 1) == '*') {
        auto close = t_.find("*/", p_ + 2);
        if (close == npos) fail();
        p_ = close + 2;
      } else if (p_ == 0 && t_.compare(0, 3, "\xEF\xBB\xBF") == 0) {
        p_ = 3;  // a UTF-8 byte order mark
      } else {
        return;
      }
    }
  }

  // Skips a string; returns its decoded value (nlohmann's decoding: surrogate pairs, every escape).
  std::string string() {
    const size_t begin = p_;
    if (at(p_) != '"') fail();
    bool escaped = false;
    for (++p_; p_ < t_.size() && t_[p_] != '"'; ++p_)
      if (t_[p_] == '\\') {
        escaped = true;
        ++p_;
      }
    if (at(p_) != '"') fail();
    ++p_;
    if (!escaped) return t_.substr(begin + 1, p_ - begin - 2);  // the text parsed: valid UTF-8, nothing to decode
    return json::parse(t_.begin() + static_cast<std::ptrdiff_t>(begin), t_.begin() + static_cast<std::ptrdiff_t>(p_))
        .get<std::string>();
  }

  size_t value() {
    // Recursive: a settings file is a few levels deep; a hostile one of 100,000 '[' must not exhaust the stack.
    if (++depth_ > kMaxDepth) fail();
    size_t index = spans_.size();
    spans_.push_back({});
    spans_[index].begin = p_;
    char c = at(p_);
    if (c == '{') {
      spans_[index].kind = Span::kObject;
      ++p_;
      skip();
      while (at(p_) != '}') {
        size_t key_begin = p_;
        std::string key = string();
        skip();
        if (at(p_) != ':') fail();
        ++p_;
        skip();
        size_t v = value();
        spans_[index].members.push_back({std::move(key), key_begin, v, npos});
        skip();
        if (at(p_) == ',') {
          spans_[index].members.back().comma = p_;
          ++p_;
          skip();
        } else if (at(p_) != '}') {
          fail();
        }
      }
      ++p_;
    } else if (c == '[') {
      spans_[index].kind = Span::kArray;
      ++p_;
      skip();
      while (at(p_) != ']') {
        value();
        skip();
        if (at(p_) == ',') {
          ++p_;
          skip();
        } else if (at(p_) != ']') {
          fail();
        }
      }
      ++p_;
    } else if (c == '"') {
      string();
    } else {
      while (p_ < t_.size() && std::string_view(",]} \t\r\n/").find(t_[p_]) == std::string_view::npos) ++p_;
      if (p_ == spans_[index].begin) fail();
    }
    spans_[index].end = p_;
    --depth_;
    return index;
  }

  static constexpr int kMaxDepth = 256;
  const std::string &t_;
  size_t p_ = 0;
  int depth_ = 0;
  std::vector<Span> spans_;
};

// The member `key` of an object (the last one, as JSON.parse keeps the last of duplicates), or nullptr.
const Span::Member *member(const Span &object, const std::string &key) {
  const Span::Member *found = nullptr;
  for (const auto &m : object.members)
    if (m.key == key) found = &m;
  return found;
}

size_t line_start(const std::string &t, size_t pos) {
  auto nl = pos == 0 ? npos : t.rfind('\n', pos - 1);
  return nl == npos ? 0 : nl + 1;
}

// The blanks that start the line holding `pos`.
std::string indent_of_line(const std::string &t, size_t pos) {
  size_t start = line_start(t, pos);
  size_t end = start;
  while (end < t.size() && (t[end] == ' ' || t[end] == '\t')) ++end;
  return t.substr(start, end - start);
}

// Whether `pos` is the first thing on its line but blanks. Looks back only over blanks: called for every
// object of a 1 MiB file written on one line, it must not read the line each time.
bool only_blanks_before(const std::string &t, size_t pos) {
  for (size_t i = pos; i > 0; --i) {
    if (t[i - 1] == '\n') return true;
    if (t[i - 1] != ' ' && t[i - 1] != '\t') return false;
  }
  return true;
}

// From `pos` (just after a value or its comma), past blanks and comments to the end of that line: where a
// member written on the next line goes. Stops before the line's "\r\n" or "\n", or at anything else ('}').
size_t end_of_trailing_text(const std::string &t, size_t pos) {
  size_t p = pos;
  for (;;) {
    while (p < t.size() && (t[p] == ' ' || t[p] == '\t')) ++p;
    if (t.compare(p, 2, "//") == 0) {
      p = t.find('\n', p);
      if (p == npos) return t.size();
      return t[p - 1] == '\r' ? p - 1 : p;
    }
    if (t.compare(p, 2, "/*") != 0) return p;
    const size_t close = t.find("*/", p + 2);  // the text parsed: the comment is closed
    if (close == npos) return t.size();
    p = close + 2;
  }
}

// When only blanks and comments that close on the same line follow `pos` up to the end of its line: the
// position after that line's newline (or the end of the text). Else npos.
size_t after_line_end(const std::string &t, size_t pos) {
  size_t p = pos;
  for (;;) {
    while (p < t.size() && (t[p] == ' ' || t[p] == '\t' || t[p] == '\r')) ++p;
    if (p >= t.size()) return t.size();
    if (t[p] == '\n') return p + 1;
    if (t.compare(p, 2, "//") == 0) {
      p = t.find('\n', p);
      return p == npos ? t.size() : p + 1;
    }
    if (t.compare(p, 2, "/*") != 0) return npos;
    size_t close = t.find("*/", p + 2);
    if (t.find('\n', p) < close) return npos;  // a comment running onto other lines is not this line's
    p = close + 2;
  }
}

// How the file is laid out: its indentation step and its line end.
struct Layout {
  int width = 2;
  char fill = ' ';
  std::string eol = "\n";
};

// The indentation step: how much deeper the first member of the first object laid out on several lines sits
// than the object's own line; 2 spaces when that cannot be told or mixes tabs and spaces.
Layout layout_of(const std::string &t, const std::vector<Span> &spans) {
  Layout l;
  size_t nl = t.find('\n');
  if (nl != npos && nl > 0 && t[nl - 1] == '\r') l.eol = "\r\n";
  for (const Span &s : spans) {
    if (s.kind != Span::kObject || s.members.empty()) continue;
    size_t first = s.members.front().key_begin;
    if (!only_blanks_before(t, first) || line_start(t, first) <= s.begin) continue;
    const std::string member = indent_of_line(t, first), own = indent_of_line(t, s.begin);
    if (member.size() <= own.size() || member.compare(0, own.size(), own) != 0) continue;
    const std::string unit = member.substr(own.size());
    if (unit.find_first_not_of(unit[0]) != npos) break;
    l.width = static_cast<int>(unit.size());
    l.fill = unit[0];
    break;
  }
  return l;
}

std::string dump(const ordered &j, int width = -1, char fill = ' ') {
  return j.dump(width, fill, /*ensure_ascii=*/false, ordered::error_handler_t::strict);
}

// `value` on one line, with JSON.stringify's separators spaced: {"a": 1, "b": [2, 3]}.
std::string one_line(const ordered &value) {
  if (value.is_object() && !value.empty()) {
    std::string out = "{";
    for (auto it = value.begin(); it != value.end(); ++it)
      out += (it == value.begin() ? "" : ", ") + dump(ordered(it.key())) + ": " + one_line(it.value());
    return out + "}";
  }
  if (value.is_array() && !value.empty()) {
    std::string out = "[";
    for (size_t i = 0; i < value.size(); ++i) out += (i ? ", " : "") + one_line(value[i]);
    return out + "]";
  }
  return dump(value);
}

// `value` pretty-printed with the file's step, its lines after the first indented by `indent`.
std::string pretty(const ordered &value, const std::string &indent, const Layout &l) {
  const std::string flat = dump(value, l.width, l.fill);
  std::string out;
  for (char c : flat) {
    if (c == '\n')
      out += l.eol + indent;  // strings are escaped: every newline is the layout's
    else
      out += c;
  }
  return out;
}

class Editor {
 public:
  Editor(const std::string &text, const std::vector<Span> &spans, const Layout &layout)
      : t_(text), spans_(spans), layout_(layout) {}

  std::string replace(const Span::Member &m, const ordered &value) const {
    const Span &v = spans_[m.value];
    const std::string text =
        only_blanks_before(t_, m.key_begin) ? pretty(value, indent_of_line(t_, m.key_begin), layout_) : one_line(value);
    return std::string(t_).replace(v.begin, v.end - v.begin, text);
  }

  // Adds `"key": value` after the last member of `object`.
  std::string insert(const Span &object, bool is_root, const std::string &key, const ordered &value) const {
    const std::string name = dump(ordered(key)) + ": ";
    std::string out = t_;
    if (!object.members.empty()) {
      const Span::Member &last = object.members.back();
      const size_t end = spans_[last.value].end;
      if (only_blanks_before(t_, last.key_begin)) {
        // One member a line: the new one on a line of its own after the last one's (and its comments).
        const std::string indent = indent_of_line(t_, last.key_begin);
        out.insert(end_of_trailing_text(t_, end), layout_.eol + indent + name + pretty(value, indent, layout_));
        return out.insert(end, ",");
      }
      return out.insert(end, ", " + name + one_line(value));
    }
    const size_t close = object.end - 1;  // the '}'
    const bool lines = t_.find('\n', object.begin) < close;
    if (!lines && !is_root) return out.insert(object.begin + 1, name + one_line(value));
    // An empty object on several lines, or an empty root ("{}", what a new file holds): one member a line.
    const std::string outer = indent_of_line(t_, object.begin);
    const std::string indent = outer + std::string(static_cast<size_t>(layout_.width), layout_.fill);
    const std::string line = indent + name + pretty(value, indent, layout_);
    if (lines && only_blanks_before(t_, close)) return out.insert(line_start(t_, close), line + layout_.eol);
    return out.insert(close, layout_.eol + line + layout_.eol + (lines ? outer : ""));
  }

  // Removes member `index` of `object` with one comma; a member on lines of its own goes with its lines.
  std::string remove(const Span &object, size_t index) const {
    const Span::Member &m = object.members[index];
    const size_t end = spans_[m.value].end;
    std::string out = t_;
    if (index + 1 < object.members.size()) {  // up to and with its own comma
      erase_member(out, m.key_begin, m.comma + 1, /*blanks_after=*/true);
      return out;
    }
    if (index == 0) {  // the only member
      erase_member(out, m.key_begin, end, false);
      return out;
    }
    const size_t comma = object.members[index - 1].comma;  // the last member: the comma before it
    if (t_.find_first_not_of(" \t", comma + 1) == m.key_begin) return out.erase(comma, end - comma);
    erase_member(out, m.key_begin, end, false);
    return out.erase(comma, 1);
  }

 private:
  // Erases [begin, end): the whole lines when the member has them to itself, else the text (and the blanks
  // after it when asked, so "a, b" becomes "b").
  void erase_member(std::string &out, size_t begin, size_t end, bool blanks_after) const {
    size_t line_end = only_blanks_before(t_, begin) ? after_line_end(t_, end) : npos;
    if (line_end != npos) {
      size_t from = line_start(t_, begin);
      out.erase(from, line_end - from);
      return;
    }
    if (blanks_after)
      while (end < t_.size() && (t_[end] == ' ' || t_[end] == '\t')) ++end;
    out.erase(begin, end - begin);
  }

  const std::string &t_;
  const std::vector<Span> &spans_;
  const Layout layout_;  // a copy: it is made from a temporary
};

std::string quoted(const std::string &s) {
  return json(s).dump(-1, ' ', false, json::error_handler_t::replace);
}

// The member names of an RFC 6901 pointer.
std::vector<std::string> pointer_tokens(const std::string &pointer) {
  if (pointer.empty() || pointer[0] != '/')
    throw SettingsWriteError(quoted(pointer) + " is not a JSON pointer to a member: it must start with '/'", false);
  std::vector<std::string> tokens(1);
  for (size_t i = 1; i < pointer.size(); ++i) {
    char c = pointer[i];
    if (c == '/') {
      tokens.emplace_back();
    } else if (c == '~') {
      char e = i + 1 < pointer.size() ? pointer[++i] : '\0';
      if (e != '0' && e != '1')
        throw SettingsWriteError("the JSON pointer " + quoted(pointer) + " has a '~' not followed by 0 or 1", false);
      tokens.back() += e == '0' ? '~' : '/';
    } else {
      tokens.back() += c;
    }
  }
  if (tokens.size() > kMaxPointerDepth)
    throw SettingsWriteError("the JSON pointer " + quoted(pointer.substr(0, 80)) + "... names more than " +
                                 std::to_string(kMaxPointerDepth) + " levels",
                             false);
  return tokens;
}

// "/a/b" for the first `count` tokens, escaped again.
std::string pointer_prefix(const std::vector<std::string> &tokens, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    out += '/';
    for (char c : tokens[i]) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  }
  return out;
}

std::string edit(const std::string &text, const std::string &pointer, const std::optional<ordered> &value,
                 const std::string &name) {
  const std::vector<std::string> tokens = pointer_tokens(pointer);
  json original;
  try {
    original = json::parse(text, nullptr, true, true);
  } catch (const json::exception &) {  // a parse error, or a number too large for a double (out_of_range)
    throw SettingsWriteError(settings_syntax_error(name, text).value_or(name + ": not valid JSON"), true);
  }
  if (!original.is_object()) throw SettingsWriteError(name + ": not a JSON object; not changing it", false);

  std::vector<Span> spans;
  try {
    spans = SpanScanner(text).scan();
  } catch (const std::exception &) {
    throw SettingsWriteError(name + ": cannot edit this file's layout (nested too deeply?)", false);
  }
  const Editor editor(text, spans, layout_of(text, spans));

  // Down the path: each member on the way must be an object; the first missing one ends the walk.
  const Span *object = &spans[0];
  const Span::Member *found = nullptr;
  size_t depth = 0;
  for (; depth < tokens.size(); ++depth) {
    const Span::Member *m = member(*object, tokens[depth]);
    if (!m) break;
    if (depth + 1 == tokens.size()) {
      found = m;
      break;
    }
    const Span &v = spans[m->value];
    const std::string where = name + ": " + pointer_prefix(tokens, depth + 1);
    if (v.kind == Span::kArray)
      throw SettingsWriteError(where + " is an array; qwen does not edit array elements (an array index in " +
                                   quoted(pointer) + " is not supported); not changing it",
                               false);
    if (v.kind != Span::kObject)
      throw SettingsWriteError(where + " is not an object (a value is in the way of " + quoted(pointer) +
                                   "); not changing it",
                               false);
    object = &v;
  }

  // What the settings must be afterwards: exactly the old ones with the one change.
  json expected = original;
  json *parent = &expected;
  for (size_t i = 0; i + 1 < tokens.size(); ++i) parent = &(*parent)[tokens[i]];
  std::string result;
  if (!value) {
    if (!found) return text;
    parent->erase(tokens.back());
    result = editor.remove(*object, static_cast<size_t>(found - object->members.data()));
  } else {
    const json plain(*value);  // compared as settings: member order does not matter
    if (found && (*parent)[tokens.back()] == plain) return text;  // already so, as written
    (*parent)[tokens.back()] = plain;
    if (found) {
      result = editor.replace(*found, *value);
    } else {
      ordered nested = *value;  // the missing objects on the way, around the value
      for (size_t i = tokens.size() - 1; i > depth; --i) nested = ordered{{tokens[i], std::move(nested)}};
      result = editor.insert(*object, object == &spans[0], tokens[depth], nested);
    }
  }
  if (result.size() > kMaxSettingsBytes)
    throw SettingsWriteError(name + ": setting " + pointer_prefix(tokens, tokens.size()) +
                                 " would make the file larger than the 1 MiB qwen reads; not changing it",
                             false);
  const json updated = json::parse(result, nullptr, false, true);
  if (updated.is_discarded() || updated != expected)
    throw SettingsWriteError(name + ": cannot change " + pointer_prefix(tokens, tokens.size()) +
                                 " without changing other settings (duplicate keys?); not changing it",
                             false);
  try {
    (void)SpanScanner(result).scan();  // what is written can be edited again
  } catch (const std::exception &) {
    throw SettingsWriteError(name + ": setting " + pointer_prefix(tokens, tokens.size()) +
                                 " would nest the file too deeply; not changing it",
                             false);
  }
  return result;
}

// Reads `file` as the reader does, applies `change` to its text (or to "{}" when it is missing and
// `create` is set) and replaces it when the text changed.
void edit_file(const std::filesystem::path &file, const std::string &what, bool create,
               const std::function<std::string(const std::string &)> &change) {
  const std::string name = file.string();
  SettingsText current = read_settings_text(file, /*follow_links=*/false);
  if (current.is_link)
    throw SettingsWriteError(name + " is a symbolic link; qwen does not write through a link: set " + what +
                                 " in the file it points to yourself",
                             false);
  if (current.error) throw SettingsWriteError(*current.error, false);
  if (current.missing && !create) throw SettingsWriteError(name + ": no such file", false);
  struct stat st {};
  if (!current.missing && ::lstat(name.c_str(), &st) != 0) throw SettingsWriteError(name + ": cannot be read", false);
  const std::string text = change(current.missing ? "{}" : current.text);
  if (current.missing ? text == "{}" : text == current.text) return;
  try {
    // Atomic, the file's own mode (0600 for a new one), never through a link (one planted since the read
    // is refused too).
    sdk::replace_user_file(name, current.missing ? text + "\n" : text, 0600);
  } catch (const std::exception &e) {
    throw SettingsWriteError(e.what(), false);
  }
  // Root editing another user's file (sudo with HOME kept) leaves it theirs, as it was.
  if (!current.missing && ::geteuid() == 0 && (st.st_uid != 0 || st.st_gid != 0))
    (void)::lchown(name.c_str(), st.st_uid, st.st_gid);
}

}  // namespace

std::string with_json_value(const std::string &text, const std::string &pointer, const std::optional<ordered> &value,
                            const std::filesystem::path &file) {
  try {
    return edit(text, pointer, value, file.string());
  } catch (const json::exception &e) {
    // A key or a value that is not UTF-8 cannot be written as JSON.
    throw SettingsWriteError(file.string() + ": cannot write " + quoted(pointer) + " as JSON: " + e.what(), false);
  }
}

void set_json_value(const std::filesystem::path &file, const std::string &pointer, const std::optional<ordered> &value) {
  edit_file(file, quoted(pointer), /*create=*/true,
            [&](const std::string &text) { return with_json_value(text, pointer, value, file); });
}

std::string with_selected_auth_type(const std::string &text, const std::string &value,
                                    const std::filesystem::path &file) {
  // A v1 file (selectedAuthType, no `security`) stays v1: Qwen Code migrates it on its next start.
  const json j = json::parse(text, nullptr, false, true);
  const bool v1 = j.is_object() && !j.contains("security") && j.contains("selectedAuthType");
  return with_json_value(text, v1 ? "/selectedAuthType" : "/security/auth/selectedType", json(value), file);
}

void set_selected_auth_type(const std::filesystem::path &file, const std::string &value) {
  edit_file(file, "security.auth.selectedType", /*create=*/false,
            [&](const std::string &text) { return with_selected_auth_type(text, value, file); });
}

}  // namespace qwen::config
