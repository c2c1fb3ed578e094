#include "credentials_file.hpp"

#include <algorithm>

namespace qwen_oauth {
namespace {

using ojson = nlohmann::ordered_json;

// Tokens a server issues without a lifetime are treated as valid for an hour (a 401 still forces a refresh).
constexpr int64_t kAssumedLifetimeS = 3600;
// A longer lifetime is cut to this: now + expires_in must neither overflow nor leave a file parse_credentials refuses.
constexpr int64_t kMaxLifetimeS = int64_t(10) * 365 * 24 * 3600;

std::string optional_string(const ojson &doc, const char *key) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return {};
  if (!it->is_string()) throw CredentialsFileError(std::string("\"") + key + "\" is not a string");
  return it->get<std::string>();
}

// Deeper JSON is refused: copying or writing a document back recurses once per level.
constexpr int kMaxDepth = 64;

bool nested_too_deeply(const std::string &text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

}  // namespace

OAuthCredentials parse_credentials(const std::string &text) {
  if (text.size() > kMaxCredentialsFileSize)
    // `text` is what was read, which stops just past the limit: its size is not the file's.
    throw CredentialsFileError("it is larger than " + std::to_string(kMaxCredentialsFileSize >> 20) +
                               " MiB, far too large for a login (a real one is a few hundred bytes)");
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) throw CredentialsFileError("it is empty");
  ojson doc = ojson::parse(text, nullptr, false);
  if (doc.is_discarded()) throw CredentialsFileError("it is not valid JSON (truncated or damaged)");
  if (nested_too_deeply(text)) throw CredentialsFileError("it is nested too deeply");
  if (!doc.is_object()) throw CredentialsFileError("it is not a JSON object");
  OAuthCredentials c;
  c.access_token = optional_string(doc, "access_token");
  if (c.access_token.empty()) throw CredentialsFileError("it has no \"access_token\"");
  c.refresh_token = optional_string(doc, "refresh_token");
  if (auto t = optional_string(doc, "token_type"); !t.empty()) c.token_type = t;
  c.resource_url = optional_string(doc, "resource_url");
  c.issuer = optional_string(doc, kIssuerField);
  auto expiry = doc.find("expiry_date");
  if (expiry == doc.end()) throw CredentialsFileError("it has no \"expiry_date\"");
  if (!expiry->is_number()) throw CredentialsFileError("\"expiry_date\" is not a number");
  double ms = expiry->get<double>();
  // At least 1: a fraction like 0.5 would be stored as 0, which is then refused when the file is read again.
  if (!(ms >= 1 && ms < 1e16)) throw CredentialsFileError("\"expiry_date\" is out of range");
  c.expiry_date_ms = static_cast<int64_t>(ms);
  c.document = std::move(doc);
  return c;
}

std::string serialize_credentials(const OAuthCredentials &c) {
  ojson doc = c.document.is_object() ? c.document : ojson::object();
  // Fields are set in Qwen Code's order, so a new file looks exactly like one it writes;
  // in an existing document each keeps its place.
  doc["access_token"] = c.access_token;
  if (!c.refresh_token.empty())
    doc["refresh_token"] = c.refresh_token;
  else
    doc.erase("refresh_token");
  doc["token_type"] = c.token_type.empty() ? "Bearer" : c.token_type;
  if (!c.resource_url.empty())
    doc["resource_url"] = c.resource_url;
  else
    doc.erase("resource_url");
  doc["expiry_date"] = c.expiry_date_ms;
  if (!c.issuer.empty()) doc[kIssuerField] = c.issuer;
  return doc.dump(2);
}

OAuthCredentials apply_grant(const TokenGrant &grant, int64_t now_ms, const OAuthCredentials *previous) {
  OAuthCredentials c;
  if (previous) c = *previous;
  c.access_token = grant.access_token;
  if (!grant.refresh_token.empty()) c.refresh_token = grant.refresh_token;
  c.token_type = grant.token_type.empty() ? "Bearer" : grant.token_type;
  // Qwen Code overwrites resource_url with whatever came (even nothing); keeping the old host is kinder.
  if (grant.resource_url && !grant.resource_url->empty()) c.resource_url = *grant.resource_url;
  int64_t lifetime_s =
      grant.expires_in_s && *grant.expires_in_s > 0 ? std::min(*grant.expires_in_s, kMaxLifetimeS) : kAssumedLifetimeS;
  c.expiry_date_ms = now_ms + lifetime_s * 1000;
  return c;
}

}  // namespace qwen_oauth
