#include "app/auth_choice.hpp"

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "config/config_writer.hpp"
#include "config/qwen_code_settings.hpp"
#include "config/qwen_code_settings_writer.hpp"
#include "plugin_host/plugin_id.hpp"

namespace qwen::app {
namespace {

// A value from a file, quoted for a message: JSON-escaped (no control character reaches the terminal) and cut.
std::string quoted(const std::string &value) {
  std::string v = value.size() > 64 ? value.substr(0, 64) + "..." : value;
  return nlohmann::json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The choice a settings.json makes, when qwen can follow it; otherwise nullopt and, when the file names
// something qwen cannot use, a warning (completed by the caller with what is used instead).
struct SettingsChoice {
  std::optional<std::string> id;
  std::optional<std::string> unusable;  // "FILE: security.auth.selectedType "x" is ..."
};

SettingsChoice settings_choice(const config::QwenCodeSettings &s, bool project, const AuthChoiceInputs &in,
                               std::vector<std::string> &warnings) {
  SettingsChoice out;
  const std::filesystem::path &file = s.file;
  if (s.error) {
    if (project) warnings.push_back(*s.error);  // the user's file was read, and its error told, at start-up
    return out;
  }
  const std::string where = file.string() + ": security.auth.selectedType ";
  if (s.selected_auth_not_text) {
    out.unusable = where + "is not a string";
  } else if (s.selected_auth) {
    const std::string &v = *s.selected_auth;
    if (!plugin_host::is_plugin_id(v))
      out.unusable = where + quoted(v) + " is not a sign-in method qwen has";
    else if (!in.installed || !in.installed(v))
      out.unusable = where + quoted(v) + " is not a sign-in method qwen has" +
                     (config::is_shared_auth_method(v) ? " installed" : "");
    else
      out.id = v;
  }
  return out;
}

// "qwen-oauth, openai" among the shared methods that are installed.
std::string installed_shared(const AuthChoiceInputs &in) {
  std::string list;
  for (const char *id : {"qwen-oauth", "openai"})
    if (in.installed && in.installed(id)) list += (list.empty() ? "" : ", ") + std::string(id);
  return list;
}

}  // namespace

std::optional<std::string> auth_in_config_file(const std::filesystem::path &config_toml) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(config_toml, ec)) return std::nullopt;
  try {
    toml::table t = toml::parse_file(config_toml.string());
    if (auto v = t.get_as<std::string>("auth")) return v->get();
  } catch (const std::exception &) {
  }
  return std::nullopt;
}

AuthChoice decide_auth(const AuthChoiceInputs &in) {
  AuthChoice c;
  std::vector<std::string> unusable;  // settings.json choices passed over, told once the fallback is known
  auto take = [&](const std::string &id, const std::string &source, bool by_user) {
    c.id = id;
    c.source = source;
    c.chosen_by_user = by_user;
  };
  // The user's file is read once here, for its choice and for its enforcedType.
  const auto user = config::read_qwen_code_settings(in.user_settings, {/*follow_links=*/true});
  auto from_settings = [&](const config::QwenCodeSettings &file, bool project) {
    SettingsChoice s = settings_choice(file, project, in, c.warnings);
    if (s.unusable) unusable.push_back(*s.unusable);
    if (s.id) take(*s.id, file.file.string(), true);
    return s.id.has_value();
  };
  const bool user_config_third_party = in.user_config && !config::is_shared_auth_method(*in.user_config);
  if (in.flag) {
    take(*in.flag, "--auth-type", true);
  } else if (in.project_config) {
    take(*in.project_config, "project config.toml", true);
  } else if (in.workspace_settings &&
             from_settings(config::read_qwen_code_settings(*in.workspace_settings, {/*follow_links=*/false}), true)) {
  } else if (user_config_third_party) {
    take(*in.user_config, "config.toml", true);
  } else if (from_settings(user, false)) {
  } else if (in.user_config) {
    take(*in.user_config, "config.toml", true);
  } else {
    take("", "", false);  // decided below: the enforced method, the environment's, or the default
  }
  if (user.enforced_auth) {
    c.enforced = *user.enforced_auth;
    c.enforced_file = in.user_settings.string();
    if (!plugin_host::is_plugin_id(*c.enforced) || !in.installed || !in.installed(*c.enforced)) {
      c.enforcement_error = c.enforced_file + ": security.auth.enforcedType " + (quoted)(*c.enforced) +
                            " is not a sign-in method qwen has installed, and no other may be used";
      return c;
    }
  }
  if (!c.chosen_by_user) {
    if (c.enforced) {
      take(*c.enforced, in.user_settings.string() + " (security.auth.enforcedType)", false);
    } else if (auto configured = in.environment_method ? in.environment_method() : std::nullopt) {
      take(*configured, "environment", false);
    } else {
      take(in.default_method, "default", false);
    }
  } else if (c.enforced) {
    if (c.id != *c.enforced) {
      // Qwen Code's headless text, then where the rule is.
      c.enforcement_error = "The configured auth type is " + *c.enforced + ", but the current auth type is " +
                            c.id + ". Please re-authenticate with the correct type. (security.auth.enforcedType "
                            "in " + c.enforced_file + "; the current one comes from " + c.source + ")";
    }
  }
  const std::string shared = installed_shared(in);
  for (const auto &u : unusable)
    c.warnings.push_back(u + "; using " + c.id + " instead" +
                         (shared.empty() ? "" : " (qwen signs in with " + shared + " or an installed plugin)") +
                         ". Choose with --auth-type or /auth.");
  return c;
}

std::string enforced_method_refusal(const AuthChoice &choice, const std::string &wanted) {
  return "Authentication is enforced to be " + choice.enforced.value_or("") + ", but you are choosing " + wanted +
         " (security.auth.enforcedType in " + choice.enforced_file + ")";
}

std::vector<std::string> remember_auth_choice(const std::string &id, const std::filesystem::path &user_settings,
                                              const std::filesystem::path &user_config, bool only_shared_file) {
  std::vector<std::string> warnings;
  std::error_code ec;
  const bool settings_exist = std::filesystem::symlink_status(user_settings, ec).type() !=
                              std::filesystem::file_type::not_found;
  bool in_settings = false;
  if (config::is_shared_auth_method(id) && settings_exist) {
    try {
      config::set_selected_auth_type(user_settings, id);
      in_settings = true;
    } catch (const config::SettingsWriteError &e) {
      // A file that is not JSON is ignored when read, so config.toml still decides: keep the choice there.
      if (!e.syntax_error()) {
        warnings.push_back(std::string("the choice is not remembered: ") + e.what());
        return warnings;
      }
      warnings.push_back(std::string(only_shared_file ? "the choice is not remembered: "
                                                      : "the choice is remembered in config.toml, not in "
                                                        "settings.json: ") +
                         e.what());
    }
  }
  if (in_settings) {
    // A third-party id left in config.toml would win over settings.json: make it agree.
    auto current = auth_in_config_file(user_config);
    if (!current || *current == id) return warnings;
  } else if (only_shared_file) {
    return warnings;
  }
  try {
    config::set_top_level_string(user_config, "auth", id);
  } catch (const std::exception &e) {
    warnings.push_back(std::string("the choice is not remembered: ") + e.what());
  }
  return warnings;
}

}  // namespace qwen::app
