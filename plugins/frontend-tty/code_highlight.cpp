#include "code_highlight.hpp"

#include <srchilite/formatter.h>
#include <srchilite/formatterfactory.h>
#include <srchilite/formattermanager.h>
#include <srchilite/langdefmanager.h>
#include <srchilite/langmap.h>
#include <srchilite/regexrulefactory.h>
#include <srchilite/settings.h>
#include <srchilite/sourcehighlighter.h>
#include <srchilite/stylefileparser.h>

#include <qwen/sdk/terminal_text.hpp>

#include <boost/make_shared.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <sys/stat.h>
#include <time.h>

namespace tty_frontend {

namespace {

// Bounds on the work, because an answer is a stranger's text and the library is slow on some of it. It
// runs its regular expressions (boost::regex, with backtracking) from each token to the line's end, so a
// line costs more than in proportion to its length, and far more on crafted text: measured, 128 '/' in a
// `sh` block take 13 ms, 256 take 120 ms, 1024 take 7 s (ordinary Python: ~1.6 us a byte, ~1.6 s a MB).
// So: a block with a line over kMaxLineBytes (real code rarely has one) or over kMaxBlockBytes in all is
// shown plain; and the CPU time spent colouring in the process is kept under kTimeFloor plus kTimePerByte
// for each byte of code offered (~4x what ordinary code costs, ~1.5x in the sanitizer build): a block that
// would go over is given up and shown plain, and later ones too until code offered has earned time again.
// A hostile answer thus costs at most a few times what an honest one of its size would, never a hang. The
// thread's CPU time, not the clock's: other programs' load must not turn honest code plain.
constexpr size_t kMaxBlockBytes = 128 * 1024;
constexpr size_t kMaxLineBytes = 256;
constexpr std::chrono::milliseconds kTimeFloor{100};
constexpr std::chrono::nanoseconds kTimePerByte{6000};

std::chrono::nanoseconds thread_cpu_time() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

const char *const kReset = "\x1b[0m";

// Colour names of esc.style to SGR codes: the colour map of the library's own esc.outlang, but without black,
// white and grey (30, 37), each unreadable on one of a dark and a light background, and without its
// "default" (black): such elements keep the terminal's colour.
std::string colour_code(const std::string &name) {
  static const std::map<std::string, std::string> kColours = {
      {"red", "31"},    {"darkred", "31"},     {"brown", "31"},       {"orange", "31"}, {"brightorange", "31"},
      {"green", "32"},  {"brightgreen", "32"}, {"darkgreen", "32"},   {"yellow", "33"}, {"blue", "34"},
      {"darkblue", "34"}, {"pink", "35"},      {"purple", "35"},      {"cyan", "36"},
  };
  const auto it = kColours.find(name);
  return it == kColours.end() ? std::string() : it->second;
}

// The line being coloured. Neighbouring pieces in the same attributes (a string, then a symbol, both red)
// share one SGR: fewer bytes for the terminal, which costs more than this.
struct LineBuffer {
  std::string text;
  std::string open;  // the SGR in force, "" for none

  void add(const std::string &sgr, const std::string &s) {
    if (s.empty()) return;
    if (sgr != open) {
      if (!open.empty()) text += kReset;
      text += sgr;
      open = sgr;
    }
    text += s;
  }
  void end_line() {
    if (!open.empty()) text += kReset;
    open.clear();
  }
  void clear() {
    text.clear();
    open.clear();
  }
};

// Hands each piece of a line the highlighter finds to the buffer, with its element's SGR.
class SgrFormatter : public srchilite::Formatter {
 public:
  SgrFormatter(std::string sgr, LineBuffer *out) : sgr_(std::move(sgr)), out_(out) {}
  void format(const std::string &s, const srchilite::FormatterParams *) override { out_->add(sgr_, s); }

 private:
  std::string sgr_;
  LineBuffer *out_;
};

// Turns esc.style's entries (element, colour, bold/underline) into SgrFormatters. Italics are left out, as
// the library's esc.outlang leaves them out (many terminals show them poorly).
class SgrFormatterFactory : public srchilite::FormatterFactory {
 public:
  SgrFormatterFactory(srchilite::FormatterManager *manager, LineBuffer *out) : manager_(manager), out_(out) {}
  bool createFormatter(const std::string &key, const std::string &color, const std::string &,
                       srchilite::StyleConstantsPtr constants) override {
    if (manager_->hasFormatter(key).get()) return false;
    std::string codes;
    auto add = [&codes](const std::string &c) { codes += codes.empty() ? c : ";" + c; };
    if (constants.get()) {
      for (const srchilite::StyleConstant c : *constants) {
        if (c == srchilite::ISBOLD) add("1");
        if (c == srchilite::ISUNDERLINE) add("4");
      }
    }
    const std::string colour = colour_code(color);
    if (!colour.empty()) add(colour);
    manager_->addFormatter(key, boost::make_shared<SgrFormatter>(codes.empty() ? "" : "\x1b[" + codes + "m", out_));
    return true;
  }

 private:
  srchilite::FormatterManager *manager_;
  LineBuffer *out_;
};

bool is_file(const std::string &path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// Markdown tags GitHub knows that lang.map does not, for languages it has.
std::string alias(const std::string &tag) {
  if (tag == "c++") return "cpp";
  if (tag == "rust") return "rs";
  if (tag == "golang") return "go";
  if (tag == "shell-session" || tag == "console") return "";  // prompts and output: not a script
  return tag;
}

// The library's state for the process, built on first use. Loading a language's definition (a few .lang
// files compiled into regular expressions) takes milliseconds, so each is built once and kept. The library's
// parsers are not reentrant: one lock around every use.
class Highlighters {
 public:
  static Highlighters &instance() {
    static Highlighters h;
    return h;
  }

  // `lines`: made safe already.
  std::optional<std::vector<std::string>> highlight(const std::vector<std::string> &lines, std::string_view language) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!ready()) return std::nullopt;
    const srchilite::HighlightStatePtr state = state_for(language);  // a first use's loading is not counted
    if (!state.get()) return std::nullopt;
    for (const std::string &line : lines) allowance_ += kTimePerByte * static_cast<long>(line.size() + 1);
    if (spent_ >= allowance_) return std::nullopt;
    const auto start = thread_cpu_time();
    struct Charge {  // the time spent is charged however the block ends
      std::chrono::nanoseconds start;
      std::chrono::nanoseconds &spent;
      ~Charge() { spent += thread_cpu_time() - start; }
    } charge{start, spent_};
    srchilite::SourceHighlighter highlighter(state);
    highlighter.setFormatterManager(formatters_.get());
    highlighter.setOptimize(true);  // a run of one element's text in one SGR, not one per token
    std::vector<std::string> out;
    out.reserve(lines.size());
    for (const std::string &safe : lines) {
      buffer_.clear();
      highlighter.highlightParagraph(safe);
      buffer_.end_line();
      if (!same_text(buffer_.text, safe)) return std::nullopt;
      out.push_back(buffer_.text);
      if (spent_ + (thread_cpu_time() - start) > allowance_) return std::nullopt;
    }
    return out;
  }

 private:
  // The data files, the language map and the colours, once; false (for good) when any is missing or bad.
  bool ready() {
    if (tried_) return usable_;
    tried_ = true;
    data_dir_ = srchilite::Settings::getDefaultDataDir();
    if (!is_file(data_dir_ + "/lang.map") || !is_file(data_dir_ + "/esc.style")) return false;
    lang_map_ = std::make_unique<srchilite::LangMap>(data_dir_, "lang.map");
    lang_map_->open();
    formatters_ = std::make_unique<srchilite::FormatterManager>(boost::make_shared<SgrFormatter>("", &buffer_));
    SgrFormatterFactory factory(formatters_.get(), &buffer_);
    std::string background;
    srchilite::StyleFileParser::parseStyleFile(data_dir_, "esc.style", &factory, background);
    rule_factory_ = std::make_unique<srchilite::RegexRuleFactory>();
    lang_defs_ = std::make_unique<srchilite::LangDefManager>(rule_factory_.get());
    usable_ = true;
    return true;
  }

  // The language's state, or null. Only a file lang.map names, found in the data directory, is loaded: the
  // library would otherwise look for a missing file in the current directory, a stranger's repository.
  srchilite::HighlightStatePtr state_for(std::string_view language) {
    std::string tag(language);
    std::transform(tag.begin(), tag.end(), tag.begin(), [](unsigned char c) { return std::tolower(c); });
    tag = alias(tag);
    const auto known = states_.find(tag);
    if (known != states_.end()) return known->second;
    srchilite::HighlightStatePtr state;
    states_[tag] = state;  // a language that fails (throws below) stays plain without trying again
    const std::string file = tag.empty() ? std::string() : lang_map_->getMappedFileName(tag);
    if (file.empty() || file == "nohilite.lang" || file.find('/') != std::string::npos ||
        !is_file(data_dir_ + "/" + file))
      return state;
    state = lang_defs_->getHighlightState(data_dir_, file);
    states_[tag] = state;
    return state;
  }

  // True when `coloured` is `plain` with only our SGR sequences added: the text intact, nothing else sent.
  static bool same_text(std::string_view coloured, std::string_view plain) {
    size_t p = 0;
    for (size_t i = 0; i < coloured.size();) {
      if (coloured[i] == '\x1b') {
        size_t j = i + 1;
        if (j >= coloured.size() || coloured[j] != '[') return false;
        ++j;
        while (j < coloured.size() && (std::isdigit(static_cast<unsigned char>(coloured[j])) || coloured[j] == ';'))
          ++j;
        if (j >= coloured.size() || coloured[j] != 'm') return false;
        i = j + 1;
        continue;
      }
      if (p >= plain.size() || coloured[i] != plain[p]) return false;
      ++i;
      ++p;
    }
    return p == plain.size();
  }

  std::mutex mutex_;
  bool tried_ = false;
  bool usable_ = false;
  std::string data_dir_;
  LineBuffer buffer_;  // the line being highlighted: the formatters write here
  std::unique_ptr<srchilite::LangMap> lang_map_;
  std::unique_ptr<srchilite::FormatterManager> formatters_;
  std::unique_ptr<srchilite::RegexRuleFactory> rule_factory_;
  std::unique_ptr<srchilite::LangDefManager> lang_defs_;
  std::map<std::string, srchilite::HighlightStatePtr> states_;
  std::chrono::nanoseconds spent_{0};                 // CPU time spent colouring, in this process
  std::chrono::nanoseconds allowance_{kTimeFloor};  // what it may be: the floor and the code offered's share
};

}  // namespace

std::optional<std::vector<std::string>> highlight_code(std::string_view code, std::string_view language) {
  if (language.empty() || code.size() > kMaxBlockBytes) return std::nullopt;
  std::vector<std::string> lines;  // made safe before the library sees them
  for (std::string_view rest = code;;) {
    const size_t nl = rest.find('\n');
    lines.push_back(qwen::sdk::terminal_safe(rest.substr(0, nl)));
    if (lines.back().size() > kMaxLineBytes) return std::nullopt;
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  try {
    return Highlighters::instance().highlight(lines, language);
  } catch (...) {  // the library throws on a missing or bad data file, a bad regular expression...
    return std::nullopt;
  }
}

}  // namespace tty_frontend
