#include "session_client.hpp"

namespace tty_frontend {

std::string CommandResult::value(const std::string &key) const {
  for (const auto &kv : pairs)
    if (kv.name == key) return kv.value;
  return {};
}

namespace {

// A session command's value: tab-separated fields (at least one, maybe empty).
std::vector<std::string> tab_fields(const std::string &value) {
  std::vector<std::string> fields;
  size_t start = 0;
  while (true) {
    auto tab = value.find('\t', start);
    fields.push_back(value.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) return fields;
    start = tab + 1;
  }
}

}  // namespace

std::vector<AuthMethod> parse_auth_list(const std::vector<qwen::sdk::Header> &pairs) {
  std::vector<AuthMethod> out;
  for (const auto &kv : pairs) {
    AuthMethod m;
    m.id = kv.name;
    const std::vector<std::string> fields = tab_fields(kv.value);
    m.name = fields[0].empty() ? m.id : fields[0];
    if (fields.size() > 3) m.description = fields[3];
    m.selected = fields.size() > 1 && fields[1] == "selected";
    const std::string availability = fields.size() > 2 ? fields[2] : "available";
    m.available = availability == "available";
    if (!m.available) {
      const std::string prefix = "unavailable: ";
      m.unavailable_reason =
          availability.compare(0, prefix.size(), prefix) == 0 ? availability.substr(prefix.size()) : availability;
    }
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<AccountLogin> parse_auth_accounts(const std::vector<qwen::sdk::Header> &pairs) {
  std::vector<AccountLogin> out;
  for (const auto &kv : pairs) {
    const std::vector<std::string> fields = tab_fields(kv.value);
    out.push_back({kv.name, fields[0] == "yes", fields.size() > 1 && fields[1] == "yes"});
  }
  return out;
}

CommandResult SessionClient::run(const std::string &verb, const std::string &arg) const {
  CommandResult r;
  // Another method (or a new login) may offer other models.
  if (verb == "auth.select" || verb == "auth.login") models_.reset();
  r.status = host_.command(verb, arg, &r.pairs, &r.error);
  if (r.status != QWEN_OK && r.error.empty()) r.error = "'" + verb + "' failed";
  return r;
}

std::vector<AuthMethod> SessionClient::auth_methods() const {
  CommandResult r = run("auth.list");
  return r.ok() ? parse_auth_list(r.pairs) : std::vector<AuthMethod>{};
}

const std::vector<qwen::sdk::Header> &SessionClient::models() const {
  if (!models_) {
    CommandResult r = run("models.list");
    models_ = r.ok() ? r.pairs : std::vector<qwen::sdk::Header>{};
  }
  return *models_;
}

}  // namespace tty_frontend
