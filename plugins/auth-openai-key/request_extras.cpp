#include "request_extras.hpp"

#include <qwen/sdk/dashscope.hpp>
#include <qwen/sdk/url.hpp>

#include <algorithm>
#include <cctype>

namespace openai_key {
namespace {

// An HTTP header name (RFC 9110 token) and a value with no line break or NUL: a settings file must not be
// able to write a second header, or a request line, into the request.
bool is_token(const std::string &name) {
  if (name.empty() || name.size() > 256) return false;
  for (unsigned char c : name)
    if (c <= 32 || c >= 127 || std::string_view("\"(),/:;<=>?@[\\]{}").find(static_cast<char>(c)) != std::string_view::npos)
      return false;
  return true;
}

bool is_header_value(const std::string &value) {
  if (value.size() > 8192) return false;
  for (unsigned char c : value)
    if (c == '\r' || c == '\n' || c == '\0') return false;
  return true;
}

const nlohmann::json *member(const nlohmann::json &object, const char *name) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

}  // namespace

RequestExtras request_extras(const std::optional<nlohmann::json> &provider,
                             const std::optional<nlohmann::json> &generation_config, const std::string &base_url,
                             const std::string &host_version) {
  RequestExtras out;
  // Qwen Code's defaults first; customHeaders of the same name replace them (the host keeps the first of a name).
  std::vector<std::string> defaults;
  if (qwen::sdk::is_dashscope_url(base_url)) defaults = qwen::sdk::dashscope_headers(host_version, "openai");
  if (qwen::sdk::url_host(base_url) == "openrouter.ai")
    defaults = {"HTTP-Referer: https://github.com/QwenLM/qwen-code.git", "X-OpenRouter-Title: Qwen Code"};

  const nlohmann::json *config = nullptr;
  if (provider)
    config = member(*provider, "generationConfig");
  else if (generation_config)
    config = &*generation_config;
  if (config && !config->is_null() && !config->is_object()) {
    out.ignored.push_back("generationConfig is not an object");
    config = nullptr;
  }
  if (config) {
    if (const auto *headers = member(*config, "customHeaders")) {
      static const nlohmann::json kNone = nlohmann::json::object();
      if (!headers->is_object()) out.ignored.push_back("generationConfig.customHeaders is not an object");
      for (const auto &[name, value] : (headers->is_object() ? *headers : kNone).items()) {
        if (!value.is_string() || !is_token(name) || !is_header_value(value.get<std::string>())) {
          out.ignored.push_back("customHeaders: the header '" + (is_token(name) ? name : std::string("?")) +
                                "' is not a valid HTTP header");
          continue;
        }
        out.headers.push_back(name + ": " + value.get<std::string>());
      }
    }
    for (const char *section : {"samplingParams", "extra_body"}) {
      const auto *fields = member(*config, section);
      if (!fields || fields->is_null()) continue;
      if (!fields->is_object()) {
        out.ignored.push_back(std::string("generationConfig.") + section + " is not an object");
        continue;
      }
      for (const auto &[name, value] : fields->items()) out.body[name] = value;
    }
  }
  for (auto &h : defaults) {
    const std::string name = h.substr(0, h.find(':'));
    bool replaced = false;
    for (const auto &mine : out.headers)
      replaced = replaced || (mine.size() > name.size() && mine[name.size()] == ':' &&
                              std::equal(name.begin(), name.end(), mine.begin(), [](char a, char b) {
                                return std::tolower(static_cast<unsigned char>(a)) ==
                                       std::tolower(static_cast<unsigned char>(b));
                              }));
    if (!replaced) out.headers.push_back(std::move(h));
  }
  return out;
}

}  // namespace openai_key
