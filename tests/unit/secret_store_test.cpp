// The secret store (core/services/secret_store*.cpp) with the file backend, and the keyring probe's
// refusals that need no keyring: the real files, links and FIFOs a user's home can hold.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>
#include <qwen/plugin.hpp>

#include "config/config.hpp"
#include "services/host_table.hpp"
#include "services/secret_store.hpp"
#include "sdk_test_host.hpp"
#include "support/temp_dir.hpp"
#include "util/redactor.hpp"

using namespace qwen::services;
using qwen::sdk::Error;
using qwen::test::TempDir;

namespace {

std::string slurp(const std::filesystem::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

qwen_status status_of(const std::function<void()> &f) {
  try {
    f();
  } catch (const Error &e) {
    return e.status();
  }
  return QWEN_OK;
}

// Runs `f` with DBUS_SESSION_BUS_ADDRESS set to `value` (or unset), restoring it after.
template <typename F>
void with_bus(const char *value, F &&f) {
  const char *old = std::getenv("DBUS_SESSION_BUS_ADDRESS");
  std::string saved = old ? old : "";
  if (value)
    ::setenv("DBUS_SESSION_BUS_ADDRESS", value, 1);
  else
    ::unsetenv("DBUS_SESSION_BUS_ADDRESS");
  f();
  if (old)
    ::setenv("DBUS_SESSION_BUS_ADDRESS", saved.c_str(), 1);
  else
    ::unsetenv("DBUS_SESSION_BUS_ADDRESS");
}

const SecretKey kKey{"openai", "", "api_key"};

// The unit tests' host backend (sdk_test_host.hpp) with a file secret store, behind the real C host table
// (plugin.h 1.4).
class StoreHost : public qwen::test::SdkTestHost {
 public:
  explicit StoreHost(std::string home) : SdkTestHost(home), store_(std::move(home), SecretStoreChoice::File) {}
  SecretStore *secret_store() override { return &store_; }

 private:
  SecretStore store_;
};

}  // namespace

TEST_CASE("secret store file: a secret is kept in secrets.json, 0600, and read back", "[secrets]") {
  TempDir home;
  SecretStore store(home.path().string(), SecretStoreChoice::File);
  store.put(kKey, "sk-unit-file-0001");
  const auto file = home.path() / "secrets.json";
  struct stat st {};
  REQUIRE(::lstat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  const auto doc = nlohmann::json::parse(slurp(file));
  CHECK(doc["version"] == 1);
  CHECK(doc["secrets"]["openai"][""]["api_key"] == "sk-unit-file-0001");
  CHECK(store.get(kKey) == std::optional<std::string>("sk-unit-file-0001"));
  CHECK(qwen::util::scrub("key sk-unit-file-0001").find("sk-unit-file-0001") == std::string::npos);  // registered
  // A second store (the next qwen run) finds it; replacing keeps one value.
  SecretStore again(home.path().string(), SecretStoreChoice::File);
  again.put(kKey, "sk-unit-file-0002");
  CHECK(again.get(kKey) == std::optional<std::string>("sk-unit-file-0002"));
  // Written atomically: no temporary file is left beside it.
  int entries = 0;
  for (const auto &e : std::filesystem::directory_iterator(home.path())) entries += e.path().filename() != "" ? 1 : 0;
  CHECK(entries == 1);
}

TEST_CASE("secret store file: plugins and accounts are kept apart, delete removes one", "[secrets]") {
  TempDir home;
  SecretStore store(home.path().string(), SecretStoreChoice::File);
  store.put({"openai", "", "api_key"}, "sk-openai-default");
  store.put({"openai", "work", "api_key"}, "sk-openai-work");
  store.put({"other", "", "api_key"}, "sk-other-default");
  CHECK(store.get({"other", "work", "api_key"}) == std::nullopt);
  CHECK(store.get({"openai", "", "api_key"}) == std::optional<std::string>("sk-openai-default"));
  CHECK(store.get({"openai", "work", "api_key"}) == std::optional<std::string>("sk-openai-work"));
  store.remove({"openai", "work", "api_key"});
  CHECK(store.get({"openai", "work", "api_key"}) == std::nullopt);
  CHECK(store.get({"openai", "", "api_key"}) == std::optional<std::string>("sk-openai-default"));
  CHECK(store.get({"other", "", "api_key"}) == std::optional<std::string>("sk-other-default"));
  store.remove({"nobody", "", "api_key"});  // nothing there: no error
  const auto doc = nlohmann::json::parse(slurp(home.path() / "secrets.json"));
  CHECK_FALSE(doc["secrets"]["openai"].contains("work"));
}

TEST_CASE("secret store file: empty, huge and badly named secrets are refused", "[secrets]") {
  TempDir home;
  SecretStore store(home.path().string(), SecretStoreChoice::File);
  CHECK(status_of([&] { store.put(kKey, ""); }) == QWEN_ERR_INVALID_ARGUMENT);
  CHECK(status_of([&] { store.put(kKey, std::string(kMaxSecretBytes + 1, 'k')); }) == QWEN_ERR_INVALID_ARGUMENT);
  CHECK(status_of([&] { store.put({"openai", "", ""}, "sk-x"); }) == QWEN_ERR_INVALID_ARGUMENT);
  CHECK(status_of([&] { store.put({"openai", "a\nb", "api_key"}, "sk-x"); }) == QWEN_ERR_INVALID_ARGUMENT);
  CHECK(status_of([&] { store.put({"openai", std::string(300, 'a'), "api_key"}, "sk-x"); }) ==
        QWEN_ERR_INVALID_ARGUMENT);
  CHECK_FALSE(std::filesystem::exists(home.path() / "secrets.json"));
  store.put(kKey, std::string(kMaxSecretBytes, 'k'));  // the limit itself is kept
  CHECK(store.get(kKey)->size() == kMaxSecretBytes);
}

TEST_CASE("secret store file: a damaged file is an error and is never overwritten", "[secrets]") {
  TempDir home;
  for (const std::string bad : {"{not json", "[1,2]", "{\"version\":2,\"secrets\":{}}",
                                "{\"version\":1,\"secrets\":{\"openai\":\"sk-flat\"}}"}) {
    const auto file = home.write("secrets.json", bad);
    SecretStore store(home.path().string(), SecretStoreChoice::File);
    std::string message;
    try {
      store.put(kKey, "sk-unit-damaged");
    } catch (const Error &e) {
      message = e.what();
    }
    CHECK(message.find("damaged") != std::string::npos);
    CHECK(message.find("secrets.json") != std::string::npos);
    CHECK(slurp(file) == bad);
    CHECK_THROWS_AS(store.get(kKey), Error);
    CHECK_THROWS_AS(store.remove(kKey), Error);
    CHECK(slurp(file) == bad);
  }
}

TEST_CASE("secret store file: a link or a FIFO at secrets.json is refused, at once", "[secrets]") {
  TempDir home;
  const auto target = home.write("elsewhere.json", "{\"version\":1,\"secrets\":{}}");
  std::filesystem::create_symlink(target, home.path() / "secrets.json");
  SecretStore store(home.path().string(), SecretStoreChoice::File);
  CHECK(status_of([&] { store.put(kKey, "sk-unit-link"); }) == QWEN_ERR_CONFIG);
  CHECK(slurp(target) == "{\"version\":1,\"secrets\":{}}");
  CHECK(std::filesystem::is_symlink(home.path() / "secrets.json"));

  TempDir home2;
  REQUIRE(::mkfifo((home2.path() / "secrets.json").c_str(), 0600) == 0);
  SecretStore store2(home2.path().string(), SecretStoreChoice::File);
  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(store2.get(kKey), Error);
  CHECK(status_of([&] { store2.put(kKey, "sk-unit-fifo"); }) == QWEN_ERR_CONFIG);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
}

TEST_CASE("secret store file: a folder where no lock file can be made is an error naming it, nothing written",
          "[secrets]") {
  TempDir home;
  const auto dir = home.path() / "qwen";
  const std::string earlier = "{\"version\":1,\"secrets\":{\"openai\":{\"\":{\"api_key\":\"sk-unit-earlier\"}}}}\n";
  const auto file = home.write("qwen/secrets.json", earlier);
  ::chmod(file.c_str(), 0600);
  // Root writes into any folder: as root, the store runs in a child that has become nobody (65534), owning
  // the file but not allowed to write into its folder.
  const bool root = ::geteuid() == 0;
  if (root) {
    REQUIRE(::chmod(home.path().c_str(), 0711) == 0);
    REQUIRE(::chown(dir.c_str(), 65534, 65534) == 0);
    REQUIRE(::chown(file.c_str(), 65534, 65534) == 0);
  }
  REQUIRE(::chmod(dir.c_str(), 0500) == 0);
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    if (root && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(2);
    std::string said;
    for (int step = 0; step < 2; ++step) {
      SecretStore store(dir.string(), SecretStoreChoice::File);
      try {
        if (step == 0)
          store.put(kKey, "sk-unit-unwritable");
        else
          store.remove(kKey);
        said += "no error\n";
      } catch (const Error &e) {
        said += std::to_string(e.status()) + " " + e.what() + "\n";
      }
    }
    const ssize_t written = ::write(pipe_fds[1], said.data(), said.size());
    ::_exit(written == static_cast<ssize_t>(said.size()) ? 0 : 3);
  }
  ::close(pipe_fds[1]);
  std::string said;
  char buf[4096];
  for (ssize_t n; (n = ::read(pipe_fds[0], buf, sizeof buf)) > 0;) said.append(buf, static_cast<size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  ::chmod(dir.c_str(), 0700);
  INFO(said);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  const auto lines = [&] {
    std::vector<std::string> out;
    std::istringstream in(said);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }();
  REQUIRE(lines.size() == 2);
  for (const auto &line : lines) {  // the put, then the delete of the key that is there
    CHECK(line.rfind(std::to_string(QWEN_ERR_INTERNAL) + " ", 0) == 0);
    CHECK(line.find("cannot create the lock file " + (dir / "secrets.json.lock").string()) != std::string::npos);
    CHECK(line.find("Permission denied") != std::string::npos);
    CHECK(line.find("secrets.json was not changed") != std::string::npos);
  }
  CHECK(slurp(file) == earlier);
  CHECK_FALSE(std::filesystem::exists(dir / "secrets.json.lock"));
}

TEST_CASE("secret store file: the writes of many threads and stores on one file all land", "[secrets]") {
  TempDir home;
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      SecretStore store(home.path().string(), SecretStoreChoice::File);  // one per thread, like one per process
      for (int i = 0; i < 5; ++i)
        store.put({"openai", "t" + std::to_string(t), "k" + std::to_string(i)}, "sk-thread-" + std::to_string(t));
    });
  for (auto &t : threads) t.join();
  SecretStore reader(home.path().string(), SecretStoreChoice::File);
  int kept = 0;
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < 5; ++i)
      kept += reader.get({"openai", "t" + std::to_string(t), "k" + std::to_string(i)}) ==
                      std::optional<std::string>("sk-thread-" + std::to_string(t))
                  ? 1
                  : 0;
  CHECK(kept == kThreads * 5);
  CHECK_FALSE(std::filesystem::exists(home.path() / "secrets.json.lock"));
}

TEST_CASE("secret store: with no session bus, auto falls back to the file and keyring refuses", "[secrets]") {
  with_bus(nullptr, [] {
    TempDir home;
    SecretStore demanding(home.path().string(), SecretStoreChoice::Keyring);
    std::string message;
    try {
      demanding.put(kKey, "sk-unit-nobus");
    } catch (const Error &e) {
      CHECK(e.status() == QWEN_ERR_AUTH_REQUIRED);
      message = e.what();
    }
    CHECK(message.find("keyring") != std::string::npos);
    CHECK(message.find("sk-unit-nobus") == std::string::npos);
    CHECK_FALSE(std::filesystem::exists(home.path() / "secrets.json"));

    SecretStore automatic(home.path().string(), SecretStoreChoice::Auto);
    automatic.put(kKey, "sk-unit-nobus");
    CHECK(automatic.get(kKey) == std::optional<std::string>("sk-unit-nobus"));
    CHECK(std::filesystem::exists(home.path() / "secrets.json"));
    // A secret the fallback wrote is still found by a store demanding the keyring, and deleted by it.
    CHECK(demanding.get(kKey) == std::optional<std::string>("sk-unit-nobus"));
    demanding.remove(kKey);
    CHECK(automatic.get(kKey) == std::nullopt);
  });
}

TEST_CASE("secret store: a session bus that never answers does not hang qwen", "[secrets]") {
  // A socket that accepts connections (the kernel's backlog) and never says a word: the D-Bus handshake
  // waits for ever unless qwen bounds it.
  TempDir dir;
  const std::string path = (dir.path() / "bus").string();
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  REQUIRE(path.size() < sizeof addr.sun_path);
  std::copy(path.begin(), path.end(), addr.sun_path);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(fd, 8) == 0);
  with_bus(("unix:path=" + path).c_str(), [&] {
    std::string why;
    const auto start = std::chrono::steady_clock::now();
    auto keyring = make_keyring_secret_backend(300, why);
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(keyring == nullptr);
    CHECK_FALSE(why.empty());
    CHECK(took < std::chrono::seconds(3));
  });
  with_bus("unix:path=/nonexistent/qwen-test-bus", [&] {
    std::string why;
    CHECK(make_keyring_secret_backend(300, why) == nullptr);
    CHECK_FALSE(why.empty());
  });
  ::close(fd);
}

TEST_CASE("secret store through the C host table: auth plugins only, each its own", "[secrets]") {
  TempDir home;
  StoreHost backend(home.path().string());
  HostTable alpha(backend, "alpha", QWEN_PLUGIN_KIND_AUTH), beta(backend, "beta", QWEN_PLUGIN_KIND_AUTH);
  HostTable front(backend, "pipe", QWEN_PLUGIN_KIND_FRONTEND);
  const qwen::sdk::Host a(alpha.get()), b(beta.get()), f(front.get());
  REQUIRE(a.has_secrets());
  a.secret_put("", "api_key", "sk-alpha-through-abi");
  CHECK(a.secret_get("", "api_key") == std::optional<std::string>("sk-alpha-through-abi"));
  CHECK(b.secret_get("", "api_key") == std::nullopt);  // another plugin cannot reach it
  CHECK(f.secret_get("", "api_key") == std::nullopt);
  CHECK(status_of([&] { f.secret_put("", "api_key", "sk-front"); }) == QWEN_ERR_UNSUPPORTED);
  CHECK(status_of([&] { f.secret_delete("", "api_key"); }) == QWEN_ERR_UNSUPPORTED);
  CHECK(status_of([&] { a.secret_put("", "api_key", ""); }) == QWEN_ERR_INVALID_ARGUMENT);
  // A long secret comes back whole through the two-call buffer protocol.
  const std::string long_secret(5000, 'L');
  b.secret_put("work", "token", long_secret);
  CHECK(b.secret_get("work", "token") == std::optional<std::string>(long_secret));
  // A small buffer gets a NUL-terminated prefix and the full length.
  char small[4];
  CHECK(alpha.get()->secret_get(alpha.get(), "", "api_key", small, sizeof small) == 20);
  CHECK(std::string(small) == "sk-");
  a.secret_delete("", "api_key");
  CHECK(a.secret_get("", "api_key") == std::nullopt);
  a.secret_delete("", "api_key");  // none: still fine
}

TEST_CASE("secret store config: [secrets] store takes auto, keyring or file, else names the line", "[secrets]") {
  TempDir home;
  CHECK(qwen::config::load_config(home.path() / "none.toml", std::nullopt).secrets_store == "auto");
  for (const std::string word : {"auto", "keyring", "file"}) {
    const auto file = home.write("config.toml", "[secrets]\nstore = \"" + word + "\"\n");
    CHECK(qwen::config::load_config(file, std::nullopt).secrets_store == word);
    CHECK(parse_secret_store_choice(word).has_value());
  }
  for (const std::string bad : {"[secrets]\nstore = \"vault\"\n", "[secrets]\nstore = 1\n", "secrets = \"file\"\n"}) {
    const auto file = home.write("config.toml", bad);
    CHECK_THROWS_WITH(qwen::config::load_config(file, std::nullopt), Catch::Contains("config.toml:"));
  }
}
