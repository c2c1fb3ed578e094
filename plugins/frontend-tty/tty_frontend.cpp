// tty — the interactive front-end, first version: a line loop over the
// host's session. Each line is sent as a turn and the answer is written as it
// streams; slash commands map onto the host's session commands. Works on any
// input (a terminal or a pipe), so it can be tested without one.
#include <qwen/plugin.hpp>

#include <iostream>
#include <string>

namespace tty_frontend {

class TtyFrontend : public qwen::sdk::FrontendPlugin {
 public:
  static constexpr const char *kId = "tty";
  static constexpr const char *kName = "Terminal";
  static constexpr const char *kVersion = QWEN_PLUGIN_VERSION;

  explicit TtyFrontend(qwen::sdk::Host host) : FrontendPlugin(host) {}

  int run() override {
    std::cout << "qwen " << host().config_or("qwen.version", "") << " — sign-in: " << host().config_or("qwen.auth", "?")
              << ". Type /help for commands, /quit to leave.\n";
    std::string line;
    while (prompt(line)) {
      if (line.empty()) continue;
      if (line[0] == '/') {
        if (!slash_command(line)) break;
        continue;
      }
      send(line);
    }
    std::cout << "\n";
    return QWEN_EXIT_OK;
  }

  std::string ui(const qwen_ui_request &r) override {
    std::string text = r.text ? r.text : "";
    if (r.kind == QWEN_UI_DEVICE_CODE) {
      std::cout << "Open " << (r.url ? r.url : "") << " and confirm the code " << (r.code ? r.code : "") << "\n";
      return {};
    }
    if (r.kind < QWEN_UI_ASK) {
      std::cout << text << "\n";
      return {};
    }
    std::cout << text << (r.default_answer ? std::string(" [") + r.default_answer + "]" : "") << " ";
    std::cout.flush();
    std::string answer;
    if (!std::getline(std::cin, answer)) throw qwen::sdk::Error(QWEN_ERR_CANCELLED, "no answer");
    if (answer.empty() && r.default_answer) answer = r.default_answer;
    return answer;
  }

 private:
  static bool prompt(std::string &line) {
    std::cout << "> ";
    std::cout.flush();
    return static_cast<bool>(std::getline(std::cin, line));
  }

  void send(const std::string &text) {
    std::string error;
    bool ends_with_newline = true;
    qwen_status s = host().chat_send(
        text,
        [&](const qwen_event &e) {
          if (e.type == QWEN_EVENT_DELTA && e.text && *e.text) {
            std::cout << e.text;
            std::cout.flush();
            ends_with_newline = e.text[std::char_traits<char>::length(e.text) - 1] == '\n';
          }
          return true;
        },
        &error);
    if (!ends_with_newline) std::cout << "\n";
    if (s == QWEN_ERR_CANCELLED)
      std::cout << "(cancelled)\n";
    else if (s != QWEN_OK)
      std::cout << "error: " << error << "\n";
  }

  // false: leave the loop.
  bool slash_command(const std::string &line) {
    auto space = line.find(' ');
    std::string name = line.substr(1, space == std::string::npos ? std::string::npos : space - 1);
    std::string arg = space == std::string::npos ? "" : line.substr(space + 1);
    if (name == "quit" || name == "exit") return false;
    if (name == "help") {
      std::cout << "/auth [id]  list or switch the sign-in method (the conversation stays)\n"
                   "/model [m]  show or set the model\n/clear      forget the conversation\n"
                   "/stats      requests and tokens of this session\n/quit       leave\n";
      return true;
    }
    if (name == "auth" && !arg.empty()) return run_command("auth.select", arg, "switched to " + arg);
    if (name == "auth") return run_command("auth.list", "", "");
    if (name == "model")
      return run_command(arg.empty() ? "model.get" : "model.set", arg, arg.empty() ? "" : "model: " + arg);
    if (name == "clear") return run_command("session.clear", "", "conversation cleared");
    if (name == "stats") return run_command("session.stats", "", "");
    std::cout << "unknown command /" << name << " (try /help)\n";
    return true;
  }

  bool run_command(const std::string &verb, const std::string &arg, const std::string &done) {
    std::vector<qwen::sdk::Header> out;
    std::string error;
    if (host().command(verb, arg, &out, &error) != QWEN_OK) {
      std::cout << "error: " << error << "\n";
      return true;
    }
    for (const auto &kv : out) {
      std::string value = kv.value;
      for (char &c : value)
        if (c == '\t') c = ' ';
      std::cout << "  " << kv.name << ": " << value << "\n";
    }
    if (!done.empty()) std::cout << done << "\n";
    return true;
  }
};

}  // namespace tty_frontend

QWEN_EXPORT_PLUGIN(tty_frontend::TtyFrontend)
