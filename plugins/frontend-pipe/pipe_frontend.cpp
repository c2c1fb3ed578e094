// pipe — the headless front-end: one prompt in (from -p and/or standard
// input), one answer out, then exit with a status from the README's table.
// Sign-in steps that need no answer (a device code to open) are shown on
// stderr, and with stream-json also as events on stdout; questions cannot be
// asked here and say what to do instead.
#include <qwen/plugin.hpp>
#include <qwen/sdk/device_flow.hpp>
#include <qwen/sdk/terminal_text.hpp>

#include <unistd.h>

#include <iostream>

#include "answer_renderer.hpp"
#include "prompt_input.hpp"
#include "ui_event.hpp"

namespace pipe_frontend {

class PipeFrontend : public qwen::sdk::FrontendPlugin {
 public:
  static constexpr const char *kId = "pipe";
  static constexpr const char *kName = "Pipe (headless)";
  static constexpr const char *kVersion = QWEN_PLUGIN_VERSION;

  explicit PipeFrontend(qwen::sdk::Host host) : FrontendPlugin(host) {}

  int run() override {
    PromptInput input = read_prompt(STDIN_FILENO, host().config("qwen.prompt"));
    if (!input.error.empty()) return fail(QWEN_EXIT_BAD_INPUT, input.error);
    if (input.prompt.empty())
      return fail(QWEN_EXIT_BAD_INPUT, "no prompt: pass -p \"TEXT\", or pipe text into qwen (echo hi | qwen)");
    AnswerRenderer renderer(host().config_or("qwen.output_format", "text"));
    std::string error;
    qwen_status status = host().chat_send(
        input.prompt, [&renderer](const qwen_event &e) { return renderer.on_event(e); }, &error);
    renderer.finish(status, error);
    if (renderer.write_failed()) return QWEN_EXIT_ERROR;  // stdout closed or full: a write failure, not a cancel
    return qwen_exit_status_for(status);
  }

  std::string ui(const qwen_ui_request &r) override {
    if (host().config_or("qwen.output_format", "text") == "stream-json") {
      if (auto line = ui_event_line(r)) std::cout << *line << std::endl;
    }
    // What a server said reaches a terminal with its control characters shown, not run.
    const bool terminal = isatty(STDERR_FILENO) == 1;
    auto shown = [terminal](const char *s) {
      return terminal ? qwen::sdk::terminal_safe(s ? s : "") : std::string(s ? s : "");
    };
    std::string text = shown(r.text);
    switch (r.kind) {
      case QWEN_UI_DEVICE_CODE:
        std::cerr << (text.empty() ? "To sign in, open this URL in a browser:" : text) << "\n\n  " << shown(r.url)
                  << "\n\n";
        if (r.code) std::cerr << "and confirm the code: " << shown(r.code) << "\n";
        if (r.expires_in_s > 0)
          std::cerr << "(the code expires in " << qwen::sdk::describe_code_lifetime(r.expires_in_s) << ")\n";
        std::cerr.flush();
        return {};
      case QWEN_UI_NOTICE:
      case QWEN_UI_PROGRESS:
        std::cerr << "qwen: " << text << "\n";
        return {};
      case QWEN_UI_WARNING:
        std::cerr << "qwen: warning: " << text << "\n";
        return {};
      default:
        throw qwen::sdk::Error(QWEN_ERR_UNSUPPORTED,
                               "cannot ask \"" + text +
                                   "\" without a terminal; run the command in a terminal, or "
                                   "configure it in the environment (e.g. OPENAI_API_KEY) or in ~/.qwen/config.toml");
    }
  }

 private:
  static int fail(int code, const std::string &message) {
    std::cerr << "qwen: error: " << message << "\n";
    return code;
  }
};

}  // namespace pipe_frontend

QWEN_EXPORT_PLUGIN(pipe_frontend::PipeFrontend)
