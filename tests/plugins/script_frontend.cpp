// A test front-end that runs a script from -p, one step per ';':
//   "say TEXT"         -> chat_send, printing "answer: ..." or "error N: ..."
//   "VERB [ARG]"       -> host command, printing "VERB -> status" and each "key=value"
// so the host's session commands (auth.select, model.set, session.clear, ...)
// are tested through the real ABI without a terminal.
#include <qwen/plugin.hpp>

#include <iostream>
#include <sstream>

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
      if (verb == "say") {
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
    std::cout.flush();
    return last;
  }

  std::string ui(const qwen_ui_request &request) override {
    if (request.text) std::cout << "ui: " << request.text << "\n";
    if (request.kind >= QWEN_UI_ASK) throw qwen::sdk::Error(QWEN_ERR_UNSUPPORTED, "script cannot answer");
    return {};
  }
};

QWEN_EXPORT_PLUGIN(ScriptFrontend)
