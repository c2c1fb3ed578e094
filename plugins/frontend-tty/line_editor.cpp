#include "line_editor.hpp"

#include <histedit.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cwchar>
#include <iostream>

#include "history_file.hpp"
#include "terminal.hpp"

namespace tty_frontend {
namespace {

// Lines of a paste arrive together; a person pressing Enter and typing the next line does not.
constexpr int kPasteGapMs = 25;
constexpr int kHistorySize = 1000;

bool terminal_input_pending(int timeout_ms) {
  // Lines arriving meanwhile must not be echoed by the kernel: the editor shows them itself.
  EchoOff quiet(true);
  pollfd p{STDIN_FILENO, POLLIN, 0};
  return poll(&p, 1, timeout_ms) > 0 && (p.revents & POLLIN);
}

std::string strip_newline(std::string line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

}  // namespace

bool continues_on_next_line(const std::string &line) {
  size_t n = 0;
  for (auto it = line.rbegin(); it != line.rend() && *it == '\\'; ++it) ++n;
  return n % 2 == 1;
}

Completion complete_word(const std::string &before_cursor, const std::vector<std::string> &candidates) {
  Completion c;
  const auto space = before_cursor.find_last_of(" \t");
  const std::string word = space == std::string::npos ? before_cursor : before_cursor.substr(space + 1);
  for (const auto &cand : candidates)
    if (cand.compare(0, word.size(), word) == 0) c.matches.push_back(cand);
  if (c.matches.empty()) return c;
  std::string common = c.matches.front();
  for (const auto &m : c.matches) {
    size_t i = 0;
    while (i < common.size() && i < m.size() && common[i] == m[i]) ++i;
    common.resize(i);
  }
  c.insert = common.size() > word.size() ? common.substr(word.size()) : std::string();
  c.unique = c.matches.size() == 1;
  return c;
}

struct LineEditor::Impl {
  std::string history_file;
  Completer completer;
  bool tty = false;
  EditLine *el = nullptr;
  History *hist = nullptr;
  HistEvent ev{};
  std::string prompt;
  bool interrupted = false;
  bool signalled = false;
  std::string interrupted_text;
  std::string typeahead;
  size_t typeahead_used = 0;
  termios cooked{};  // the terminal's settings outside the editor, for Ctrl-Z
  bool have_cooked = false;

  bool input_pending(int timeout_ms) { return typeahead_used < typeahead.size() || terminal_input_pending(timeout_ms); }

  ssize_t next_byte(char &c) {
    if (typeahead_used < typeahead.size()) {
      c = typeahead[typeahead_used++];
      return 1;
    }
    return ::read(STDIN_FILENO, &c, 1);
  }

  static Impl *of(EditLine *el) {
    void *data = nullptr;
    el_get(el, EL_CLIENTDATA, &data);
    return static_cast<Impl *>(data);
  }

  static char *prompt_fn(EditLine *el) { return of(el)->prompt.data(); }

  // Our own read, so that a signal while waiting (EINTR) ends the read instead of being retried, and
  // so that nothing is buffered that a later read(2) of the same descriptor would miss.
  static int read_char_fn(EditLine *el, wchar_t *out) {
    Impl *self = of(el);
    char bytes[MB_LEN_MAX];
    size_t have = 0;
    while (true) {
      char c;
      ssize_t n = self->next_byte(c);
      if (n < 0 && errno == EINTR) {
        self->signalled = true;
        return 0;
      }
      if (n <= 0) return n == 0 ? 0 : -1;
      bytes[have++] = c;
      std::mbstate_t state{};
      wchar_t wc = 0;
      size_t used = std::mbrtowc(&wc, bytes, have, &state);
      if (used == static_cast<size_t>(-2) && have < sizeof bytes) continue;  // the rest of a UTF-8 sequence
      if (used == static_cast<size_t>(-1) || used == static_cast<size_t>(-2)) wc = static_cast<unsigned char>(c);
      *out = wc;
      return 1;
    }
  }

  static unsigned char interrupt_fn(EditLine *el, int) {
    Impl *self = of(el);
    self->interrupted = true;
    try {
      const LineInfo *li = el_line(el);
      self->interrupted_text.assign(li->buffer, static_cast<size_t>(li->lastchar - li->buffer));
    } catch (...) {  // nothing may unwind through libedit's C frames
    }
    return CC_EOF;
  }

  // Ctrl-Z: libedit's own binding (ed-tty-sigtstp) does nothing, and with signals off while editing the
  // terminal sends no SIGTSTP either, so the key was lost and the `fg` typed next went to the model. Here it
  // does what the terminal would: the terminal gets its settings back, the job stops (the shell takes over);
  // after `fg` (SIGCONT) the editor's settings return and the prompt and line are drawn again.
  static unsigned char suspend_fn(EditLine *el, int) {
    Impl *self = of(el);
    termios editing{};
    const bool have_editing = tcgetattr(STDIN_FILENO, &editing) == 0;
    if (self->have_cooked) tcsetattr(STDIN_FILENO, TCSADRAIN, &self->cooked);
    write_out("\n");
    raise(SIGTSTP);  // stops the process here; returns once continued (`fg`)
    if (have_editing) tcsetattr(STDIN_FILENO, TCSADRAIN, &editing);
    return CC_REDISPLAY;
  }

  static unsigned char complete_fn(EditLine *el, int) {
    try {
      return complete(el);
    } catch (...) {  // nothing may unwind through libedit's C frames
      return CC_REFRESH_BEEP;
    }
  }

  static unsigned char complete(EditLine *el) {
    Impl *self = of(el);
    if (!self->completer) return CC_NORM;
    const LineInfo *li = el_line(el);
    std::string before(li->buffer, static_cast<size_t>(li->cursor - li->buffer));
    Completion c = complete_word(before, self->completer(before));
    if (c.unique) {
      el_insertstr(el, (c.insert + " ").c_str());
      return CC_REFRESH;
    }
    if (!c.insert.empty()) {
      el_insertstr(el, c.insert.c_str());
      return CC_REFRESH;
    }
    if (c.matches.size() > 1) {
      std::string list = "\n";
      for (const auto &m : c.matches) list += m + "  ";
      list += "\n";
      std::fputs(list.c_str(), stdout);
      std::fflush(stdout);
      return CC_REDISPLAY;
    }
    return CC_REFRESH_BEEP;
  }

  void open() {
    el = el_init("qwen", stdin, stdout, stderr);
    if (!el) {
      tty = false;
      return;
    }
    hist = history_init();
    ::history(hist, &ev, H_SETSIZE, kHistorySize);
    ::history(hist, &ev, H_SETUNIQUE, 1);
    if (!history_file.empty()) load_history(hist, history_file);
    el_set(el, EL_CLIENTDATA, this);
    el_set(el, EL_EDITOR, "emacs");
    el_set(el, EL_PROMPT, &Impl::prompt_fn);
    el_set(el, EL_GETCFN, &Impl::read_char_fn);
    el_set(el, EL_HIST, ::history, hist);
    // The wide form: the narrow el_set(EL_ADDFN) copies both strings and never frees them (libedit's own
    // "XXX: The two strdup's leak"); these literals live as long as the plugin.
    el_wset(el, EL_ADDFN, L"qwen-complete", L"complete a slash command", &Impl::complete_fn);
    el_wset(el, EL_ADDFN, L"qwen-interrupt", L"drop the line (Ctrl-C)", &Impl::interrupt_fn);
    el_wset(el, EL_ADDFN, L"qwen-suspend", L"suspend qwen, back with fg (Ctrl-Z)", &Impl::suspend_fn);
    // The user's ~/.editrc first, then our keys: Tab and Ctrl-C are what the front-end promises.
    el_source(el, nullptr);
    el_set(el, EL_BIND, "^I", "qwen-complete", nullptr);
    el_set(el, EL_BIND, "^C", "qwen-interrupt", nullptr);
    el_set(el, EL_BIND, "^Z", "qwen-suspend", nullptr);
    el_set(el, EL_BIND, "^R", "em-inc-search-prev", nullptr);  // as in a shell; libedit's default redraws
    // Ctrl-C reaches the editor as a key while a line is edited; outside editing it is SIGINT again.
    el_set(el, EL_SETTY, "-d", "-isig", nullptr);
  }

  ReadResult read_one(const std::string &p) {
    ReadResult r;
    if (!tty) {
      write_out(p);
      std::string line;
      if (!std::getline(std::cin, line)) return r;
      r.status = ReadStatus::Line;
      r.text = strip_newline(line);
      return r;
    }
    prompt = p;
    interrupted = false;
    signalled = false;
    interrupted_text.clear();
    el_resize(el);  // no SIGWINCH handler of ours (signals are the host's): ask for the size each time
    // What the terminal gets back on Ctrl-Z: the settings found in canonical mode, as libedit keeps them (after
    // an answer the keys are already held, see hold_keys_for_line_editor).
    termios now{};
    if (tcgetattr(STDIN_FILENO, &now) == 0 && (now.c_lflag & ICANON)) {
      cooked = now;
      have_cooked = true;
    }
    hold_keys_for_line_editor();
    int count = 0;
    const char *s = el_gets(el, &count);
    if (interrupted) {
      write_out("^C\n");
      r.status = ReadStatus::Interrupted;
      r.text = interrupted_text;
      return r;
    }
    if (s == nullptr || count <= 0) {
      write_out("\n");
      r.status = signalled ? ReadStatus::Terminated : ReadStatus::EndOfInput;
      return r;
    }
    r.status = ReadStatus::Line;
    r.text = strip_newline(std::string(s, static_cast<size_t>(count)));
    return r;
  }

  void remember(std::string entry) {
    while (!entry.empty() && (entry.back() == ' ' || entry.back() == '\t')) entry.pop_back();  // Tab adds one
    if (!hist || entry.find_first_not_of(" \t\n") == std::string::npos) return;
    ::history(hist, &ev, H_ENTER, entry.c_str());
    if (history_file.empty()) return;
    // Saved after every entry, so a crash or a closed terminal loses nothing; private, it may hold code.
    save_history(hist, history_file);  // a new 0600 file renamed over the old: never through a link
  }
};

LineEditor::LineEditor(std::string history_file, Completer completer) : impl_(std::make_unique<Impl>()) {
  impl_->history_file = std::move(history_file);
  impl_->completer = std::move(completer);
  impl_->tty = interactive_terminal();
  if (impl_->tty) impl_->open();
}

LineEditor::~LineEditor() {
  if (impl_->el) el_end(impl_->el);  // puts the terminal back as it found it
  if (impl_->hist) history_end(impl_->hist);
}

bool LineEditor::on_terminal() const {
  return impl_->tty;
}

ReadResult LineEditor::read_message(const std::string &prompt, const std::string &continuation_prompt, bool remember) {
  std::string message;
  bool first = true;
  std::string p = prompt;
  while (true) {
    ReadResult one = impl_->read_one(p);
    if (one.status != ReadStatus::Line) {
      if (one.status == ReadStatus::EndOfInput && !first) break;  // Ctrl-D ends a continued message
      if (one.status == ReadStatus::Interrupted) one.text = first ? one.text : message + "\n" + one.text;
      return one;
    }
    std::string line = one.text;
    const bool more = continues_on_next_line(line);
    if (more) line.pop_back();
    if (!first) message += "\n";
    message += line;
    first = false;
    if (more || (impl_->tty && impl_->input_pending(kPasteGapMs))) {
      p = continuation_prompt;
      continue;
    }
    break;
  }
  if (remember) impl_->remember(message);
  return {ReadStatus::Line, message};
}

ReadResult LineEditor::read_line(const std::string &prompt) {
  return impl_->read_one(prompt);
}

void LineEditor::push_typeahead(const std::string &keys) {
  if (keys.empty()) return;
  impl_->typeahead.erase(0, impl_->typeahead_used);
  impl_->typeahead_used = 0;
  impl_->typeahead += keys;
}

}  // namespace tty_frontend
