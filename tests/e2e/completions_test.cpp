// The shell completions (completions/): bash's completion function run as bash runs it on Tab (COMP_WORDS,
// COMP_CWORD, then COMPREPLY read back), fish's through `complete -C`, zsh's parsed; and the quiet listing
// they ask the real qwen for, `qwen plugins --porcelain`. The method and front-end ids must come from the
// plugins installed, so a third party's fixture plugin on QWEN_PLUGIN_PATH is offered too.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "support/qwen_runner.hpp"

using namespace qwen::test;
namespace fs = std::filesystem;

namespace {

const fs::path kCompletions = fs::path(QWEN_TEST_SOURCE_DIR) / "completions";

std::string fixture_dir(const std::string &name) {
  return std::string(QWEN_TEST_FIXTURE_PLUGIN_DIR) + "/" + name;
}

std::vector<std::string> nonempty_lines(const std::string &text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

bool has(const std::vector<std::string> &v, const std::string &word) {
  return std::find(v.begin(), v.end(), word) != v.end();
}

bool shell_exists(const std::string &name) {
  for (const char *dir : {"/usr/bin/", "/bin/", "/usr/local/bin/"})
    if (fs::exists(std::string(dir) + name)) return true;
  return false;
}

// Runs bash's completion for `words` (the last one is the word being completed) the way bash does on Tab.
struct BashCompletion {
  TempDir home;
  std::string plugin_path = fixture_dir("env_key") + ":" + std::string(QWEN_TEST_BINARY_DIR) + "/tests/tty-fixtures/shout";
  fs::path driver = home.write("complete.bash", R"(source "$1" || exit 90
shift
if [ "$1" = --spec ]; then complete -p qwen; exit; fi
COMP_WORDS=("$@")
COMP_CWORD=$(( $# - 1 ))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
_qwen
printf '%s\n' "${COMPREPLY[@]}"
)");

  ProcessResult run(const std::vector<std::string> &words, const fs::path &script = kCompletions / "qwen.bash") {
    ProcessOptions o;
    o.args = {"/bin/bash", "--noprofile", "--norc", driver.string(), script.string()};
    o.args.insert(o.args.end(), words.begin(), words.end());
    o.env = base_env(home.path());
    o.env["QWEN_PLUGIN_PATH"] = plugin_path;
    o.cwd = home.path().string();
    return run_process(o);
  }
  std::vector<std::string> operator()(const std::vector<std::string> &words) {
    auto r = run(words);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    return nonempty_lines(r.out);
  }
};

// Every long option a `--help` text names ("--auth-type", "--acp"...).
std::set<std::string> long_options(const std::string &help) {
  std::set<std::string> found;
  std::regex option(R"((^|[\s,])(--[a-z][a-z-]*))");
  for (std::sregex_iterator it(help.begin(), help.end(), option), end; it != end; ++it) found.insert((*it)[2]);
  return found;
}

// The subcommands a CLI11 `--help` lists under "Subcommands:" (one name at the start of an indented line).
std::set<std::string> subcommands(const std::string &help) {
  std::set<std::string> found;
  const auto at = help.find("Subcommands:");
  if (at == std::string::npos) return found;
  std::regex name(R"(^  ([a-z][a-z-]*)\b)");
  for (const auto &line : nonempty_lines(help.substr(at))) {
    std::smatch m;
    if (std::regex_search(line, m, name)) found.insert(m[1]);
  }
  return found;
}

void check_offered(const std::set<std::string> &wanted, const std::vector<std::string> &offered,
                   const std::string &help) {
  for (const auto &word : wanted) {
    INFO(word << " is in " << help << " but not offered by completions/qwen.bash");
    CHECK(has(offered, word));
  }
}

}  // namespace

TEST_CASE("qwen plugins --porcelain prints one kind-tab-id line per usable plugin, fast, nothing else",
          "[completions][plugins]") {
  TempDir home;
  // A plugin that fails its init and a file that is not a plugin are beside the good ones: not listed.
  const std::string path = fixture_dir("env_key") + ":" + fixture_dir("init_error") + ":" + fixture_dir("not_elf");
  const auto start = std::chrono::steady_clock::now();
  auto r = run_qwen(home, {"plugins", "--porcelain"}, with_env({{"QWEN_PLUGIN_PATH", path}}));
  const auto took = std::chrono::steady_clock::now() - start;
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  const auto lines = nonempty_lines(r.out);
  for (const auto &line : lines) CHECK(std::regex_match(line, std::regex(R"((auth|frontend)\t[a-z0-9][a-z0-9._-]*)")));
  for (const char *line : {"auth\topenai", "auth\tqwen-oauth", "auth\tcoding-plan", "auth\tenvkey", "frontend\ttty",
                           "frontend\tpipe", "frontend\tacp"})
    CHECK(has(lines, line));
  CHECK(r.out.find("initerror") == std::string::npos);
  CHECK(r.out.find("notelf") == std::string::npos);
  CHECK(r.out.find("rejected") == std::string::npos);
  CHECK(r.out.find("search path") == std::string::npos);
  // Tab must not wait: the listing opens the plugins and contacts nothing.
  CHECK(std::chrono::duration_cast<std::chrono::milliseconds>(took).count() < 2000);

  // The human listing is unchanged by the flag's existence.
  auto human = run_qwen(home, {"plugins"}, with_env({{"QWEN_PLUGIN_PATH", path}}));
  CHECK(human.out.find("search path:") != std::string::npos);
  CHECK(human.out.find("rejected: ") != std::string::npos);
}

TEST_CASE("bash: sourcing the completion registers _qwen for qwen", "[completions][bash]") {
  BashCompletion bash;
  auto spec = bash.run({"--spec"});
  INFO(spec.err);
  CHECK(spec.exit_code == 0);
  CHECK(spec.out == "complete -F _qwen qwen\n");
}

TEST_CASE("bash: subcommands, flags and values complete as the real qwen takes them", "[completions][bash]") {
  BashCompletion complete;
  const std::string qwen = QWEN_TEST_BIN;

  auto top = complete({qwen, ""});
  CHECK(top == std::vector<std::string>{"auth", "models", "plugins", "trust"});
  CHECK(complete({qwen, "pl"}) == std::vector<std::string>{"plugins"});
  CHECK(complete({qwen, "--output-format", ""}) == std::vector<std::string>{"text", "json", "stream-json"});
  CHECK(complete({qwen, "--output-format", "s"}) == std::vector<std::string>{"stream-json"});

  // Method ids: the installed plugins', a third party's (envkey, a fixture) included, and no front-end.
  auto methods = complete({qwen, "--auth-type", ""});
  for (const char *id : {"openai", "qwen-oauth", "coding-plan", "envkey"}) CHECK(has(methods, id));
  CHECK_FALSE(has(methods, "tty"));
  auto frontends = complete({qwen, "--frontend", ""});
  for (const char *id : {"tty", "pipe", "acp", "shout"}) CHECK(has(frontends, id));
  CHECK_FALSE(has(frontends, "openai"));
  // --frontend=sh: bash splits the word at '='.
  CHECK(complete({qwen, "--frontend", "=", "sh"}) == std::vector<std::string>{"shout"});
  CHECK(complete({qwen, "--frontend", "="}).size() == frontends.size());

  auto auth = complete({qwen, "auth", ""});
  for (const char *w : {"login", "logout", "status", "token", "api-key", "openai", "envkey"}) CHECK(has(auth, w));
  auto status = complete({qwen, "auth", "status", "--"});
  CHECK(has(status, "--all"));
  CHECK(has(status, "--json"));
  CHECK(has(status, "--debug"));  // the main options work after a subcommand too
  CHECK(has(complete({qwen, "plugins", "--p"}), "--porcelain"));
  CHECK(complete({qwen, "--auth-type", "openai", "au"}) == std::vector<std::string>{"auth"});

  // A value that looks like a subcommand is still the option's value: `-m auth` names a model.
  CHECK(complete({qwen, "-m", "auth", ""}) == top);
  // Free-text values get nothing offered (not a file name, not a subcommand).
  CHECK(complete({qwen, "-p", ""}).empty());
  CHECK(complete({qwen, "--openai-api-key", ""}).empty());
  // A current word with glob and shell characters is matched as text, never expanded or run.
  CHECK(complete({qwen, "--output-format", "*"}).empty());
  CHECK(complete({qwen, "$(touch pwned)"}).empty());
  CHECK_FALSE(fs::exists(complete.home.path() / "pwned"));
}

TEST_CASE("bash: every flag and subcommand of the real qwen --help is offered", "[completions][bash]") {
  BashCompletion complete;
  TempDir home;
  const std::string qwen = QWEN_TEST_BIN;
  auto help = run_qwen(home, {"--help"});
  REQUIRE(help.exit_code == 0);
  const auto flags = long_options(help.out);
  REQUIRE(flags.count("--output-format") == 1);
  check_offered(flags, complete({qwen, "--"}), "qwen --help");
  const auto subs = subcommands(help.out);
  REQUIRE(subs.count("auth") == 1);
  check_offered(subs, complete({qwen, ""}), "qwen --help");
  auto auth_help = run_qwen(home, {"auth", "--help"});
  const auto verbs = subcommands(auth_help.out);
  REQUIRE(verbs.count("login") == 1);
  check_offered(verbs, complete({qwen, "auth", ""}), "qwen auth --help");
}

TEST_CASE("bash: a qwen that is not there completes the fixed words and says nothing", "[completions][bash]") {
  BashCompletion complete;
  auto r = complete.run({"/nonexistent/qwen", "--auth-type", ""});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(nonempty_lines(r.out).empty());  // PATH has no qwen either: no ids, no error
  CHECK(nonempty_lines(complete.run({"/nonexistent/qwen", "--output-format", "j"}).out) == std::vector<std::string>{"json"});
}

TEST_CASE("zsh and fish: the completions parse, and fish offers the installed plugins' ids", "[completions]") {
  TempDir home;
  ProcessOptions o;
  o.env = base_env(home.path());
  o.env["QWEN_PLUGIN_PATH"] = fixture_dir("env_key");
  if (shell_exists("zsh")) {
    o.args = {"/usr/bin/zsh", "-n", (kCompletions / "_qwen").string()};
    auto r = run_process(o);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    // A Tab in an interactive zsh (on a pseudo-terminal, zsh/zpty) after --auth-type lists the methods.
    const auto script = home.write("tab.zsh", R"(zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='> '; fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w -n z "$2 --auth-type "$'\t'
local all="" chunk
for i in {1..100}; do
  while zpty -r -t z chunk; do all+=$chunk; done
  [[ $all == *envkey*qwen-oauth* ]] && break
  sleep 0.1
done
print -r -- "$all"
zpty -d z
)");
    o.args = {"/usr/bin/zsh", "-f", script.string(), kCompletions.string(), QWEN_TEST_BIN};
    auto tab = run_process(o);
    INFO(tab.out << tab.err);
    CHECK(tab.out.find("coding-plan") != std::string::npos);
    CHECK(tab.out.find("envkey") != std::string::npos);
    CHECK(tab.out.find("qwen-oauth") != std::string::npos);
  } else {
    WARN("zsh is not installed: completions/_qwen not checked (bash scripts/setup-deps.sh installs it)");
  }
  if (shell_exists("fish")) {
    o.args = {"/usr/bin/fish", "-n", (kCompletions / "qwen.fish").string()};
    auto parsed = run_process(o);
    INFO(parsed.err);
    CHECK(parsed.exit_code == 0);
    auto fish = [&](const std::string &line) {
      o.args = {"/usr/bin/fish", "--no-config", "-c",
                "source " + (kCompletions / "qwen.fish").string() + "; complete -C '" + line + "'"};
      auto r = run_process(o);
      INFO(r.err);
      CHECK(r.exit_code == 0);
      std::vector<std::string> words;
      for (const auto &l : nonempty_lines(r.out)) words.push_back(l.substr(0, l.find('\t')));
      return words;
    };
    const std::string qwen = QWEN_TEST_BIN;
    CHECK(fish(qwen + " --output-format ") == std::vector<std::string>{"json", "stream-json", "text"});
    auto methods = fish(qwen + " --auth-type ");
    CHECK(has(methods, "openai"));
    CHECK(has(methods, "envkey"));
    CHECK_FALSE(has(methods, "tty"));
    auto top = fish(qwen + " ");
    for (const char *w : {"auth", "models", "plugins", "trust"}) CHECK(has(top, w));
  } else {
    WARN("fish is not installed: completions/qwen.fish not checked (bash scripts/setup-deps.sh installs it)");
  }
}
