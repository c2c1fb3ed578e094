// shout — an example front-end plugin: it sends the -p prompt (or "hello")
// and prints the answer in capitals. Everything a front-end needs is here:
// a class, the host's services through qwen::sdk::Host, and one macro.
#include <qwen/plugin.hpp>

#include <cctype>
#include <iostream>

class ShoutFrontend : public qwen::sdk::FrontendPlugin {
 public:
  static constexpr const char *kId = "shout";
  static constexpr const char *kName = "Shout (example)";
  static constexpr const char *kVersion = "1.0.0";

  explicit ShoutFrontend(qwen::sdk::Host host) : FrontendPlugin(host) {}

  int run() override {
    std::string prompt = host().config_or("qwen.prompt", "hello");
    std::string error;
    qwen_status status = host().chat_send(
        prompt,
        [](const qwen_event &e) {
          if (e.type == QWEN_EVENT_DELTA) {
            for (char c : qwen::sdk::event_text(e))  // the whole delta, with its length
              std::cout << static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            std::cout.flush();
          }
          return true;
        },
        &error);
    std::cout << "\n";
    if (status != QWEN_OK) std::cerr << "shout: " << error << "\n";
    return qwen_exit_status_for(status);
  }

  std::string ui(const qwen_ui_request &request) override {
    if (request.text) std::cerr << "shout: " << request.text << "\n";
    if (request.kind >= QWEN_UI_ASK) throw qwen::sdk::Error(QWEN_ERR_UNSUPPORTED, "shout cannot ask questions");
    return {};
  }
};

QWEN_EXPORT_PLUGIN(ShoutFrontend)
