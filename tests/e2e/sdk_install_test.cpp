// The SDK as a third party uses it: install qwen to a prefix, build the
// example plugin out of tree with find_package(QwenSDK) against that prefix
// only, drop it on QWEN_PLUGIN_PATH, and check the installed qwen uses it.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;
namespace fs = std::filesystem;

namespace {

ProcessResult sh(const std::string &command, const fs::path &home) {
  return run_shell(command, home);
}

}  // namespace

TEST_CASE("a plugin built from the installed SDK alone is found and used by the installed qwen", "[sdk][install]") {
  TempDir work;
  const fs::path prefix = work.path() / "prefix";
  const fs::path build = work.path() / "example-build";
  auto install =
      sh("cmake --install '" + std::string(QWEN_TEST_BINARY_DIR) + "' --prefix '" + prefix.string() + "'", work.path());
  INFO(install.out << install.err);
  REQUIRE(install.exit_code == 0);
  CHECK(fs::exists(prefix / "bin" / "qwen"));
  CHECK(fs::exists(prefix / "lib" / "qwen" / "plugins" / "openai.so"));
  CHECK(fs::exists(prefix / "include" / "qwen" / "plugin.h"));
  CHECK(fs::exists(prefix / "include" / "qwen" / "plugin.hpp"));
  CHECK(fs::exists(prefix / "include" / "qwen" / "sdk" / "safe_file.hpp"));  // plugins open files safely too
  CHECK(fs::exists(prefix / "lib" / "cmake" / "QwenSDK" / "QwenSDKConfig.cmake"));

  // The source is copied away from the project tree so nothing but the prefix can be found.
  fs::copy(fs::path(QWEN_TEST_SOURCE_DIR) / "sdk" / "examples" / "shout-frontend", work.path() / "shout");
  auto configure = sh("cmake -S '" + (work.path() / "shout").string() + "' -B '" + build.string() +
                          "' -DCMAKE_PREFIX_PATH='" + prefix.string() + "' && cmake --build '" + build.string() + "'",
                      work.path());
  INFO(configure.out << configure.err);
  REQUIRE(configure.exit_code == 0);
  REQUIRE(fs::exists(build / "shout.so"));

  FakeProvider provider({"--api-key", "sk-install-test-0001"});
  ProcessOptions run;
  run.args = {(prefix / "bin" / "qwen").string(), "plugins"};
  run.env = base_env(work.path());
  run.env["QWEN_PLUGIN_PATH"] = build.string();
  auto listed = run_process(run);
  CHECK(listed.out.find("shout") != std::string::npos);
  CHECK(listed.out.find((prefix / "lib" / "qwen" / "plugins" / "pipe.so").string()) != std::string::npos);

  run.args = {(prefix / "bin" / "qwen").string(), "--frontend", "shout", "-p", "make some noise"};
  run.env["OPENAI_API_KEY"] = "sk-install-test-0001";
  run.env["OPENAI_BASE_URL"] = provider.base_url();
  auto used = run_process(run);
  INFO(used.err);
  CHECK(used.exit_code == 0);
  CHECK(used.out.find("YOU SAID: MAKE SOME NOISE") != std::string::npos);
}

TEST_CASE("the installed auth example builds from the prefix alone and signs the installed qwen in to Acme",
          "[sdk][install]") {
  TempDir work;
  const fs::path prefix = work.path() / "prefix";
  const fs::path build = work.path() / "acme-build";
  auto install =
      sh("cmake --install '" + std::string(QWEN_TEST_BINARY_DIR) + "' --prefix '" + prefix.string() + "'", work.path());
  INFO(install.out << install.err);
  REQUIRE(install.exit_code == 0);
  const fs::path example = prefix / "share" / "qwen" / "examples" / "acme-auth";
  REQUIRE(fs::exists(example / "acme_auth.cpp"));
  CHECK(fs::exists(prefix / "share" / "qwen" / "examples" / "shout-frontend" / "shout_frontend.cpp"));
  CHECK(fs::exists(prefix / "share" / "doc" / "qwen" / "writing-plugins.md"));
  CHECK(fs::exists(prefix / "include" / "qwen" / "sdk" / "oauth_client.hpp"));

  // The installed copy of the example, built with find_package(QwenSDK) and nothing of the project tree.
  fs::copy(example, work.path() / "acme", fs::copy_options::recursive);
  auto built = sh("cmake -S '" + (work.path() / "acme").string() + "' -B '" + build.string() +
                      "' -DCMAKE_PREFIX_PATH='" + prefix.string() + "' && cmake --build '" + build.string() + "'",
                  work.path());
  INFO(built.out << built.err);
  REQUIRE(built.exit_code == 0);
  REQUIRE(fs::exists(build / "acme.so"));

  const std::string secret = "acme-secret-install-0001";
  FakeProvider provider({"--client", "acme-ci:" + secret});
  const fs::path home = work.path() / "home";
  fs::create_directories(home);
  auto qwen = [&](std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    ProcessOptions run;
    run.args = {(prefix / "bin" / "qwen").string()};
    run.args.insert(run.args.end(), args.begin(), args.end());
    run.env = base_env(home);
    run.env["QWEN_PLUGIN_PATH"] = build.string();
    run.env["ACME_CLIENT_ID"] = "acme-ci";
    run.env["ACME_CLIENT_SECRET"] = secret;
    run.env["ACME_BASE_URL"] = provider.root_url();
    for (auto &[k, v] : env) run.env[k] = v;
    return run_process(run);
  };

  // No flag and no config: ACME_CLIENT_ID in the environment picks the method.
  auto first = qwen({"-p", "hello acme"});
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.out.find("You said: hello acme") != std::string::npos);
  CHECK(first.err.find("warning") == std::string::npos);  // e.g. no "fetching a token without the lock"
  CHECK(provider.stat("client_credentials_requests") == 1);
  const fs::path cache = home / ".qwen" / "acme" / "token.json";
  struct stat st {};
  REQUIRE(::stat(cache.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  const auto chats = provider.logged_requests();
  REQUIRE(chats.size() == 1);
  CHECK(chats[0]["headers"]["authorization"].get<std::string>().rfind("Bearer fake-at-", 0) == 0);

  // The next process answers from the cached token: no token request.
  auto second = qwen({"-p", "again"});
  CHECK(second.exit_code == 0);
  CHECK(provider.stat("client_credentials_requests") == 1);

  // A 401 makes the host ask for a refresh once, and the turn is retried with the new token.
  provider.post("/__control/fault", "401");
  auto refused = qwen({"-p", "after a 401"});
  INFO(refused.err);
  CHECK(refused.exit_code == 0);
  CHECK(refused.out.find("You said: after a 401") != std::string::npos);
  CHECK(provider.stat("client_credentials_requests") == 2);

  // Refused again after the new token: one refresh only, and the plugin's words for a 401 replace the host's.
  provider.post("/__control/fault", "401");
  provider.post("/__control/fault", "401");
  auto refused_twice = qwen({"-p", "twice"});
  CHECK(refused_twice.exit_code == 5);
  CHECK(refused_twice.err.find("Acme Cloud refused this client's token") != std::string::npos);
  CHECK(refused_twice.err.find("Check the API key") == std::string::npos);
  CHECK(provider.stat("client_credentials_requests") == 3);
  // A long rate limit: the plugin's words, with the wait the server gave.
  provider.post("/__control/fault", "429:7200");
  auto limited = qwen({"-p", "limited"});
  CHECK(limited.exit_code == 6);
  CHECK(limited.err.find("Acme Cloud's rate limit for this client was reached") != std::string::npos);
  CHECK(limited.err.find("7200 s") != std::string::npos);

  // QWEN_AUTH_METHOD_MODELS_FROM_API: the host reads the provider's GET /v1/models with acme's token.
  auto models = qwen({"models"});
  CHECK(models.exit_code == 0);
  CHECK(models.out.find("fake-model") != std::string::npos);

  auto status = qwen({"auth", "status", "--auth-type", "acme"});
  INFO(status.out << status.err);
  CHECK(status.exit_code == 0);
  CHECK(status.out.find("acme-ci") != std::string::npos);
  CHECK(status.out.find("expires") != std::string::npos);
  CHECK(status.out.find(secret) == std::string::npos);

  // A link planted where the cache belongs is refused, naming it, and its target is neither read nor written.
  fs::remove(cache);
  const fs::path planted = work.path() / "planted.json";
  { std::ofstream(planted) << R"({"access_token":"planted-token-0003"})"; }
  fs::create_symlink(planted, cache);
  auto linked = qwen({"-p", "through a link"});
  CHECK(linked.exit_code == 3);
  CHECK(linked.err.find(cache.string() + " is a symbolic link") != std::string::npos);
  CHECK(provider.logged_requests().back()["body"].get<std::string>().find("through a link") == std::string::npos);
  std::ifstream planted_in(planted);
  CHECK(std::string(std::istreambuf_iterator<char>(planted_in), {}) == R"({"access_token":"planted-token-0003"})");

  // A wrong secret (and no cached token) is the server's refusal: exit 5, the secret never shown.
  fs::remove(cache);
  auto wrong = qwen({"-p", "hello"}, {{"ACME_CLIENT_SECRET", "acme-wrong-secret-0002"}});
  CHECK(wrong.exit_code == 5);
  CHECK(wrong.err.find("invalid_client") != std::string::npos);
  CHECK(wrong.err.find("acme-wrong-secret-0002") == std::string::npos);
  CHECK_FALSE(fs::exists(cache));
}
