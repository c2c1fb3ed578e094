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

// Shorter values are too likely to occur by chance ("Bearer x" in a test of a missing key) to be searched
// for in every output. A short key or URL password that a run of qwen was given is still searched for in
// that run's own output, where it stands alone (qwen scrubs short secrets so: util/redactor.hpp).
constexpr size_t kMinSecretLength = 12;

// Values that are sent as secrets but printed on purpose, each with the reason. Keep this tiny.
const std::map<std::string, std::string> kAllowed = {
    {"auth-token-printed-on-purpose-0123", "`qwen auth token` prints it by design (auth_scripts_test.cpp)"}};

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
  std::map<std::string, std::map<std::string, std::string>> short_by_run;  // run -> short secret -> where

  void add(const std::string &value, const std::string &where, const std::string &run = {}) {
    if (value.empty()) return;
    if (value.size() < kMinSecretLength) {
      too_short.insert(value);
      if (!run.empty()) short_by_run[run].emplace(value, where);
      return;
    }
    found.emplace(value, where);
  }
};

bool is_word_byte(unsigned char c) {
  return std::isalnum(c) || c >= 0x80;
}

// Whether `secret` occurs in `text` with no letter, digit or non-ASCII byte right before or after it.
bool contains_standing_alone(const std::string &text, const std::string &secret) {
  for (size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 1)) {
    const bool glued_before = pos > 0 && is_word_byte(static_cast<unsigned char>(text[pos - 1]));
    const size_t end = pos + secret.size();
    const bool glued_after = end < text.size() && is_word_byte(static_cast<unsigned char>(text[end]));
    if (!glued_before && !glued_after) return true;
  }
  return false;
}

// The password in a URL's userinfo ("http://user:PASSWORD@host/"), or empty.
std::string url_password(const std::string &url) {
  const auto sep = url.find("://");
  if (sep == std::string::npos) return {};
  const std::string authority = url.substr(sep + 3, url.find_first_of("/?#", sep + 3) - (sep + 3));
  const auto at = authority.rfind('@');
  const auto colon = authority.find(':');
  if (at == std::string::npos || colon == std::string::npos || colon > at) return {};
  return authority.substr(colon + 1, at - colon - 1);
}

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
  const std::string run = name.substr(0, name.size() - std::string(".meta.json").size());
  const auto &args = meta.value("args", nlohmann::json::array());
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    const std::string a = args[i].get<std::string>();
    if (a == "--api-key" || a == "--openai-api-key") s.add(args[i + 1].get<std::string>(), name + ": " + a, run);
  }
  for (const auto &a : args) {
    const std::string text = a.get<std::string>();
    for (const char *flag : {"--api-key=", "--openai-api-key="})
      if (text.rfind(flag, 0) == 0) s.add(text.substr(std::string(flag).size()), name + ": " + flag, run);
    s.add(url_password(text), name + ": a URL's password", run);
  }
  if (meta.contains("env") && meta["env"].is_object()) {
    for (auto it = meta["env"].begin(); it != meta["env"].end(); ++it) {
      const std::string &k = it.key();
      if (!it->is_string()) continue;
      if (k.find("API_KEY") != std::string::npos || k.find("TOKEN") != std::string::npos)
        s.add(it->get<std::string>(), name + ": $" + k, run);
      s.add(url_password(it->get<std::string>()), name + ": the password in $" + k, run);
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
    std::string run = p.filename().string();
    run = run.substr(0, run.size() - 4);  // NAME-PID-N.out -> NAME-PID-N
    std::map<std::string, std::string> shown;
    for (const auto &[secret, where] : r.secrets.found)
      if (text.find(secret) != std::string::npos) shown.emplace(secret, where);
    if (auto it = r.secrets.short_by_run.find(run); it != r.secrets.short_by_run.end())
      for (const auto &[secret, where] : it->second)
        if (contains_standing_alone(text, secret)) shown.emplace(secret, where);
    for (const auto &[secret, where] : shown) {
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

TEST_CASE("the sweep searches a run's output for its short keys and URL passwords where they stand alone",
          "[secrets]") {
  TempDir dir;
  dir.write("qwen-2-1.meta.json",
            R"({"args":["/qwen","-p","hi","--openai-base-url","http://me:url-pass-0123456789@127.0.0.1:9/v1"],)"
            R"("env":{"OPENAI_API_KEY":"abc","OPENAI_BASE_URL":"http://u:pw@127.0.0.1:9/v1"}})");
  auto leaks_in = [&](const std::string &output) {
    dir.write("qwen-2-1.out", "=== stdout ===\n" + output + "\n=== stderr ===\n");
    return sweep(dir.path()).leaks.size();
  };
  CHECK(leaks_in("abcd xabc http://u:****@127.0.0.1:9/v1 pwned") == 0);  // inside words: ordinary text
  CHECK(leaks_in("the key abc was refused") == 1);
  CHECK(leaks_in("POST http://u:pw@127.0.0.1:9/v1") == 1);
  CHECK(leaks_in("url-pass-0123456789") == 1);  // long: anywhere, in any output
  // Another run's output is not searched for this run's short key (it was never given to that run).
  dir.write("qwen-2-1.out", "=== stdout ===\n\n=== stderr ===\n");
  dir.write("qwen-2-2.meta.json", R"({"args":["/qwen","-p","hi"],"env":{}})");
  dir.write("qwen-2-2.out", "=== stdout ===\nabc\n=== stderr ===\n");
  CHECK(sweep(dir.path()).leaks.empty());
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
          << " characters searched only where they stand alone, in the output of the run given them";
  for (const auto &value : r.secrets.too_short) summary << "\n  short: " << redact(value);
  WARN(summary.str());
  for (const auto &leak : r.leaks) FAIL_CHECK(leak);
  CHECK(r.leaks.empty());
}
