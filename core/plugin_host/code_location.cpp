#include "plugin_host/code_location.hpp"

#include <sys/stat.h>

#include <qwen/sdk/safe_file.hpp>

namespace qwen::plugin_host {
namespace {

std::string refusal(const std::string &problem, const std::filesystem::path &culprit, const struct stat &st, uid_t me) {
  return problem + ", and qwen loads no code another user can change: " + sdk::strict_modes_fix(culprit, st, me);
}

}  // namespace

std::optional<std::string> unsafe_plugin_folder(const std::filesystem::path &dir, uid_t me) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return std::nullopt;
  if (auto problem = sdk::ownership_problem(st, me)) return refusal(*problem, dir, st, me);
  // The folders above, as the path names them and as the link (if any) resolves: either way leads there.
  std::error_code ec;
  const auto resolved = std::filesystem::canonical(dir, ec);
  for (const auto &start : {dir.lexically_normal(), ec ? dir.lexically_normal() : resolved}) {
    for (auto up = start.parent_path(); !up.empty(); up = up.parent_path()) {
      if (::stat(up.c_str(), &st) == 0) {
        const bool sticky = (st.st_mode & S_ISVTX) != 0;
        auto problem = sdk::ownership_problem(st, me);
        if (problem && !(sticky && (st.st_uid == me || st.st_uid == 0)))
          return refusal("is inside " + up.string() + ", which " + *problem, up, st, me);
      }
      if (up == up.parent_path()) break;
    }
  }
  return std::nullopt;
}

std::optional<std::string> unsafe_plugin_file(const std::filesystem::path &file, uid_t me) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return std::nullopt;
  if (auto problem = sdk::ownership_problem(st, me)) return refusal(*problem, file, st, me);
  return std::nullopt;
}

}  // namespace qwen::plugin_host
