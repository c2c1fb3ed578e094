#include "ui_requests.hpp"

#include <qwen/plugin.hpp>
#include <qwen/sdk/device_flow.hpp>

#include <cstdlib>
#include <sstream>

#include "answer_keys.hpp"
#include "menu.hpp"
#include "qr_code.hpp"
#include "terminal.hpp"

namespace tty_frontend {
namespace {

using qwen::sdk::Error;

[[noreturn]] void cancelled() {
  throw Error(QWEN_ERR_CANCELLED, "cancelled by the user");
}

bool colors_wanted() {
  const char *term = std::getenv("TERM");
  return std::getenv("NO_COLOR") == nullptr && term && std::string(term) != "dumb";
}

}  // namespace

std::string format_device_code(const std::string &text, const std::string &url, const std::string &code,
                               int64_t expires_in_s) {
  std::string out = (text.empty() ? std::string("To sign in, open this URL in a browser:") : text) + "\n\n";
  out += "  " + url + "\n\n";
  if (!code.empty()) out += "  Code: " + code + "\n";
  if (expires_in_s > 0) out += "  (the code expires in " + qwen::sdk::describe_code_lifetime(expires_in_s) + ")\n";
  return out;
}

void UiRequests::end_progress() {
  if (!progress_open_) return;
  write_out("\n");
  progress_open_ = false;
}

void UiRequests::show_device_code(const qwen_ui_request &r) {
  const std::string url = r.url ? r.url : "";
  write_out("\n" + shown(format_device_code(r.text ? r.text : "", url, r.code ? r.code : "", r.expires_in_s)));
  if (stdout_is_terminal() && !url.empty()) {
    QrDrawing qr = draw_qr_code(url, colors_wanted());
    if (!qr.lines.empty() && qr.width + 4 <= terminal_columns()) {
      std::string block = "\n  Or scan it with a phone:\n\n";
      for (const auto &line : qr.lines) block += "  " + line + "\n";
      write_out(block);
    }
  }
  write_out("\nWaiting for the sign-in to be approved... (Ctrl-C cancels)\n");
}

std::string UiRequests::ask(const qwen_ui_request &r) {
  AnswerKeys::Pause pause;  // a question in the middle of a turn reads the keyboard itself
  const std::string text = r.text ? r.text : "";
  const std::string def = r.default_answer ? r.default_answer : "";
  switch (r.kind) {
    case QWEN_UI_ASK_SECRET: {
      auto answer = read_hidden_line(text + " ");
      if (!answer) cancelled();
      return *answer;
    }
    case QWEN_UI_CONFIRM: {
      const bool yes_default = def == "y" || def == "yes";
      for (int attempt = 0; attempt < 5; ++attempt) {
        ReadResult a = editor_.read_line(text + (yes_default ? " [Y/n] " : " [y/N] "));
        if (a.status != ReadStatus::Line) cancelled();
        std::string s = a.text;
        if (s.empty()) return yes_default ? "y" : "n";
        if (s == "y" || s == "Y" || s == "yes") return "y";
        if (s == "n" || s == "N" || s == "no") return "n";
      }
      cancelled();
    }
    case QWEN_UI_CHOOSE: {
      std::vector<MenuItem> items;
      std::istringstream lines(r.choices ? r.choices : "");
      std::string line;
      while (std::getline(lines, line)) {
        if (line.empty()) continue;
        auto tab = line.find('\t');
        items.push_back({line.substr(0, tab), tab == std::string::npos ? line : line.substr(tab + 1), "", true, ""});
      }
      if (items.empty()) throw Error(QWEN_ERR_INVALID_ARGUMENT, "a choice without choices");
      auto id = run_menu(editor_, text, items, def);
      if (!id) cancelled();
      return *id;
    }
    default: {
      ReadResult a = editor_.read_line(text + (def.empty() ? " " : " [" + def + "] "));
      if (a.status != ReadStatus::Line) cancelled();
      return a.text.empty() ? def : a.text;
    }
  }
}

std::string UiRequests::handle(const qwen_ui_request &r) {
  const std::string text = shown(r.text ? r.text : "");
  if (r.kind == QWEN_UI_PROGRESS) {
    // Rewrites one line on a terminal; elsewhere each step is a line of its own.
    write_out(stdout_is_terminal() ? "\r\x1b[K" + text : text + "\n");
    progress_open_ = stdout_is_terminal();
    return {};
  }
  end_progress();
  switch (r.kind) {
    case QWEN_UI_NOTICE:
      write_out(text + "\n");
      return {};
    case QWEN_UI_WARNING:
      write_out("warning: " + text + "\n");
      return {};
    case QWEN_UI_DEVICE_CODE:
      show_device_code(r);
      return {};
    case QWEN_UI_ASK:
    case QWEN_UI_ASK_SECRET:
    case QWEN_UI_CONFIRM:
    case QWEN_UI_CHOOSE:
      return ask(r);
    default:
      if (!text.empty()) write_out(text + "\n");
      return {};
  }
}

}  // namespace tty_frontend
