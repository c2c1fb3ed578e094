#include "slash_commands.hpp"

#include <map>

#include <qwen/sdk/terminal_text.hpp>

#include "terminal.hpp"
#include "text.hpp"

namespace tty_frontend {

const std::vector<SlashCommandInfo> &slash_command_table() {
  static const std::vector<SlashCommandInfo> table = {
      {"/help", "", "this list"},
      {"/auth", "[method [login]]",
       "choose the sign-in method or one of its logins (the conversation stays); remembered for the next start"},
      {"/model", "[name]", "show the model, or use another one"},
      {"/clear", "", "forget the conversation and clear the screen"},
      {"/stats", "", "requests and tokens of this session; the day's Qwen OAuth requests"},
      {"/copy", "[code]", "put the last answer (or its last code block) on the clipboard (OSC 52)"},
      {"/quit", "", "leave (also /exit, Ctrl-D, or Ctrl-C twice at an empty prompt)"},
  };
  return table;
}

std::optional<SlashCommand> parse_slash_command(const std::string &raw) {
  const std::string line = trim(raw);
  if (line.size() < 2 || line[0] != '/' || line[1] == '/' || line[1] == ' ') return std::nullopt;
  auto space = line.find_first_of(" \t");
  SlashCommand c;
  c.name = line.substr(1, space == std::string::npos ? std::string::npos : space - 1);
  c.arg = space == std::string::npos ? "" : trim(line.substr(space));
  return c;
}

std::vector<std::string> slash_completions(const std::string &before, const std::vector<std::string> &auth_ids,
                                           const std::vector<std::string> &model_ids) {
  if (before.empty() || before[0] != '/') return {};
  auto space = before.find(' ');
  if (space == std::string::npos) {
    std::vector<std::string> names;
    for (const auto &c : slash_command_table()) names.emplace_back(c.name);
    names.emplace_back("/exit");
    return names;
  }
  if (before.find(' ', space + 1) != std::string::npos) return {};  // one argument at most
  if (before.compare(0, space, "/auth") == 0) return auth_ids;
  if (before.compare(0, space, "/model") == 0) return model_ids;
  return {};
}

std::string help_text() {
  std::string out = "Commands (Tab completes them):\n";
  for (const auto &c : slash_command_table()) {
    std::string usage = std::string(c.name) + (*c.args ? std::string(" ") + c.args : "");
    usage.resize(std::max<size_t>(usage.size() + 2, 18), ' ');
    out += "  " + usage + c.help + "\n";
  }
  out +=
      "Keys: Enter sends; a line ending in \\ continues on the next line (a paste is sent whole);\n"
      "      Up/Down walk the history; Ctrl-C stops an answer or clears the line.\n";
  return out;
}

std::string format_stats(const std::vector<qwen::sdk::Header> &pairs) {
  std::map<std::string, std::string> v;
  for (const auto &kv : pairs) v.emplace(kv.name, kv.value);
  auto get = [&v](const std::string &k, const std::string &fallback = "0") {
    auto it = v.find(k);
    return it == v.end() || it->second.empty() ? fallback : it->second;
  };
  std::string out = "This session:\n";
  out += "  turns      " + get("turns") + "\n";
  out += "  requests   " + get("requests") + "\n";
  out += "  tokens     " + get("total_tokens") + " (prompt " + get("prompt_tokens") + ", completion " +
         get("completion_tokens") + ")\n";
  const std::string method = get("auth.method", "");
  if (!method.empty()) out += "Sign-in:     " + get("auth.name", method) + " (" + method + ")\n";
  if (v.count("auth.state")) out += "  state      " + get("auth.state") + "\n";
  if (v.count("auth.model")) out += "  model      " + get("auth.model") + "\n";
  if (v.count("auth.requests_today")) out += "Qwen OAuth requests: " + get("auth.requests_today") + "\n";
  return out;
}

CommandOutcome SlashCommands::run(const SlashCommand &c) {
  if (c.name == "quit" || c.name == "exit" || c.name == "q") return CommandOutcome::Quit;
  if (c.name == "help" || c.name == "?") {
    write_out(help_text());
  } else if (c.name == "auth") {
    if (c.arg.empty()) {
      sign_in_.choose(false);
    } else {
      // "/auth METHOD LOGIN": a named login of the method (qwen auth list shows them).
      const size_t space = c.arg.find(' ');
      const std::string login = space == std::string::npos ? "" : c.arg.substr(c.arg.find_first_not_of(' ', space));
      sign_in_.use(c.arg.substr(0, space), login);
    }
  } else if (c.name == "model") {
    model(c.arg);
  } else if (c.name == "clear") {
    clear();
  } else if (c.name == "stats") {
    stats();
  } else {
    write_out("Unknown command /" + c.name + " (type /help for the list).\n");
  }
  return CommandOutcome::Continue;
}

void SlashCommands::model(const std::string &arg) {
  if (arg.empty()) {
    CommandResult r = session_.run("model.get");
    std::string m = r.value("model");
    write_out(r.ok() ? "Model: " + (m.empty() ? std::string("(the sign-in method's default)") : m) + "\n"
                     : "error: " + r.error + "\n");
    // The method's list, when it has one (its own, or the provider's GET /models); a name from a server
    // is shown with its control characters made visible.
    const auto &models = session_.models();
    if (!models.empty()) {
      std::string list = "Models (/model NAME uses one; Tab completes):\n";
      for (const auto &kv : models)
        list += std::string(kv.name == m ? "  * " : "    ") + qwen::sdk::terminal_safe(kv.name) +
                (kv.value.empty() ? "" : "  " + qwen::sdk::terminal_safe(kv.value)) + "\n";
      write_out(list);
    }
    return;
  }
  CommandResult r = session_.run("model.set", arg);
  write_out(r.ok() ? "Model set to " + arg + " for this session.\n" : "error: " + r.error + "\n");
}

void SlashCommands::clear() {
  CommandResult r = session_.run("session.clear");
  if (!r.ok()) {
    write_out("error: " + r.error + "\n");
    return;
  }
  if (stdout_is_terminal()) write_out("\x1b[H\x1b[2J");
  write_out("Conversation cleared.\n");
}

void SlashCommands::stats() {
  CommandResult r = session_.run("session.stats");
  write_out(r.ok() ? format_stats(r.pairs) : "error: " + r.error + "\n");
}

}  // namespace tty_frontend
