#include "config/qwen_code_settings_writer.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <vector>

#include <nlohmann/json.hpp>
#include <qwen/sdk/atomic_file.hpp>

#include "config/qwen_code_settings.hpp"

namespace qwen::config {
namespace {

// Where each value of a JSON-with-comments text is, so one value can be replaced or one member added
// without re-serialising (and so losing) the rest. Only run on text nlohmann has already accepted.
struct Span {
  bool is_object = false;
  size_t begin = 0, end = 0;  // [begin, end) of the value's text
  struct Member {
    std::string key;
    size_t key_begin;
    size_t value;  // index into the span list
  };
  std::vector<Member> members;
};

class SpanScanner {
 public:
  explicit SpanScanner(const std::string &text) : t_(text) {}

  // Scans the whole text; the root is spans()[0].
  const std::vector<Span> &scan() {
    skip();
    value();
    return spans_;
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
        if (close == std::string::npos) fail();
        p_ = close + 2;
      } else if (p_ == 0 && t_.compare(0, 3, "\xEF\xBB\xBF") == 0) {
        p_ = 3;  // a UTF-8 byte order mark
      } else {
        return;
      }
    }
  }

  std::string string() {
    if (at(p_) != '"') fail();
    std::string out;
    for (++p_; p_ < t_.size() && t_[p_] != '"'; ++p_) {
      if (t_[p_] != '\\') {
        out += t_[p_];
        continue;
      }
      char e = at(++p_);
      if (e == 'u' && p_ + 4 < t_.size()) {
        unsigned long cp = std::stoul(t_.substr(p_ + 1, 4), nullptr, 16);
        // Keys qwen looks for are ASCII; anything else only has to stay different from them.
        out += cp < 0x80 ? static_cast<char>(cp) : '\x01';
        p_ += 4;
      } else {
        out += e == 'n' ? '\n' : e == 't' ? '\t' : e;
      }
    }
    if (at(p_) != '"') fail();
    ++p_;
    return out;
  }

  size_t value() {
    // Recursive: a settings file is a few levels deep; a hostile one of 100,000 '[' must not exhaust the stack.
    if (++depth_ > kMaxDepth) fail();
    size_t index = spans_.size();
    spans_.push_back({});
    spans_[index].begin = p_;
    char c = at(p_);
    if (c == '{') {
      spans_[index].is_object = true;
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
        spans_[index].members.push_back({key, key_begin, v});
        skip();
        if (at(p_) == ',') {
          ++p_;
          skip();
        } else if (at(p_) != '}') {
          fail();
        }
      }
      ++p_;
    } else if (c == '[') {
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
  auto nl = pos == 0 ? std::string::npos : t.rfind('\n', pos - 1);
  return nl == std::string::npos ? 0 : nl + 1;
}

// The blanks that start the line holding `pos`.
std::string indent_of_line(const std::string &t, size_t pos) {
  size_t start = line_start(t, pos);
  size_t end = start;
  while (end < t.size() && (t[end] == ' ' || t[end] == '\t')) ++end;
  return t.substr(start, end - start);
}

bool only_blanks_before(const std::string &t, size_t pos) {
  for (size_t i = line_start(t, pos); i < pos; ++i)
    if (t[i] != ' ' && t[i] != '\t') return false;
  return true;
}

// `"path[0]": {"path[1]": ... "value"}` laid out on lines indented from `indent` by `unit`, or on one line.
std::string member_text(const std::vector<std::string> &path, size_t i, const std::string &value,
                        const std::string &indent, const std::string &unit, bool multi_line) {
  std::string key = nlohmann::json(path[i]).dump() + ": ";
  if (i + 1 == path.size()) return key + nlohmann::json(value).dump();
  std::string inner = member_text(path, i + 1, value, indent + unit, unit, multi_line);
  if (!multi_line) return key + "{" + inner + "}";
  return key + "{\n" + indent + unit + inner + "\n" + indent + "}";
}

// Adds the member path[i] (holding the rest of the path) to `object` as its first member, laid out like its
// neighbours; comments stay where they were, next to what they describe.
std::string insert_member(const std::string &t, const Span &object, const std::vector<std::string> &path, size_t i,
                          const std::string &value, const std::string &unit) {
  std::string out = t;
  if (!object.members.empty()) {
    size_t first = object.members.front().key_begin;
    const size_t brace_line_end = t.find('\n', object.begin);
    if (only_blanks_before(t, first) && brace_line_end < first) {
      // On the line after the brace: a comment above the old first member stays above it.
      const std::string indent = indent_of_line(t, first);
      const std::string line = indent + member_text(path, i, value, indent, unit, true) + ",\n";
      return out.insert(brace_line_end + 1, line);
    }
    return out.insert(first, member_text(path, i, value, "", unit, false) + ", ");
  }
  const size_t close = object.end - 1;  // the '}'
  if (t.find('\n', object.begin) < close) {
    const std::string indent = indent_of_line(t, object.begin) + unit;
    return out.insert(object.begin + 1, "\n" + indent + member_text(path, i, value, indent, unit, true));
  }
  return out.insert(object.begin + 1, member_text(path, i, value, "", unit, false));
}

// The file's indentation step: how much deeper the root's first member sits than the root; two spaces if
// that cannot be told.
std::string indent_unit(const std::string &t, const Span &root) {
  if (root.members.empty()) return "  ";
  size_t first = root.members.front().key_begin;
  if (!only_blanks_before(t, first) || !(t.find('\n', root.begin) < first)) return "  ";
  std::string member_indent = indent_of_line(t, first), root_indent = indent_of_line(t, root.begin);
  if (member_indent.size() > root_indent.size() && member_indent.compare(0, root_indent.size(), root_indent) == 0)
    return member_indent.substr(root_indent.size());
  return "  ";
}

}  // namespace

std::string with_selected_auth_type(const std::string &text, const std::string &value,
                                    const std::filesystem::path &file) {
  if (auto syntax = settings_syntax_error(file, text)) throw SettingsWriteError(*syntax, true);
  const nlohmann::json original = nlohmann::json::parse(text, nullptr, false, true);
  if (!original.is_object()) throw SettingsWriteError(file.string() + ": not a JSON object", false);

  std::vector<Span> spans;
  try {
    spans = SpanScanner(text).scan();
  } catch (const std::exception &) {
    throw SettingsWriteError(file.string() + ": cannot edit this file's layout", false);
  }
  const Span &root = spans[0];
  const std::string unit = indent_unit(text, root);

  // What the settings must be afterwards: exactly the old ones with the choice set.
  nlohmann::json expected = original;
  std::string result;
  const Span::Member *security = member(root, "security");
  const Span::Member *legacy = member(root, "selectedAuthType");
  if (!security && legacy) {
    // A v1 file: keep it v1 (Qwen Code migrates it on its next start).
    const Span &v = spans[legacy->value];
    result = std::string(text).replace(v.begin, v.end - v.begin, nlohmann::json(value).dump());
    expected["selectedAuthType"] = value;
  } else {
    const std::vector<std::string> path{"security", "auth", "selectedType"};
    const Span *object = &root;
    size_t depth = 0;
    for (; depth < path.size(); ++depth) {
      const Span::Member *m = member(*object, path[depth]);
      if (!m) break;
      const Span &v = spans[m->value];
      if (depth + 1 == path.size()) {
        result = std::string(text).replace(v.begin, v.end - v.begin, nlohmann::json(value).dump());
        break;
      }
      if (!v.is_object)
        throw SettingsWriteError(file.string() + ": `" + path[depth] + "` is not an object; not changing it", false);
      object = &v;
    }
    if (depth < path.size() && result.empty()) result = insert_member(text, *object, path, depth, value, unit);
    nlohmann::json *node = &expected;
    for (const auto &part : path) node = &(*node)[part];
    *node = value;
  }
  const nlohmann::json updated = nlohmann::json::parse(result, nullptr, false, true);
  if (updated.is_discarded() || updated != expected)
    throw SettingsWriteError(file.string() + ": cannot set the sign-in choice without changing other settings "
                                             "(duplicate keys?); not changing it",
                             false);
  return result;
}

void set_selected_auth_type(const std::filesystem::path &file, const std::string &value) {
  const std::string name = file.string();
  SettingsText current = read_settings_text(file, /*follow_links=*/false);
  if (current.missing) throw SettingsWriteError(name + ": no such file", false);
  if (current.is_link)
    throw SettingsWriteError(name + " is a symbolic link; qwen does not write through a link: set "
                                    "security.auth.selectedType in the file it points to yourself",
                             false);
  if (current.error) throw SettingsWriteError(*current.error, false);
  struct stat st {};
  if (::lstat(name.c_str(), &st) != 0) throw SettingsWriteError(name + ": cannot be read", false);
  const std::string text = with_selected_auth_type(current.text, value, file);
  if (text == current.text) return;
  try {
    sdk::replace_user_file(name, text);  // atomic, the file's own mode, never through a link
  } catch (const std::exception &e) {
    throw SettingsWriteError(e.what(), false);
  }
  // Root editing another user's file (sudo with HOME kept) leaves it theirs, as it was.
  if (::geteuid() == 0 && (st.st_uid != 0 || st.st_gid != 0)) (void)::lchown(name.c_str(), st.st_uid, st.st_gid);
}

}  // namespace qwen::config
