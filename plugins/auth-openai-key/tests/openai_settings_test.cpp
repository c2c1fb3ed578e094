// Which key, base URL and model the OpenAI-compatible method uses, and the
// message that says what to set when something is missing.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <map>

#include "openai_settings.hpp"

using namespace openai_key;

namespace {

using Map = std::map<std::string, std::string>;

std::function<std::optional<std::string>(const std::string &)> from(const Map &m) {
  return [m](const std::string &k) -> std::optional<std::string> {
    auto it = m.find(k);
    return it == m.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

SettingInputs inputs(Map flags, Map entered, Map env, Map config) {
  SettingInputs in;
  in.flag = from(flags);
  in.entered = from(entered);
  in.env = from(env);
  in.config = from(config);
  return in;
}

}  // namespace

TEST_CASE("flags beat the session, the environment, config.toml and defaults") {
  auto s = resolve_settings(inputs({{"api_key", "k-flag"}}, {{"api_key", "k-entered"}}, {{"OPENAI_API_KEY", "k-env"}},
                                   {{"api_key", "k-config"}}));
  CHECK(s.api_key.value == "k-flag");
  CHECK(s.api_key.source == "flag");
  s = resolve_settings(inputs({}, {{"api_key", "k-entered"}}, {{"OPENAI_API_KEY", "k-env"}}, {}));
  CHECK(s.api_key.source == "entered");
  s = resolve_settings(inputs({}, {}, {{"OPENAI_API_KEY", "k-env"}}, {{"api_key", "k-config"}}));
  CHECK(s.api_key.value == "k-env");
  CHECK(s.api_key.source == "environment");
  s = resolve_settings(inputs({}, {}, {}, {{"api_key", "k-config"}, {"model", "m-config"}}));
  CHECK(s.api_key.source == "config.toml");
  CHECK(s.model.value == "m-config");
}

TEST_CASE("defaults: the OpenAI base URL and qwen3-coder-plus, no key") {
  auto s = resolve_settings(inputs({}, {}, {}, {}));
  CHECK(s.base_url.value == "https://api.openai.com/v1");
  CHECK(s.base_url.source == "default");
  CHECK(s.model.value == "qwen3-coder-plus");
  CHECK(s.api_key.value.empty());
  CHECK(s.api_key.source.empty());
}

TEST_CASE("an empty environment variable counts as unset") {
  auto s = resolve_settings(inputs({}, {}, {{"OPENAI_API_KEY", ""}, {"OPENAI_MODEL", ""}}, {{"api_key", "k-config"}}));
  CHECK(s.api_key.value == "k-config");
  CHECK(s.model.source == "default");
}

TEST_CASE("a value the .env loader set is attributed to that file") {
  SettingInputs in = inputs({}, {}, {{"OPENAI_API_KEY", "k"}, {"OPENAI_MODEL", "m"}}, {});
  in.env_file = "/proj/.qwen/.env";
  in.env_file_keys = "OPENAI_API_KEY";
  auto s = resolve_settings(in);
  CHECK(s.api_key.source == "/proj/.qwen/.env");
  CHECK(s.model.source == "environment");
}

TEST_CASE("trailing slashes of the base URL are dropped") {
  auto s = resolve_settings(inputs({}, {}, {{"OPENAI_BASE_URL", "https://x.example/v1//"}}, {}));
  CHECK(s.base_url.value == "https://x.example/v1");
}

TEST_CASE("a missing key names OPENAI_API_KEY, the optional variables and .qwen/.env") {
  auto s = resolve_settings(inputs({}, {}, {}, {}));
  std::string m = missing_settings_message(s);
  for (const char *word : {"OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", ".qwen/.env", "qwen auth login"})
    CHECK(m.find(word) != std::string::npos);
}

TEST_CASE("a loopback server needs no key, a remote one does") {
  for (const char *url : {"http://127.0.0.1:8080/v1", "http://localhost:11434/v1", "http://[::1]:1/v1"}) {
    auto s = resolve_settings(inputs({}, {}, {{"OPENAI_BASE_URL", url}}, {}));
    CHECK(missing_settings_message(s).empty());
  }
  auto remote = resolve_settings(inputs({}, {}, {{"OPENAI_BASE_URL", "https://dashscope.aliyuncs.com/v1"}}, {}));
  CHECK_FALSE(missing_settings_message(remote).empty());
}

TEST_CASE("plain http to a remote host is refused, a URL without a scheme is explained") {
  auto insecure =
      resolve_settings(inputs({}, {}, {{"OPENAI_BASE_URL", "http://api.example.com/v1"}, {"OPENAI_API_KEY", "k"}}, {}));
  CHECK(missing_settings_message(insecure).find("plain http") != std::string::npos);
  auto bare = resolve_settings(inputs({}, {}, {{"OPENAI_BASE_URL", "api.example.com"}, {"OPENAI_API_KEY", "k"}}, {}));
  CHECK(missing_settings_message(bare).find("must start with https://") != std::string::npos);
  auto tricky = resolve_settings(
      inputs({}, {}, {{"OPENAI_BASE_URL", "http://127.0.0.1.evil.com/v1"}, {"OPENAI_API_KEY", "k"}}, {}));
  CHECK(missing_settings_message(tricky).find("plain http") != std::string::npos);  // not loopback at all
}

TEST_CASE("the base URL's scheme is read as parsed: upper case is still plain http, a password is not repeated") {
  auto message_for = [](const char *url) {
    return missing_settings_message(
        resolve_settings(inputs({}, {}, {{"OPENAI_BASE_URL", url}, {"OPENAI_API_KEY", "k"}}, {})));
  };
  for (const char *url : {"HTTP://10.1.2.3/v1", "Http://api.example.com/v1", "http://127.0.0.1@10.1.2.3/v1"})
    CHECK(message_for(url).find("plain http") != std::string::npos);
  CHECK(message_for("HTTPS://API.example.com/v1").empty());
  CHECK(message_for("HTTP://127.0.0.1:8080/v1").empty());
  CHECK(message_for("ftp://api.example.com/v1").find("must start with https://") != std::string::npos);
  const std::string bad = message_for("https://me:hunter2@exa mple.com/v1");
  CHECK(bad.find("must start with https://") != std::string::npos);
  CHECK(bad.find("hunter2") == std::string::npos);
}

TEST_CASE("settings.json: model.name beats OPENAI_MODEL but not -m, security.auth.* come after everything") {
  SettingInputs in = inputs({}, {}, {{"OPENAI_MODEL", "m-env"}, {"OPENAI_API_KEY", "k-env"}}, {});
  in.settings = from({{"model", "m-settings"}, {"api_key", "k-settings"}, {"base_url", "https://settings.example/v1"}});
  auto s = resolve_settings(in);
  CHECK(s.model.value == "m-settings");
  CHECK(s.model.source == "settings.json");
  CHECK(s.api_key.value == "k-env");  // OPENAI_API_KEY beats security.auth.apiKey (observed)
  CHECK(s.base_url.value == "https://settings.example/v1");
  in.flag = from({{"model", "m-flag"}});
  CHECK(resolve_settings(in).model.value == "m-flag");
  in.env = from({});
  s = resolve_settings(in);
  CHECK(s.api_key.value == "k-settings");
  CHECK(s.api_key.source == "settings.json");
}

TEST_CASE("a provider entry: its envKey first, falling back to OPENAI_API_KEY, and its baseUrl beats the flag") {
  SettingInputs in = inputs({{"base_url", "https://flag.example/v1"}}, {},
                            {{"OPENAI_API_KEY", "k-openai"}, {"OPENAI_BASE_URL", "https://env.example/v1"}}, {});
  in.provider = nlohmann::json{{"id", "m"}, {"envKey", "PLAN_KEY"}, {"baseUrl", "https://plan.example/v1/"}};
  auto s = resolve_settings(in);
  CHECK(s.api_key.value == "k-openai");  // PLAN_KEY unset
  CHECK(s.key_variable == "PLAN_KEY");
  CHECK(s.base_url.value == "https://plan.example/v1");
  CHECK(s.base_url.source == "provider");
  in.env = from({{"OPENAI_API_KEY", "k-openai"}, {"PLAN_KEY", "k-plan"}});
  CHECK(resolve_settings(in).api_key.value == "k-plan");
  // No baseUrl in the entry: it falls through to the flag (0.24.4's behaviour).
  in.provider = nlohmann::json{{"id", "m"}};
  CHECK(resolve_settings(in).base_url.value == "https://flag.example/v1");
  // Hostile entry: wrong types are passed over.
  in.provider = nlohmann::json{{"id", "m"}, {"envKey", 5}, {"baseUrl", nlohmann::json::array()}};
  s = resolve_settings(in);
  CHECK(s.key_variable == "OPENAI_API_KEY");
  CHECK(s.base_url.value == "https://flag.example/v1");
}

TEST_CASE("a provider entry's envKey that nothing sets is named in Qwen Code's words") {
  SettingInputs in = inputs({}, {}, {}, {});
  in.provider = nlohmann::json{{"id", "m"}, {"envKey", "BAILIAN_CODING_PLAN_API_KEY"}, {"baseUrl", "https://x.example/v1"}};
  auto message = missing_settings_message(resolve_settings(in));
  CHECK(message.find("Set the 'BAILIAN_CODING_PLAN_API_KEY' environment variable") != std::string::npos);
}

TEST_CASE("a provider entry that names an envKey needs a key even on this machine") {
  SettingInputs in = inputs({}, {}, {}, {});
  in.provider = nlohmann::json{{"id", "m"}, {"envKey", "LOCAL_KEY"}, {"baseUrl", "http://127.0.0.1:8080/v1"}};
  CHECK(missing_settings_message(resolve_settings(in)).find("'LOCAL_KEY'") != std::string::npos);
  in.provider = nlohmann::json{{"id", "m"}, {"baseUrl", "http://127.0.0.1:8080/v1"}};
  CHECK(missing_settings_message(resolve_settings(in)).empty());
}

TEST_CASE("the stored key takes the place ~/.qwen/.env had: the environment and a .env file win, config.toml loses") {
  SettingInputs in = inputs({}, {}, {{"OPENAI_API_KEY", "k-env"}}, {{"api_key", "k-config"}, {"base_url", "https://c/v1"}});
  in.kept = from({{"api_key", "k-stored"}, {"base_url", "https://kept.example/v1"}});
  auto s = resolve_settings(in);
  CHECK(s.api_key.value == "k-env");
  CHECK(s.base_url.value == "https://kept.example/v1");
  CHECK(s.base_url.source == "sign-in");
  in.env = from({});
  s = resolve_settings(in);
  CHECK(s.api_key.value == "k-stored");
  CHECK(s.api_key.source == "secret store");
  in.settings = from({{"api_key", "k-settings"}});
  CHECK(resolve_settings(in).api_key.value == "k-stored");
}

TEST_CASE("key_command: the flag beats it, it beats the environment, the store and a provider's envKey") {
  SettingInputs in = inputs({}, {}, {{"OPENAI_API_KEY", "k-env"}, {"MY_KEY", "k-mine"}}, {});
  in.kept = from({{"api_key", "k-stored"}});
  in.command_key = "k-command";
  in.provider = nlohmann::json{{"id", "m"}, {"envKey", "MY_KEY"}};
  auto s = resolve_settings(in);
  CHECK(s.api_key.value == "k-command");
  CHECK(s.api_key.source == "key_command");
  in.flag = from({{"api_key", "k-flag"}});
  CHECK(resolve_settings(in).api_key.value != "k-command");
}

TEST_CASE("a named account takes nothing from the environment, .env files, settings.json or the provider entry") {
  SettingInputs in = inputs({}, {}, {{"OPENAI_API_KEY", "k-env"}, {"OPENAI_BASE_URL", "https://env/v1"}},
                            {{"base_url", "https://work.example/v1"}});
  in.settings = from({{"api_key", "k-settings"}, {"model", "m-settings"}});
  in.provider = nlohmann::json{{"id", "m"}, {"baseUrl", "https://provider/v1"}, {"envKey", "OPENAI_API_KEY"}};
  in.account = "work";
  auto s = resolve_settings(in);
  CHECK(s.api_key.value.empty());
  CHECK(s.base_url.value == "https://work.example/v1");  // its own table
  CHECK(s.model.value == "qwen3-coder-plus");
  CHECK(missing_settings_message(s).find("API key") != std::string::npos);
  in.kept = from({{"api_key", "k-work"}, {"base_url", "https://kept/v1"}, {"model", "m-kept"}});
  s = resolve_settings(in);
  CHECK(s.api_key.value == "k-work");
  CHECK(s.base_url.value == "https://work.example/v1");  // the table beats what the sign-in kept
  CHECK(s.model.value == "m-kept");
  in.config = from({});
  CHECK(resolve_settings(in).base_url.value == "https://kept/v1");
  in.command_key = "k-work-command";
  CHECK(resolve_settings(in).api_key.value == "k-work-command");
}
