// The trust boundary's parts: what is sensitive, what a project's files would set, the decision, and the
// record of trusted directories.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>

#include "support/temp_dir.hpp"
#include "trust/project_review.hpp"
#include "trust/sensitive_settings.hpp"
#include "trust/trust_store.hpp"

using namespace qwen::trust;
using qwen::test::TempDir;

TEST_CASE("trust: variables that name code or qwen's state are never taken from a project", "[trust]") {
  for (const char *name : {"QWEN_HOME", "QWEN_PLUGIN_PATH", "qwen_home", "QWEN_ANYTHING_NEW", "LD_PRELOAD",
                           "LD_LIBRARY_PATH", "PATH", "BROWSER", "HOME", "EDITRC", "GLIBC_TUNABLES", "XDG_CACHE_HOME"})
    CHECK(classify_env_var(name) == Sensitivity::Never);
  for (const char *name : {"QWEN_OAUTH_BASE_URL", "OPENAI_BASE_URL", "ACME_API_BASE", "ACME_ENDPOINT", "http_proxy",
                           "HTTPS_PROXY", "ALL_PROXY", "no_proxy", "SSL_CERT_FILE", "CURL_CA_BUNDLE"})
    CHECK(classify_env_var(name) == Sensitivity::Trusted);
  for (const char *name : {"OPENAI_API_KEY", "OPENAI_MODEL", "DEBUG", "DATABASE_URL", "REDIS_HOST", "NO_BROWSER"})
    CHECK(classify_env_var(name) == Sensitivity::Free);
}

TEST_CASE("trust: config keys that move credentials need trust, keys that name a program never pass", "[trust]") {
  using P = std::vector<std::string>;
  CHECK(classify_config_key(P{"plugins", "openai", "base_url"}) == Sensitivity::Trusted);
  CHECK(classify_config_key(P{"plugins", "acme", "token_url"}) == Sensitivity::Trusted);
  CHECK(classify_config_key(P{"plugins", "openai", "allow_insecure_http"}) == Sensitivity::Trusted);
  CHECK(classify_config_key(P{"network", "ca_bundle"}) == Sensitivity::Trusted);
  CHECK(classify_config_key(P{"network", "https_proxy"}) == Sensitivity::Trusted);
  CHECK(classify_config_key(P{"plugins", "openai", "key_command"}) == Sensitivity::Never);
  CHECK(classify_config_key(P{"plugins", "openai", "model"}) == Sensitivity::Free);
  CHECK(classify_config_key(P{"network", "max_retries"}) == Sensitivity::Free);
  CHECK(classify_config_key(P{"frontend"}) == Sensitivity::Free);
  CHECK(own_key_for("OPENAI_BASE_URL") == std::optional<std::string>("OPENAI_API_KEY"));
  CHECK(own_key_for("ACME_ENDPOINT") == std::optional<std::string>("ACME_API_KEY"));
  CHECK_FALSE(own_key_for("QWEN_OAUTH_BASE_URL"));
}

namespace {

struct Project {
  TempDir dir;
  ProjectFiles files;
  Project(const std::string &config, const std::string &env) {
    if (!config.empty()) files.config = project_config_file(dir.write(".qwen/config.toml", config));
    if (!env.empty()) files.env = project_env_file(dir.write("app/.env", env), "/nonexistent-home", "/nonexistent");
  }
  std::vector<SensitiveSetting> review(std::map<std::string, std::string> environment = {}, bool flag = false) const {
    ReviewInputs in;
    in.files = files;
    in.getenv = [environment](const std::string &k) -> std::optional<std::string> {
      auto it = environment.find(k);
      return it == environment.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    in.key_given_as_flag = flag;
    return find_sensitive_settings(in);
  }
};

std::vector<std::string> keys(const std::vector<SensitiveSetting> &s) {
  std::vector<std::string> out;
  for (const auto &x : s) out.push_back(x.key);
  return out;
}

}  // namespace

TEST_CASE("trust review: what a project's files would set that needs trust", "[trust]") {
  Project p("model = \"m\"\n[plugins.openai]\nbase_url = \"http://127.0.0.2/v1\"\nmodel = \"x\"\n"
            "[plugins.openai.deeper]\nallow_insecure_http = true\n",
            "OPENAI_BASE_URL=http://127.0.0.2/v1\nQWEN_HOME=.q\nOPENAI_MODEL=m\n");
  auto found = p.review();
  CHECK(keys(found) == std::vector<std::string>{"plugins.openai.base_url", "plugins.openai.deeper.allow_insecure_http",
                                                "OPENAI_BASE_URL", "QWEN_HOME"});
  CHECK(found[0].display == "[plugins.openai] base_url");
  CHECK(found[3].level == Sensitivity::Never);
  // The project's own key makes its own base URL free, unless the user's key (environment or flag) wins.
  Project own("", "OPENAI_API_KEY=sk-project\nOPENAI_BASE_URL=http://127.0.0.2/v1\n");
  CHECK(own.review().empty());
  CHECK(keys(own.review({{"OPENAI_API_KEY", "sk-user"}})) == std::vector<std::string>{"OPENAI_BASE_URL"});
  CHECK(keys(own.review({{"OPENAI_API_KEY", ""}})) == std::vector<std::string>{"OPENAI_BASE_URL"});
  CHECK(keys(own.review({}, true)) == std::vector<std::string>{"OPENAI_BASE_URL"});
  // A variable the user's environment already has is not taken from the file at all.
  CHECK(own.review({{"OPENAI_BASE_URL", "https://x"}, {"OPENAI_API_KEY", "k"}}).empty());
  // Files that do not parse give nothing here (their loader reports them).
  Project broken("[plugins.openai\nbase_url = 1", "");
  CHECK(broken.review().empty());
}

TEST_CASE("trust decision: never items always dropped, untrusted items dropped with one line per file", "[trust]") {
  Project p("[plugins.openai]\nbase_url = \"http://127.0.0.2/v1\"\nallow_insecure_http = true\n",
            "QWEN_PLUGIN_PATH=.\nOPENAI_BASE_URL=http://127.0.0.2/v1\n");
  TempDir home;
  TrustStore store(home.path() / "trusted_projects.json");
  std::vector<std::string> warnings;
  auto d = decide(p.review(), p.files, store, {}, [&](const std::string &w) { warnings.push_back(w); });
  CHECK(d.drop_config_keys == std::set<std::string>{"plugins.openai.base_url", "plugins.openai.allow_insecure_http"});
  CHECK(d.drop_env_vars == std::set<std::string>{"QWEN_PLUGIN_PATH", "OPENAI_BASE_URL"});
  REQUIRE(warnings.size() == 3);  // the .env's never line, then one line per file for what waits for trust
  CHECK(warnings[0].find("QWEN_PLUGIN_PATH") != std::string::npos);
  CHECK(warnings[1].find("[plugins.openai] allow_insecure_http, [plugins.openai] base_url") != std::string::npos);
  CHECK(warnings[1].find("qwen trust") != std::string::npos);

  // Asked, and yes: kept and recorded; the never item is still dropped.
  std::string asked;
  warnings.clear();
  auto yes = decide(p.review(), p.files, store, [&](const std::string &q) { asked = q; return true; },
                    [&](const std::string &w) { warnings.push_back(w); });
  CHECK(asked.find("base_url = http://127.0.0.2/v1") != std::string::npos);
  CHECK(asked.find("[y/N]") != std::string::npos);
  CHECK(yes.drop_config_keys.empty());
  CHECK(yes.drop_env_vars == std::set<std::string>{"QWEN_PLUGIN_PATH"});
  CHECK(store.is_trusted(*p.files.config));
  CHECK(store.is_trusted(*p.files.env));
  // Next time nothing is asked; an edited file is untrusted again.
  bool asked_again = false;
  decide(p.review(), p.files, store, [&](const std::string &) { return asked_again = true; }, [](const std::string &) {});
  CHECK_FALSE(asked_again);
  p.dir.write(".qwen/config.toml", "[plugins.openai]\nbase_url = \"http://127.0.0.3/v1\"\n");
  CHECK_FALSE(store.is_trusted(*p.files.config));
  CHECK(store.is_trusted(*p.files.env));
}

TEST_CASE("trust question: a stranger's value is shown with control characters made visible", "[trust]") {
  Project p("[plugins.openai]\nbase_url = \"http://x/\\u001b]0;pwned\\u0007\\u001b[2J\\nfake line\"\n", "");
  TempDir home;
  TrustStore store(home.path() / "t.json");
  std::string asked;
  decide(p.review(), p.files, store, [&](const std::string &q) { asked = q; return false; }, [](const std::string &) {});
  CHECK(asked.find('\x1b') == std::string::npos);
  CHECK(asked.find('\x07') == std::string::npos);
  CHECK(asked.find("^[[2J^Jfake line") != std::string::npos);
  CHECK(asked.find("^[]0;pwned^G^[[2J") != std::string::npos);
}

TEST_CASE("trust store: written 0600, read back, revoked, and a damaged one trusts nothing and stays", "[trust]") {
  TempDir home;
  Project p("[plugins.openai]\nbase_url = \"http://127.0.0.2/v1\"\n", "");
  const auto file = home.path() / "trusted_projects.json";
  {
    TrustStore store(file);
    store.trust({*p.files.config});
  }
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  TrustStore again(file);
  CHECK(again.is_trusted(*p.files.config));
  CHECK(again.records().size() == 1);
  CHECK(again.revoke(p.files.config->root));
  CHECK_FALSE(again.revoke(p.files.config->root));
  CHECK_FALSE(TrustStore(file).is_trusted(*p.files.config));

  for (const std::string damaged : {"", "{", "[]", "{\"projects\": {\"/x\": {\"files\": {\"a\": 1}}}}", "null"}) {
    home.write("trusted_projects.json", damaged);
    TrustStore store(file);
    INFO(damaged);
    CHECK(store.problem());
    CHECK_FALSE(store.is_trusted(*p.files.config));
    CHECK_THROWS(store.trust({*p.files.config}));
    CHECK(qwen::test::read_file(file) == damaged);
  }
}

TEST_CASE("trust store: a FIFO, a folder or a link where the record belongs is refused at once, never read through",
          "[trust]") {
  TempDir home;
  Project p("[plugins.openai]\nbase_url = \"http://127.0.0.2/v1\"\n", "");
  const auto file = home.path() / "trusted_projects.json";
  auto real = home.write("elsewhere.json", "{\"version\":1,\"projects\":{}}");
  for (int kind = 0; kind < 3; ++kind) {
    std::filesystem::remove_all(file);
    if (kind == 0) REQUIRE(::mkfifo(file.c_str(), 0600) == 0);
    if (kind == 1) std::filesystem::create_directory(file);
    if (kind == 2) std::filesystem::create_symlink(real, file);
    TrustStore store(file);  // a FIFO would block an ordinary open: this returns
    INFO(kind);
    REQUIRE(store.problem());
    CHECK(store.problem()->find(file.string()) != std::string::npos);
    CHECK_FALSE(store.is_trusted(*p.files.config));
    CHECK_THROWS(store.trust({*p.files.config}));
  }
  CHECK(qwen::test::read_file(real) == "{\"version\":1,\"projects\":{}}");
}

TEST_CASE("trust: a .env in the user's home or qwen home is the user's own, not a project's", "[trust]") {
  TempDir home;
  auto user_env = home.write(".env", "X=1\n");
  auto qwen_env = home.write(".qwen/.env", "X=1\n");
  auto moved = home.write("qh/.env", "X=1\n");
  auto project = home.write("src/app/.qwen/.env", "X=1\n");
  CHECK_FALSE(project_env_file(user_env, home.path(), home.path() / "qh"));
  CHECK_FALSE(project_env_file(qwen_env, home.path(), home.path() / "qh"));
  CHECK_FALSE(project_env_file(moved, home.path(), home.path() / "qh"));
  auto f = project_env_file(project, home.path(), home.path() / "qh");
  REQUIRE(f);
  CHECK(f->root == (home.path() / "src" / "app").lexically_normal());
  CHECK(f->relative == ".qwen/.env");
}
