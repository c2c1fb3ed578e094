// history_file.hpp — the tty's history on disk (<qwen home>/tty_history),
// read and written so that what is at the path cannot turn a save into damage
// elsewhere (see qwen/sdk/safe_file.hpp for the policy):
//   - a symbolic link, a folder or a FIFO there is refused with one sentence,
//     and the session keeps its history in memory only: nothing is read from
//     or written to that path, so a link's target is never truncated;
//   - the file is read through a descriptor opened with O_NOFOLLOW and
//     checked to be a regular file (a FIFO swapped in cannot hang the start);
//   - a save writes a new 0600 file and renames it over the path (atomic, as
//     the credentials are): never a truncation in place, never a chmod by path.
#pragma once

#include <histedit.h>

#include <optional>
#include <string>

namespace tty_frontend {

// Why `path` cannot hold the history ("... is a symbolic link ..."), or nullopt when it can (also when
// there is nothing there yet).
std::optional<std::string> history_file_problem(const std::string &path);

// Adds the entries of the history file at `path` to `hist`; nothing when it is missing or unusable.
void load_history(History *hist, const std::string &path);

// Saves `hist` to `path` as described above. False when it could not be saved (the session goes on).
bool save_history(History *hist, const std::string &path);

}  // namespace tty_frontend
