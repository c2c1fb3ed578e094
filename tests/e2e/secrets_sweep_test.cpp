// The secrets sweep over the whole test suite's runs. tests/support/process.cpp
// saves every child's stdout+stderr as *.out (and its command line and
// environment as *.meta.json), the fake provider support its request log as
// requests-*.jsonl, all in QWEN_TEST_OUTPUT_DIR. CTest runs the hidden
// "[sweep]" case after every other test (tests/CMakeLists.txt): it learns the
// secrets that were really sent (bearer tokens, OAuth token fields, API keys)
// and fails naming the file and the redacted secret when one is in an output.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support/temp_dir.hpp"

using namespace qwen::test;
namespace fs = std::filesystem;

namespace {

// Values of these fields, in a JSON or form body, are secrets.
const std::set<std::string> kSecretFields = {"access_token", "refresh_token", "device_code", "code_verifier",
                                             "api_key",      "client_secret", "id_token"};

// Shorter values are too likely to occur by chance ("Bearer x" in a test of a missing key); they are
// counted and listed, not searched for.
constexpr size_t kMinSecretLength = 12;

// Values that are sent as secrets but printed on purpose, each with the reason. Keep this tiny.
const std::map<std::string, std::string> kAllowed = {};

std::string percent_decode(const std::string &s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string redact(const std::string &secret) {
  if (secret.size() < 12) return "(" + std::to_string(secret.size()) + " characters)";
  return secret.substr(0, 4) + "…" + secret.substr(secret.size() - 4) + " (" + std::to_string(secret.size()) +
         " characters)";
}

struct Secrets {
  std::map<std::string, std::string> found;  // secret -> where it was learned (file: what)
  std::set<std::string> too_short;

  void add(const std::string &value, const std::string &where) {
    if (value.empty()) return;
    if (value.size() < kMinSecretLength) {
      too_short.insert(value);
      return;
    }
    found.emplace(value, where);
  }
};

void walk_json(const nlohmann::json &j, Secrets &s, const std::string &where) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (kSecretFields.count(it.key()) && it->is_string()) s.add(it->get<std::string>(), where + " " + it.key());
      walk_json(*it, s, where);
    }
  } else if (j.is_array()) {
    for (const auto &e : j) walk_json(e, s, where);
  }
}

void secrets_from_request_log(const fs::path &file, Secrets &s) {
  std::ifstream in(file);
  std::string line;
  const std::string name = file.filename().string();
  while (std::getline(in, line)) {
    auto r = nlohmann::json::parse(line, nullptr, false);
    if (!r.is_object()) continue;
    if (r.contains("headers") && r["headers"].is_object()) {
      for (const char *h : {"authorization", "x-api-key", "api-key"}) {
        if (!r["headers"].contains(h) || !r["headers"][h].is_string()) continue;
        std::string v = r["headers"][h];
        for (const char *scheme : {"Bearer ", "bearer "})
          if (v.rfind(scheme, 0) == 0) v = v.substr(std::string(scheme).size());
        s.add(v, name + ": " + h + " header");
      }
    }
    if (!r.contains("body") || !r["body"].is_string()) continue;
    const std::string body = r["body"];
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (!j.is_discarded()) {
      walk_json(j, s, name + ": body");
      continue;
    }
    std::istringstream form(body);
    std::string pair;
    while (std::getline(form, pair, '&')) {
      auto eq = pair.find('=');
      if (eq == std::string::npos) continue;
      std::string key = percent_decode(pair.substr(0, eq));
      if (kSecretFields.count(key)) s.add(percent_decode(pair.substr(eq + 1)), name + ": form " + key);
    }
  }
}

// Keys given to the fake provider (--api-key), to qwen (--openai-api-key, OPENAI_API_KEY), and tokens
// handed over in the environment.
void secrets_from_meta(const fs::path &file, Secrets &s) {
  auto meta = nlohmann::json::parse(read_file(file), nullptr, false);
  if (!meta.is_object()) return;
  const std::string name = file.filename().string();
  const auto &args = meta.value("args", nlohmann::json::array());
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    const std::string a = args[i].get<std::string>();
    if (a == "--api-key" || a == "--openai-api-key") s.add(args[i + 1].get<std::string>(), name + ": " + a);
  }
  for (const auto &a : args) {
    const std::string text = a.get<std::string>();
    for (const char *flag : {"--api-key=", "--openai-api-key="})
      if (text.rfind(flag, 0) == 0) s.add(text.substr(std::string(flag).size()), name + ": " + flag);
  }
  if (meta.contains("env") && meta["env"].is_object()) {
    for (auto it = meta["env"].begin(); it != meta["env"].end(); ++it) {
      const std::string &k = it.key();
      if ((k.find("API_KEY") != std::string::npos || k.find("TOKEN") != std::string::npos) && it->is_string())
        s.add(it->get<std::string>(), name + ": $" + k);
    }
  }
}

struct SweepResult {
  size_t outputs = 0;
  size_t bytes = 0;
  Secrets secrets;
  std::vector<std::string> leaks;  // "file: secret (learned from ...)"
};

SweepResult sweep(const fs::path &dir) {
  SweepResult r;
  std::vector<fs::path> outputs;
  std::error_code ec;
  for (const auto &entry : fs::directory_iterator(dir, ec)) {
    const auto &p = entry.path();
    const std::string name = p.filename().string();
    if (name.size() > 6 && name.substr(name.size() - 6) == ".jsonl") secrets_from_request_log(p, r.secrets);
    if (name.size() > 10 && name.substr(name.size() - 10) == ".meta.json") secrets_from_meta(p, r.secrets);
    if (p.extension() == ".out") outputs.push_back(p);
  }
  for (const auto &[secret, why] : kAllowed) r.secrets.found.erase(secret);
  std::sort(outputs.begin(), outputs.end());
  for (const auto &p : outputs) {
    const std::string text = read_file(p);
    ++r.outputs;
    r.bytes += text.size();
    for (const auto &[secret, where] : r.secrets.found) {
      if (text.find(secret) == std::string::npos) continue;
      auto meta = p;
      meta.replace_extension(".meta.json");
      auto m = nlohmann::json::parse(read_file(meta), nullptr, false);
      const std::string test = m.is_object() ? m.value("test", "") : "";
      r.leaks.push_back(p.filename().string() + " shows " + redact(secret) + " (sent as " + where + ")" +
                        (test.empty() ? "" : " in the test \"" + test + "\""));
    }
  }
  return r;
}

}  // namespace

TEST_CASE("the sweep learns secrets from request logs and run records, and finds them in outputs", "[secrets]") {
  TempDir dir;
  dir.write("requests-1-1.jsonl",
            R"({"method":"POST","target":"/v1/chat/completions","headers":{"authorization":"Bearer bearer-token-0123456789"},"body":"{}"})"
            "\n"
            R"({"method":"POST","target":"/api/v1/oauth2/token","headers":{},"body":"grant_type=refresh_token&refresh_token=refresh%2Dtoken%2D0123456789&client_id=x"})"
            "\n"
            R"({"method":"POST","target":"/x","headers":{"authorization":"Bearer short"},"body":"{\"access_token\":\"json-access-token-0123\"}"})"
            "\n");
  dir.write("qwen-fake-provider-1-2.meta.json", R"({"args":["/fake","--api-key","provider-key-0123456789"],"env":{}})");
  dir.write("qwen-1-3.meta.json", R"({"args":["/qwen","-p","hi"],"env":{"OPENAI_API_KEY":"env-key-0123456789"}})");
  dir.write("qwen-1-3.out", "=== stdout ===\nclean\n=== stderr ===\nnothing here, sk-…6789\n");
  auto clean = sweep(dir.path());
  CHECK(clean.outputs == 1);
  CHECK(clean.leaks.empty());
  CHECK(clean.secrets.found.size() == 5);
  CHECK(clean.secrets.too_short.count("short") == 1);

  for (const std::string secret : {"bearer-token-0123456789", "refresh-token-0123456789", "json-access-token-0123",
                                   "provider-key-0123456789", "env-key-0123456789"}) {
    dir.write("qwen-1-4.out", "=== stdout ===\n\n=== stderr ===\nqwen: debug: token " + secret + "\n");
    auto leaky = sweep(dir.path());
    REQUIRE(leaky.leaks.size() == 1);
    CHECK(leaky.leaks[0].find("qwen-1-4.out") != std::string::npos);
    CHECK(leaky.leaks[0].find(secret) == std::string::npos);  // the report itself is redacted
    CHECK(leaky.leaks[0].find(secret.substr(secret.size() - 4)) != std::string::npos);
  }
}

// Hidden: run by CTest after all other tests ("secrets sweep: ..." in tests/CMakeLists.txt).
TEST_CASE("sweep: no test secret appears in any saved stdout or stderr of the suite", "[.][sweep]") {
  const char *dir = std::getenv("QWEN_TEST_OUTPUT_DIR");
  if (!dir || !fs::is_directory(dir)) {
    WARN("no saved outputs in " << (dir ? dir : "(QWEN_TEST_OUTPUT_DIR unset)") << ": nothing to check");
    return;
  }
  auto r = sweep(dir);
  std::ostringstream summary;
  summary << "checked " << r.outputs << " outputs (" << r.bytes << " bytes) for " << r.secrets.found.size()
          << " secrets; " << r.secrets.too_short.size() << " values under " << kMinSecretLength
          << " characters not searched";
  for (const auto &value : r.secrets.too_short) summary << "\n  not searched: " << redact(value);
  WARN(summary.str());
  for (const auto &leak : r.leaks) FAIL_CHECK(leak);
  CHECK(r.leaks.empty());
}
