// tty — the interactive front-end. A prompt with line editing and history
// (libedit), answers streamed as they arrive, Ctrl-C that stops an answer at
// once, slash commands, and the sign-in: when the selected method has no
// usable credentials at start, the user is offered the choice of methods
// instead of an error. Without a terminal (stdin piped) the same loop reads
// plain lines, which keeps it scriptable and testable.
//
// Each part lives in its own file: line_editor (input), answer_view (a turn's
// output), ui_requests (what auth plugins show and ask), qr_code, menu,
// sign_in (/auth and the first run), slash_commands, session_client (the
// host's session commands), terminal (settings, echo, hidden input).
#include <qwen/plugin.hpp>
#include <qwen/sdk/terminal_text.hpp>

#include <sys/stat.h>

#include <chrono>
#include <clocale>
#include <memory>
#include <optional>
#include <string>

#include "answer_keys.hpp"
#include "answer_view.hpp"
#include "clipboard_osc52.hpp"
#include "history_file.hpp"
#include "line_editor.hpp"
#include "session_client.hpp"
#include "sign_in.hpp"
#include "slash_commands.hpp"
#include "terminal.hpp"
#include "ui_requests.hpp"

namespace tty_frontend {

class TtyFrontend : public qwen::sdk::FrontendPlugin {
 public:
  static constexpr const char *kId = "tty";
  static constexpr const char *kName = "Terminal";
  static constexpr const char *kVersion = QWEN_PLUGIN_VERSION;

  explicit TtyFrontend(qwen::sdk::Host host) : FrontendPlugin(host), session_(host) {}

  int run() override {
    TerminalSnapshot snapshot;  // whatever happens below, the terminal is handed back as it was
    if (interactive_terminal()) adopt_terminal_locale();  // libedit decodes UTF-8 keys by the locale
    LineEditor editor(history_file(), [this](const std::string &before) { return completions(before); });
    UiRequests ui(editor);
    SignIn sign_in(session_, editor, ui);
    SlashCommands commands(session_, sign_in);
    ui_ = &ui;
    struct Reset {
      UiRequests *&p;
      ~Reset() { p = nullptr; }
    } reset{ui_};

    greet(sign_in);
    return loop(editor, commands);
  }

  std::string ui(const qwen_ui_request &r) override {
    if (view_) view_->pause_spinner();  // a question in the middle of a turn takes the spinner's line
    if (ui_) return ui_->handle(r);
    // Asked outside run() (nothing does that today): a one-off editor without history.
    LineEditor editor("", {});
    UiRequests once(editor);
    return once.handle(r);
  }

 private:
  std::string history_file() const {
    const std::string home = host().home_dir();
    if (home.empty()) return {};
    mkdir(home.c_str(), 0700);  // a first run may have no ~/.qwen yet
    const std::string file = home + "/tty_history";
    if (auto problem = history_file_problem(file)) {  // a link, a folder, a FIFO: not touched, said once
      host().warning(*problem);
      return {};
    }
    return file;
  }

  std::vector<std::string> completions(const std::string &before) const {
    std::vector<std::string> ids, models;
    if (before.rfind("/auth ", 0) == 0)
      for (const auto &m : session_.auth_methods()) ids.push_back(m.id);
    if (before.rfind("/model ", 0) == 0)
      for (const auto &kv : session_.models()) models.push_back(kv.name);
    return slash_completions(before, ids, models);
  }

  void greet(SignIn &sign_in) {
    write_out("qwen " + host().config_or("qwen.version", "") +
              " - ask anything; /help lists the commands, Ctrl-D leaves.\n");
    CommandResult check = session_.run("auth.check");
    // auth.status, not auth.list: a start opens only the selected plugin, however many are installed.
    const CommandResult status = session_.run("auth.status");
    std::string name = status.value("name");
    if (name.empty()) name = session_.current_auth();
    if (check.ok()) {
      const std::string model = check.value("model");
      const std::string account = status.value("account");
      write_out("Signed in with " + name + (account.empty() ? "" : " as " + qwen::sdk::terminal_safe(account)) +
                (model.empty() ? "" : "; model " + model) + ".\n");
      return;
    }
    if (check.status == QWEN_ERR_AUTH_REQUIRED && !name.empty()) {
      // One short line above a menu that offers the sign-in itself; the method's full reason (which file is
      // missing) is for --debug.
      write_out("No sign-in yet.\n");
      host().debug(name + ": " + check.error);
    } else if (check.status == QWEN_ERR_AUTH_REQUIRED) {
      // No method is selected at all (the default one is not installed): what to set or install is news.
      write_out("No sign-in yet: " + check.error + "\n");
    } else {
      write_out("The sign-in method " + name + " cannot be used now: " + check.error + "\n");
    }
    if (!sign_in.choose(true)) write_out("You can sign in later with /auth.\n");
  }

  int loop(LineEditor &editor, SlashCommands &commands) {
    int empty_interrupts = 0;
    while (true) {
      ReadResult r = editor.read_message("> ", ". ");
      switch (r.status) {
        case ReadStatus::EndOfInput:
          return QWEN_EXIT_OK;
        case ReadStatus::Terminated:
          // SIGTERM or SIGHUP: leave. A lone `kill -INT` from another process is taken as Ctrl-C was.
          if (host().quit_requested().value_or(true)) return QWEN_EXIT_CANCELLED;
          r.text.clear();
          [[fallthrough]];
        case ReadStatus::Interrupted:
          if (!r.text.empty()) {
            empty_interrupts = 0;  // Ctrl-C on a line drops the line, as in a shell
            continue;
          }
          // A second Ctrl-C leaves: at an empty prompt, or within two seconds of one that stopped an answer
          // (the host's own rule for two SIGINTs).
          if (++empty_interrupts >= 2 || std::chrono::steady_clock::now() - last_cancel_ < kSecondCtrlC)
            return QWEN_EXIT_OK;
          write_out("(press Ctrl-C again to leave, or type /quit)\n");
          continue;
        case ReadStatus::Line:
          break;
      }
      empty_interrupts = 0;
      if (r.text.find_first_not_of(" \t\n") == std::string::npos) continue;
      if (auto command = parse_slash_command(r.text)) {
        if (command->name == "copy") {  // needs the last answer, which the front-end keeps
          const CopyOutcome copy = copy_command(last_answer_, command->arg, stdout_is_terminal());
          write_out(copy.sequence + copy.message);
          continue;
        }
        if (commands.run(*command) == CommandOutcome::Quit) return QWEN_EXIT_OK;
        continue;
      }
      if (auto leave = send(editor, r.text)) return *leave;
    }
  }

  // An exit status when the session must end after this turn.
  std::optional<int> send(LineEditor &editor, const std::string &text) {
    AnswerView view;
    view_ = &view;
    struct Forget {
      AnswerView *&p;
      ~Forget() { p = nullptr; }
    } forget{view_};
    std::string error;
    qwen_status s;
    AnswerKeys keys;
    s = host().chat_send(
        text, [&view](const qwen_event &e) { return view.on_event(e); }, &error);
    keys.stop();
    if (!view.text().empty()) last_answer_ = view.text();
    editor.push_typeahead(keys.typeahead());
    if (ui_) ui_->end_progress();
    if (s == QWEN_ERR_CANCELLED && editor.on_terminal()) {
      // Not the user's Ctrl-C: SIGTERM or SIGHUP stopped the turn, so the run ends. A `kill -INT` from another
      // process is a Ctrl-C that did not come through the keyboard: it stops the answer, the session goes on
      // (a 1.0 host cannot tell the two apart: leave, as before).
      if (keys.ctrl_c_presses() == 0 && host().quit_requested().value_or(true)) {
        view.finish(s, error);
        return QWEN_EXIT_CANCELLED;
      }
      if (keys.ctrl_c_presses() >= 2) {
        view.finish(s, error);
        write_out("(Ctrl-C twice: leaving)\n");
        return QWEN_EXIT_OK;
      }
    }
    if (s == QWEN_ERR_CANCELLED) last_cancel_ = std::chrono::steady_clock::now();
    view.finish(s, error);
    return std::nullopt;
  }

  static constexpr std::chrono::seconds kSecondCtrlC{2};

  SessionClient session_;
  UiRequests *ui_ = nullptr;
  AnswerView *view_ = nullptr;  // the turn being shown, if any
  std::string last_answer_;      // its raw text, for /copy
  std::chrono::steady_clock::time_point last_cancel_{};
};

}  // namespace tty_frontend

QWEN_EXPORT_PLUGIN(tty_frontend::TtyFrontend)
