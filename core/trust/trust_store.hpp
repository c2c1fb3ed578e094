// trust_store.hpp — the directories the user has trusted, and the exact files
// trusted there: <qwen home>/trusted_projects.json (0600, written atomically).
//
//   {"version": 1, "projects": {"/home/u/src/app": {
//       "trusted_at": "2026-12-01T15:00:00Z",
//       "files": {".qwen/config.toml": "sha256:…", ".env": "sha256:…"}}}}
//
// A project file is trusted when its directory's record holds its name with
// the hash of its current bytes: editing the file, or adding a new project file
// to the directory, asks again (direnv's model).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "trust/project_file.hpp"

namespace qwen::trust {

struct TrustRecord {
  std::string root;
  std::string trusted_at;
  std::map<std::string, std::string> files;  // relative name -> "sha256:<hex>"
};

class TrustStore {
 public:
  explicit TrustStore(std::filesystem::path file);

  const std::filesystem::path &file() const { return file_; }
  // Why the store cannot be used (unreadable, damaged), or nullopt. A damaged store trusts nothing and is
  // never overwritten: the user's records are theirs to repair.
  const std::optional<std::string> &problem() const { return problem_; }

  bool is_trusted(const ProjectFile &f) const;
  // Records the files with their current hashes; throws std::runtime_error when the store cannot be written.
  void trust(const std::vector<ProjectFile> &files);
  // Forgets a directory; false when it was not trusted.
  bool revoke(const std::filesystem::path &root);
  const std::vector<TrustRecord> &records() const { return records_; }

 private:
  void save() const;

  std::filesystem::path file_;
  std::vector<TrustRecord> records_;
  std::optional<std::string> problem_;
};

// "sha256:<hex>" of a file's bytes, or empty when it cannot be read.
std::string file_digest(const std::filesystem::path &file);

}  // namespace qwen::trust
