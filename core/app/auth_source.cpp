#include "app/auth_source.hpp"

#include "util/log.hpp"
#include "util/redactor.hpp"

namespace qwen::app {

qwen_kv_sink KeyValues::sink() {
  qwen_kv_sink s{};
  s.struct_size = sizeof s;
  s.ctx = this;
  s.put = [](void *ctx, const char *k, const char *v) {
    try {
      static_cast<KeyValues *>(ctx)->pairs.emplace_back(k ? k : "", v ? v : "");
    } catch (...) {
    }
  };
  return s;
}

qwen_error empty_error() {
  qwen_error e{};
  e.struct_size = sizeof e;
  return e;
}

// plugin.h 1.3: a JSON object whose members join the request body; a later member of a name wins; the
// host's own members are not the plugin's to replace.
void AuthSource::add_body_fields(const std::string &json, nlohmann::json &into) const {
  const auto fields = nlohmann::json::parse(json, nullptr, false);
  if (!fields.is_object()) {
    util::log_debug("'" + id() + "' credentials: a \"body\" that is not a JSON object is ignored");
    return;
  }
  for (const auto &[name, value] : fields.items()) {
    if (name == "model" || name == "messages" || name == "stream" || name == "stream_options") {
      util::log_debug("'" + id() + "' credentials: the body member \"" + name + "\" is the host's; ignored");
      continue;
    }
    into[name] = value;
  }
}

qwen_status AuthSource::credentials(uint32_t flags, chat::Credentials &out, std::string &error) {
  KeyValues kv;
  qwen_kv_sink sink = kv.sink();
  qwen_error err = empty_error();
  qwen_status status = QWEN_ERR_INTERNAL;
  try {
    status = plugin_.auth()->get_credentials(flags, &sink, &err);
  } catch (...) {
    error = "the sign-in plugin '" + id() + "' threw a C++ exception across the plugin boundary";
    return QWEN_ERR_INTERNAL;
  }
  if (status != QWEN_OK) {
    err.message[sizeof err.message - 1] = '\0';
    error = err.message[0] ? err.message : "the sign-in plugin '" + id() + "' failed without a reason";
    return status;
  }
  for (const auto &[key, value] : kv.pairs) {
    if (key == "base_url") {
      out.base_url = value;
      util::register_url_password(value);  // "http://user:PASSWORD@host/v1": a secret too
    } else if (key == "token") {
      out.token = value;
      util::register_secret(value);  // the host scrubs it even if the plugin forgot to
    } else if (key == "model")
      out.model = value;
    else if (key == "header")
      out.headers.push_back(value);
    else if (key == "body")
      add_body_fields(value, out.body_fields);
    else if (key == "expires_at" || key == "account")  // informational (plugin.h): for --debug only
      util::log_debug("'" + id() + "' credentials: " + key + " " + util::scrub(value));
  }
  return QWEN_OK;
}

std::optional<std::string> AuthSource::on_api_response(int http_status, const std::string &retry_after) {
  if (!plugin_.auth()->on_api_response) return std::nullopt;
  char message[1024] = {0};
  try {
    qwen_status s = plugin_.auth()->on_api_response(http_status, retry_after.empty() ? nullptr : retry_after.c_str(),
                                                    message, sizeof message);
    if (s == QWEN_OK && message[0]) return std::string(message);
  } catch (...) {
  }
  return std::nullopt;
}

}  // namespace qwen::app
