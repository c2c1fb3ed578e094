#include "trust/trust_command.hpp"

#include <qwen/plugin.h>

#include <cstdio>
#include <set>

#include "trust/trust_boundary.hpp"
#include "util/log.hpp"

namespace qwen::trust {
namespace {

std::filesystem::path absolute_dir(const std::optional<std::string> &dir) {
  std::error_code ec;
  auto p = std::filesystem::absolute(dir ? std::filesystem::path(*dir) : std::filesystem::current_path(ec), ec);
  return p.lexically_normal();
}

int list(const TrustStore &store) {
  if (store.records().empty()) std::printf("No trusted directories (%s).\n", store.file().c_str());
  for (const auto &r : store.records()) {
    std::printf("%s (trusted %s)\n", r.root.c_str(), r.trusted_at.c_str());
    for (const auto &[name, digest] : r.files) {
      const auto path = std::filesystem::path(r.root) / name;
      const std::string now = file_digest(path);
      const char *state = now.empty() ? "missing: asks again if it comes back"
                                      : (now == digest ? "unchanged" : "changed since: asks again");
      std::printf("  %s: %s\n", name.c_str(), state);
    }
  }
  return QWEN_EXIT_OK;
}

}  // namespace

int run_trust_command(TrustAction action, const std::optional<std::string> &dir,
                      const std::filesystem::path &user_home, const std::filesystem::path &qwen_home) {
  TrustStore store(trust_store_path(qwen_home));
  if (store.problem()) {
    util::log_error(*store.problem());
    return QWEN_EXIT_BAD_INPUT;
  }
  if (action == TrustAction::List) return list(store);

  const auto where = absolute_dir(dir);
  std::error_code ec;
  if (!std::filesystem::is_directory(where, ec)) {
    util::log_error(where.string() + " is not a directory");
    return QWEN_EXIT_BAD_INPUT;
  }
  ProjectFiles files = project_files_for(where, user_home, qwen_home);
  try {
    if (action == TrustAction::Revoke) {
      std::set<std::filesystem::path> roots = {where};
      if (files.config) roots.insert(files.config->root);
      for (const auto &f : files.present()) roots.insert(f.root);
      bool any = false;
      for (const auto &root : roots)
        if (store.revoke(root)) {
          std::printf("No longer trusted: %s\n", root.c_str());
          any = true;
        }
      if (!any) std::printf("%s was not trusted; nothing to revoke.\n", where.c_str());
      return QWEN_EXIT_OK;
    }
    const std::vector<ProjectFile> to_trust = files.present();
    if (to_trust.empty()) {
      std::printf("No project files apply in %s (.qwen/config.toml, .qwen/settings.json, .qwen/.env or .env); "
                  "nothing to trust.\n",
                  where.c_str());
      return QWEN_EXIT_OK;
    }
    store.trust(to_trust);
    for (const auto &f : to_trust)
      std::printf("Trusted %s (a change to it asks again).\n", f.path.lexically_normal().c_str());
  } catch (const std::exception &e) {
    util::log_error(e.what());
    return QWEN_EXIT_ERROR;
  }
  return QWEN_EXIT_OK;
}

}  // namespace qwen::trust
