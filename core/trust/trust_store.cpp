#include "trust/trust_store.hpp"

#include <openssl/evp.h>
#include <qwen/sdk/atomic_file.hpp>
#include <qwen/sdk/safe_file.hpp>

#include <chrono>
#include <ctime>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace qwen::trust {
namespace {

constexpr size_t kMaxStoreBytes = 4u << 20;
constexpr size_t kMaxHashedBytes = 64u << 20;

std::string utc_now() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string key_of(const std::filesystem::path &root) {
  std::error_code ec;
  auto abs = std::filesystem::absolute(root, ec);
  return (ec ? root : abs).lexically_normal().string();
}

}  // namespace

std::string file_digest(const std::filesystem::path &file) {
  std::optional<std::string> bytes;
  try {
    bytes = qwen::sdk::read_regular_file(file.string(), kMaxHashedBytes);
  } catch (const qwen::sdk::Error &) {
  }
  if (!bytes) return {};
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1) {
    EVP_MD_CTX_free(ctx);
    return {};
  }
  EVP_DigestUpdate(ctx, bytes->data(), bytes->size());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(ctx, digest, &size);
  EVP_MD_CTX_free(ctx);
  static const char *hex = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned int i = 0; i < size; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

TrustStore::TrustStore(std::filesystem::path file) : file_(std::move(file)) {
  // qwen alone writes this file: a link, a FIFO or a folder there is refused, not followed.
  std::optional<std::string> text;
  try {
    text = qwen::sdk::read_regular_file(file_.string(), kMaxStoreBytes, qwen::sdk::Links::Refuse);
  } catch (const qwen::sdk::Error &e) {
    problem_ = std::string(e.what()) + "; no directory is trusted until it is fixed or removed";
    return;
  }
  if (!text) return;
  try {
    auto j = nlohmann::json::parse(*text);
    for (const auto &[root, rec] : j.at("projects").items()) {
      TrustRecord r;
      r.root = root;
      r.trusted_at = rec.value("trusted_at", "");
      for (const auto &[name, digest] : rec.at("files").items()) r.files[name] = digest.get<std::string>();
      records_.push_back(std::move(r));
    }
  } catch (const std::exception &) {
    records_.clear();
    problem_ = file_.string() + " is damaged (not the JSON qwen writes); no directory is trusted until it is fixed "
                                "or removed";
  }
}

bool TrustStore::is_trusted(const ProjectFile &f) const {
  if (problem_) return false;
  const std::string root = key_of(f.root);
  for (const auto &r : records_) {
    if (r.root != root) continue;
    auto it = r.files.find(f.relative);
    if (it == r.files.end()) return false;
    const std::string now = file_digest(f.path);
    return !now.empty() && now == it->second;
  }
  return false;
}

void TrustStore::trust(const std::vector<ProjectFile> &files) {
  if (problem_) throw std::runtime_error(*problem_);
  for (const auto &f : files) {
    const std::string root = key_of(f.root);
    const std::string digest = file_digest(f.path);
    if (digest.empty()) throw std::runtime_error("cannot read " + f.path.string() + " to trust it");
    auto it = std::find_if(records_.begin(), records_.end(), [&](const auto &r) { return r.root == root; });
    if (it == records_.end()) {
      records_.push_back({root, {}, {}});
      it = std::prev(records_.end());
    }
    it->trusted_at = utc_now();
    it->files[f.relative] = digest;
  }
  save();
}

bool TrustStore::revoke(const std::filesystem::path &root) {
  if (problem_) throw std::runtime_error(*problem_);
  const std::string key = key_of(root);
  auto it = std::find_if(records_.begin(), records_.end(), [&](const auto &r) { return r.root == key; });
  if (it == records_.end()) return false;
  records_.erase(it);
  save();
  return true;
}

void TrustStore::save() const {
  nlohmann::ordered_json projects = nlohmann::ordered_json::object();
  for (const auto &r : records_) projects[r.root] = {{"trusted_at", r.trusted_at}, {"files", r.files}};
  nlohmann::ordered_json j = {{"version", 1}, {"projects", projects}};
  try {
    qwen::sdk::write_file_atomically(file_.string(), j.dump(2) + "\n", 0600);
  } catch (const std::exception &e) {
    throw std::runtime_error(e.what());
  }
}

}  // namespace qwen::trust
