// .env loading as a user meets it: real nested folders, a temporary HOME,
// the real binary. The rules are the seed's (README ".env files").
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;

namespace {

constexpr const char *kKey = "sk-dotenv-key-000111";

std::string status_line(const ProcessResult &r, const std::string &key) {
  size_t pos = r.out.find(key + ": ");
  return pos == std::string::npos ? "" : r.out.substr(pos, r.out.find('\n', pos) - pos);
}

}  // namespace

TEST_CASE("the project's .qwen/.env supplies the key, base URL and model", "[dotenv]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  home.write("proj/.qwen/.env", std::string("OPENAI_API_KEY=") + kKey + "\nOPENAI_BASE_URL=" + p.base_url() +
                                    "\nexport OPENAI_MODEL='fake-model' # a comment\n");
  home.write("proj/src/deep/.keep", "");
  QwenRunOptions o;
  o.cwd = (home.path() / "proj/src/deep").string();
  auto r = run_qwen(home, {"-p", "hi"}, o);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("You said: hi") != std::string::npos);
  auto st = run_qwen(home, {"auth", "status"}, o);
  CHECK(status_line(st, "api_key").find((home.path() / "proj/.qwen/.env").string()) != std::string::npos);
  CHECK(status_line(st, "model") == "model: fake-model from " + (home.path() / "proj/.qwen/.env").string());
}

TEST_CASE("only the first .env file is loaded, nothing is merged from the next ones", "[dotenv]") {
  TempDir home;
  home.write("proj/.env", "OPENAI_API_KEY=sk-from-project-env-1\n");
  home.write(".qwen/.env", "OPENAI_MODEL=home-model\nOPENAI_BASE_URL=https://home.invalid/v1\n");
  QwenRunOptions o;
  o.cwd = (home.path() / "proj").string();
  auto st = run_qwen(home, {"auth", "status", "--auth-type", "openai"}, o);
  CHECK(status_line(st, "model") == "model: qwen3-coder-plus from default");
  CHECK(status_line(st, "base_url").find("https://api.openai.com/v1 from default") != std::string::npos);
  CHECK(status_line(st, "api_key").find((home.path() / "proj/.env").string()) != std::string::npos);
}

TEST_CASE(".qwen/.env is preferred over .env in the same folder, and a nearer folder over a farther one", "[dotenv]") {
  TempDir home;
  home.write("a/.env", "OPENAI_MODEL=from-a-dotenv\n");
  home.write("a/.qwen/.env", "OPENAI_MODEL=from-a-qwen\n");
  home.write("a/b/.env", "OPENAI_MODEL=from-b-dotenv\n");
  QwenRunOptions o;
  o.cwd = (home.path() / "a").string();
  CHECK(status_line(run_qwen(home, {"auth", "status", "--auth-type", "openai"}, o), "model").find("from-a-qwen") !=
        std::string::npos);
  o.cwd = (home.path() / "a/b").string();
  CHECK(status_line(run_qwen(home, {"auth", "status", "--auth-type", "openai"}, o), "model").find("from-b-dotenv") !=
        std::string::npos);
}

TEST_CASE("the home folder's .qwen/.env, then ~/.env, are the fallbacks", "[dotenv]") {
  TempDir home, elsewhere;
  home.write(".env", "OPENAI_MODEL=from-home-dotenv\n");
  QwenRunOptions o;
  o.cwd = elsewhere.path().string();
  CHECK(status_line(run_qwen(home, {"auth", "status", "--auth-type", "openai"}, o), "model").find("from-home-dotenv") !=
        std::string::npos);
  home.write(".qwen/.env", "OPENAI_MODEL=from-home-qwen\n");
  CHECK(status_line(run_qwen(home, {"auth", "status", "--auth-type", "openai"}, o), "model").find("from-home-qwen") !=
        std::string::npos);
}

TEST_CASE("the environment wins over a .env file, even when set to an empty value", "[dotenv]") {
  TempDir home;
  home.write("proj/.env", "OPENAI_MODEL=from-file\nOPENAI_API_KEY=sk-file-key-123456\n");
  QwenRunOptions o;
  o.cwd = (home.path() / "proj").string();
  o.env = {{"OPENAI_MODEL", "from-env"}, {"OPENAI_API_KEY", ""}};
  auto st = run_qwen(home, {"auth", "status", "--auth-type", "openai"}, o);
  CHECK(status_line(st, "model") == "model: from-env from environment");
  CHECK(status_line(st, "api_key") == "api_key: (none)");
}

TEST_CASE("DEBUG from a project .env is ignored, from .qwen/.env it turns on debug logging", "[dotenv]") {
  TempDir home;
  home.write(".qwen/config.toml", "[network]\nmax_retries = 0\n");
  // The project's own key comes with its own base URL, so the base URL needs no trust (docs/trust.md).
  home.write("proj/.env", "DEBUG=1\nOPENAI_API_KEY=sk-projects-own-1234\nOPENAI_BASE_URL=http://127.0.0.1:9/v1\n");
  QwenRunOptions o;
  o.cwd = (home.path() / "proj").string();
  auto plain = run_qwen(home, {"-p", "hi", "--auth-type", "openai"}, o);
  CHECK(plain.err.find("qwen: debug:") == std::string::npos);
  CHECK(plain.err.find("127.0.0.1:9") != std::string::npos);  // the rest of the file was loaded
  home.write("proj/.qwen/.env",
             "DEBUG_MODE=true\nOPENAI_API_KEY=sk-projects-own-1234\nOPENAI_BASE_URL=http://127.0.0.1:9/v1\n");
  auto debug = run_qwen(home, {"-p", "hi", "--auth-type", "openai"}, o);
  CHECK(debug.err.find("qwen: debug:") != std::string::npos);
}

TEST_CASE("excluded_env_vars in config.toml extends what a project .env may not set", "[dotenv]") {
  TempDir home;
  home.write(".qwen/config.toml", "excluded_env_vars = [\"DEBUG\", \"DEBUG_MODE\", \"OPENAI_MODEL\"]\n");
  home.write("proj/.env", "OPENAI_MODEL=from-file\n");
  QwenRunOptions o;
  o.cwd = (home.path() / "proj").string();
  CHECK(status_line(run_qwen(home, {"auth", "status", "--auth-type", "openai"}, o), "model") ==
        "model: qwen3-coder-plus from default");
}

TEST_CASE("a malformed .env line is a warning with file and line, the rest still loads", "[dotenv]") {
  TempDir home;
  home.write("proj/.env", "OPENAI_MODEL=good-model\nthis line is wrong\nOPENAI_API_KEY=\"unterminated\n");
  QwenRunOptions o;
  o.cwd = (home.path() / "proj").string();
  auto st = run_qwen(home, {"auth", "status", "--auth-type", "openai"}, o);
  CHECK(st.exit_code == 4);  // the key's line is the broken one: signed out, as a script reads it
  CHECK(st.err.find((home.path() / "proj/.env").string() + ":2") != std::string::npos);
  CHECK(status_line(st, "model").find("good-model") != std::string::npos);
  CHECK(st.err.find("unterminated") == std::string::npos);  // values (maybe secrets) are never echoed
}
