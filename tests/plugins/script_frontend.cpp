// A test front-end that runs a script from -p, one step per ';':
//   "say TEXT"         -> chat_send, printing "answer: ..." or "error N: ..."
//   "VERB [ARG]"       -> host command, printing "VERB -> status" and each "key=value"
//   "cancel_in MS"     -> another thread calls host->cancel_turn MS ms later (ABI 1.2), as an editor's
//                         reader thread does when a session/cancel arrives mid-answer
// so the host's session commands (auth.select, model.set, session.clear, ...)
// are tested through the real ABI without a terminal.
#include <qwen/plugin.hpp>

#include <chrono>
#include <iostream>
#include <sstream>
#include <thread>

class ScriptFrontend : public qwen::sdk::FrontendPlugin {
 public:
  static constexpr const char *kId = "script", *kName = "Script (test)", *kVersion = "1.0.0";
  explicit ScriptFrontend(qwen::sdk::Host host) : FrontendPlugin(host) {}

  int run() override {
    std::stringstream script(host().config_or("qwen.prompt", ""));
    std::string step;
    int last = 0;
    while (std::getline(script, step, ';')) {
      while (!step.empty() && step.front() == ' ') step.erase(0, 1);
      auto space = step.find(' ');
      std::string verb = step.substr(0, space);
      std::string arg = space == std::string::npos ? "" : step.substr(space + 1);
      if (verb == "cancel_in") {
        if (canceller_.joinable()) canceller_.join();
        const auto ms = std::chrono::milliseconds(std::stol(arg));
        canceller_ = std::thread([this, ms] {
          std::this_thread::sleep_for(ms);
          std::cout << (host().cancel_turn() ? "" : "cancel_turn: not offered by this host\n");
        });
      } else if (verb == "say") {
        std::string answer, error;
        qwen_status s = host().chat_send(
            arg,
            [&answer](const qwen_event &e) {
              if (e.type == QWEN_EVENT_DELTA && e.text) answer += e.text;
              return true;
            },
            &error);
        if (s == QWEN_OK)
          std::cout << "answer: " << answer << "\n";
        else
          std::cout << "error " << s << ": " << error << "\n";
        last = qwen_exit_status_for(s);
      } else {
        std::vector<qwen::sdk::Header> out;
        std::string error;
        qwen_status s = host().command(verb, arg, &out, &error);
        std::cout << verb << " -> " << s << (error.empty() ? "" : " " + error) << "\n";
        for (const auto &kv : out) std::cout << "  " << kv.name << "=" << kv.value << "\n";
      }
    }
    if (canceller_.joinable()) canceller_.join();
    std::cout.flush();
    return last;
  }

  std::string ui(const qwen_ui_request &request) override {
    if (request.text) std::cout << "ui: " << request.text << "\n";
    if (request.kind >= QWEN_UI_ASK) throw qwen::sdk::Error(QWEN_ERR_UNSUPPORTED, "script cannot answer");
    return {};
  }

 private:
  std::thread canceller_;
};

QWEN_EXPORT_PLUGIN(ScriptFrontend)
