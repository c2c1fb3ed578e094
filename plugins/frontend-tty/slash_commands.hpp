// slash_commands.hpp — the commands typed at the prompt (/help, /auth,
// /model, /clear, /stats, /quit): their table, parsing, Tab completion, and
// running them against the host's session.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "session_client.hpp"
#include "sign_in.hpp"

namespace tty_frontend {

struct SlashCommandInfo {
  const char *name;  // "/model"
  const char *args;  // "[name]"
  const char *help;
};
const std::vector<SlashCommandInfo> &slash_command_table();

struct SlashCommand {
  std::string name;  // without the slash, lower case as typed
  std::string arg;   // the rest, trimmed
};
// nullopt unless `line` is a slash command ("/word ...").
std::optional<SlashCommand> parse_slash_command(const std::string &line);

// The words Tab may complete `before_cursor` with: command names after a leading "/", method ids after
// "/auth ", model ids after "/model ".
std::vector<std::string> slash_completions(const std::string &before_cursor, const std::vector<std::string> &auth_ids,
                                           const std::vector<std::string> &model_ids = {});

std::string help_text();
// "session.stats" pairs as the /stats screen.
std::string format_stats(const std::vector<qwen::sdk::Header> &pairs);

enum class CommandOutcome { Continue, Quit };

class SlashCommands {
 public:
  SlashCommands(SessionClient &session, SignIn &sign_in) : session_(session), sign_in_(sign_in) {}
  CommandOutcome run(const SlashCommand &command);

 private:
  void model(const std::string &arg);
  void clear();
  void stats();

  SessionClient &session_;
  SignIn &sign_in_;
};

}  // namespace tty_frontend
