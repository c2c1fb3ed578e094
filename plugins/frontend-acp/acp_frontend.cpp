// acp — the Agent Client Protocol front-end (`qwen --acp`): an editor (Zed,
// JetBrains, Neovim, Emacs) runs qwen as a subprocess and speaks JSON-RPC 2.0
// over stdio, one message per line. stdout carries the protocol only; every
// log line goes to stderr through the host.
//
// Threads: a Boost.Asio reader reads stdin and parses each line; lines that do
// not parse are answered at once, session/cancel cancels the turn in flight
// through the host's thread-safe cancel_turn(), and everything else is queued
// for the main thread, where every host call runs.
#include <qwen/plugin.hpp>

#include <unistd.h>

#include <atomic>
#include <memory>

#include "agent.hpp"
#include "inbox.hpp"
#include "line_framer.hpp"
#include "message_writer.hpp"
#include "stdio_reader.hpp"
#include "turn_control.hpp"

namespace acp {

class AcpFrontend : public qwen::sdk::FrontendPlugin {
 public:
  static constexpr const char *kId = "acp";
  static constexpr const char *kName = "Agent Client Protocol (editors)";
  static constexpr const char *kVersion = QWEN_PLUGIN_VERSION;

  explicit AcpFrontend(qwen::sdk::Host host) : FrontendPlugin(host) {}

  int run() override {
    const qwen::sdk::Host h = host();
    MessageWriter writer(STDOUT_FILENO);
    TurnControl turns([h] { h.cancel_turn(); });
    Inbox inbox;
    std::atomic<std::uint64_t> seq{0};
    Agent agent(
        [h](const std::string &verb, const std::string &arg, Pairs *out, std::string *error) {
          Pairs ignored;
          std::string words;
          qwen_status s = h.command(verb, arg, out ? out : &ignored, &words);
          if (error) *error = words;
          return s;
        },
        [h](const std::string &text, const std::function<bool(const qwen_event &)> &on_event, std::string *error) {
          return h.chat_send(text, on_event, error);
        },
        writer, turns, kVersion);

    StdioReader reader(
        STDIN_FILENO,
        [&](std::string &&line, bool too_long) {
          const std::uint64_t n = ++seq;
          if (too_long) {
            writer.write(
                make_error(nullptr, kInvalidRequest,
                           "Invalid request: a line over " + std::to_string(kMaxLineBytes >> 20) + " MiB was skipped"));
            return;
          }
          Incoming m = parse_message(line);
          if (m.kind == Incoming::Kind::Invalid) {
            writer.write(make_error(m.id, m.error_code, m.error_message));
            return;
          }
          if (m.kind == Incoming::Kind::Notification && m.method == "session/cancel") {
            auto sid = m.params.is_object() ? m.params.find("sessionId") : m.params.end();
            if (m.params.is_object() && sid != m.params.end() && sid->is_string())
              turns.cancel(sid->get<std::string>(), n);
            return;
          }
          if (m.kind == Incoming::Kind::Notification && m.method == "$/cancel_request") {
            auto id = m.params.is_object() ? m.params.find("requestId") : m.params.end();
            if (m.params.is_object() && id != m.params.end()) turns.cancel_request(id->dump());
            return;
          }
          if (m.kind == Incoming::Kind::Request) turns.pending(m.id.dump());
          inbox.push(std::move(m), n);
        },
        [&] {
          // The client closed stdin: the turn in flight stops and its request is answered "cancelled" in
          // whole; requests read before the end are still answered (prompts "cancelled" without running),
          // then the loop ends and qwen exits 0.
          turns.cancel_all();
          inbox.close();
        });
    agent_ = &agent;
    reader.start();
    // The loop also wakes now and then to see whether the process was asked to end (SIGTERM, SIGHUP: an
    // editor stopping its agent); the host then ends it as the README's exit statuses say.
    int status = QWEN_EXIT_OK;
    for (;;) {
      if (writer.broken()) {
        // Nobody reads the answers any more (the editor closed qwen's stdout): a write failure (README: 1).
        h.error("standard output was closed; the client can no longer be answered");
        status = QWEN_EXIT_ERROR;
        break;
      }
      if (auto q = inbox.pop(std::chrono::milliseconds(100))) {
        agent.handle(*q);
        continue;
      }
      if (inbox.finished()) break;
      if (h.quit_requested().value_or(false)) {
        status = QWEN_EXIT_CANCELLED;
        break;
      }
    }
    agent_ = nullptr;
    return status;
  }

  std::string ui(const qwen_ui_request &r) override {
    const std::string text = r.text ? r.text : "";
    switch (r.kind) {
      case QWEN_UI_DEVICE_CODE:
        if (agent_ && agent_->on_device_code(r.url ? r.url : "", r.code ? r.code : "", r.expires_in_s)) return {};
        host().info("to sign in, open " + std::string(r.url ? r.url : "") +
                    (r.code ? std::string(" and confirm the code ") + r.code : std::string()));
        return {};
      case QWEN_UI_NOTICE:
      case QWEN_UI_PROGRESS:
        host().info(text);
        return {};
      case QWEN_UI_WARNING:
        host().warning(text);
        return {};
      default:
        // The editor owns the screen; questions are asked in its terminal (terminal auth) or not at all.
        throw qwen::sdk::Error(QWEN_ERR_UNSUPPORTED,
                               "cannot ask \"" + text +
                                   "\" over the Agent Client Protocol; sign in from the editor's terminal "
                                   "(qwen auth login) or set the method's environment variables");
    }
  }

 private:
  Agent *agent_ = nullptr;
};

}  // namespace acp

QWEN_EXPORT_PLUGIN(acp::AcpFrontend)
