#include "app/model_list.hpp"

#include <algorithm>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "app/auth_method_info.hpp"
#include "app/auth_source.hpp"
#include "net/http_client.hpp"
#include "services/cancellation.hpp"
#include "util/utf8.hpp"

namespace qwen::app {
namespace {

constexpr size_t kMaxBody = 8u << 20;
constexpr size_t kMaxModels = 5000;
constexpr size_t kMaxIdBytes = 256;
constexpr size_t kMaxDescriptionBytes = 512;

bool printable(std::string_view s) {
  if (util::first_invalid_utf8(s)) return false;
  return std::none_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

std::string trimmed_description(const std::string &text) {
  std::string d = text.substr(0, kMaxDescriptionBytes);
  while (!d.empty() && util::first_invalid_utf8(d)) d.pop_back();  // a cut in the middle of a character
  return printable(d) ? d : std::string();
}

ModelListResult from_plugin(const plugin_host::LoadedPlugin &plugin) {
  ModelListResult r;
  r.source = "the plugin";
  KeyValues kv;
  qwen_kv_sink sink = kv.sink();
  qwen_error err = empty_error();
  try {
    r.status = plugin.auth()->list_models(&sink, &err);
  } catch (...) {
    r.status = QWEN_ERR_INTERNAL;
  }
  err.message[sizeof err.message - 1] = '\0';
  if (r.status != QWEN_OK) {
    r.error = err.message[0] ? err.message : "'" + plugin.id() + "' could not list its models";
    return r;
  }
  for (const auto &[id, description] : kv.pairs) {
    if (id.empty() || id.size() > kMaxIdBytes || !printable(id) || r.models.size() >= kMaxModels) continue;
    r.models.push_back({id, trimmed_description(description)});
  }
  return r;
}

ModelListResult from_api(const plugin_host::LoadedPlugin &plugin, chat::CredentialSource &credentials,
                         const config::NetworkSettings &network) {
  ModelListResult r;
  chat::Credentials creds;
  std::string error;
  r.status = credentials.credentials(0, creds, error);
  if (r.status != QWEN_OK) {
    r.error = error;
    return r;
  }
  std::string base = creds.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  net::HttpRequest req;
  req.url = base + "/models";
  r.source = req.url;
  if (!creds.token.empty()) req.headers.push_back("Authorization: Bearer " + creds.token);
  for (const auto &h : creds.headers) req.headers.push_back(h);
  req.headers.push_back("Accept: application/json");
  req.timeouts.connect_ms = network.connect_timeout_ms;
  req.timeouts.idle_ms = network.idle_timeout_ms;
  req.timeouts.total_ms = 60000;  // a list, not an answer: a minute is plenty
  std::string body;
  bool too_big = false;
  net::HttpHandlers handlers;
  handlers.on_body = [&](std::string_view bytes) {
    if (body.size() + bytes.size() > kMaxBody) {
      too_big = true;
      return false;
    }
    body.append(bytes);
    return true;
  };
  handlers.should_cancel = services::cancel_requested;
  services::clear_cancel();
  const net::HttpResult http = net::http_perform(req, handlers);
  const std::string where = "GET " + req.url;
  if (too_big) {
    r.status = QWEN_ERR_BAD_RESPONSE;
    r.error = where + ": the answer is larger than 8 MiB";
  } else if (http.outcome == net::HttpOutcome::Cancelled) {
    r.status = QWEN_ERR_CANCELLED;
    r.error = "cancelled";
  } else if (http.outcome != net::HttpOutcome::Complete) {
    r.status = http.outcome == net::HttpOutcome::BadRequest ? QWEN_ERR_CONFIG : QWEN_ERR_NETWORK;
    r.error = where + ": " + http.error;
  } else if (http.status == 401 || http.status == 403) {
    r.status = QWEN_ERR_AUTH_REJECTED;
    r.error = where + ": the server refused the credentials of '" + plugin.id() + "' (HTTP " +
              std::to_string(http.status) + ")";
  } else if (http.status == 429) {
    r.status = QWEN_ERR_RATE_LIMITED;
    r.error = where + ": rate limited (HTTP 429)";
  } else if (http.status != 200) {
    r.status = http.status >= 500 ? QWEN_ERR_NETWORK : QWEN_ERR_BAD_RESPONSE;
    r.error = where + ": HTTP " + std::to_string(http.status) + " (this server may not list models)";
  } else {
    try {
      r.models = parse_models_answer(body);
    } catch (const std::exception &e) {
      r.status = QWEN_ERR_BAD_RESPONSE;
      r.error = where + ": " + e.what();
    }
  }
  return r;
}

}  // namespace

std::vector<ModelEntry> parse_models_answer(std::string_view body) {
  const auto doc = nlohmann::json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) throw std::runtime_error("the answer is not JSON");
  if (!doc.is_object() || !doc.contains("data") || !doc["data"].is_array())
    throw std::runtime_error("the answer has no \"data\" list of models");
  std::vector<ModelEntry> models;
  for (const auto &m : doc["data"]) {
    if (models.size() >= kMaxModels) break;
    if (!m.is_object() || !m.contains("id") || !m["id"].is_string()) continue;
    const std::string id = m["id"].get<std::string>();
    if (id.empty() || id.size() > kMaxIdBytes || !printable(id)) continue;
    std::string description;
    if (m.contains("description") && m["description"].is_string())
      description = trimmed_description(m["description"].get<std::string>());
    models.push_back({id, description});
  }
  std::sort(models.begin(), models.end(), [](const ModelEntry &a, const ModelEntry &b) { return a.id < b.id; });
  models.erase(std::unique(models.begin(), models.end(), [](const ModelEntry &a, const ModelEntry &b) { return a.id == b.id; }),
               models.end());
  return models;
}

ModelListResult list_models(const plugin_host::LoadedPlugin &plugin, chat::CredentialSource &credentials,
                            const config::NetworkSettings &network) {
  const qwen_auth_interface *a = plugin.auth();
  if (QWEN_HAS_FIELD(a, qwen_auth_interface, list_models) && a->list_models) {
    ModelListResult own = from_plugin(plugin);
    if (own.status != QWEN_ERR_UNSUPPORTED) return own;
  }
  if (method_flags(plugin) & QWEN_AUTH_METHOD_MODELS_FROM_API) return from_api(plugin, credentials, network);
  ModelListResult none;
  none.status = QWEN_ERR_UNSUPPORTED;
  none.error = "the sign-in method '" + plugin.id() + "' has no list of models; name one with --model or /model";
  return none;
}

}  // namespace qwen::app
