// env_file_update.hpp — put OPENAI_* settings into a .env file without
// disturbing what else the user keeps there.
//
// A .env file is the user's: other tools' variables, comments, blank lines and
// the file's line ends stay byte for byte. An assignment of a key we set
// (`KEY=...` or `export KEY=...`) is replaced where it stands; a later
// duplicate of it is dropped (dotenv would let it win); a key the file lacks is
// appended. Values are written so the dotenv parser reads back exactly them.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace openai_key {

using EnvAssignments = std::vector<std::pair<std::string, std::string>>;  // key, value, in order

// The value as it must appear after `KEY=`: bare when it holds only safe characters, else quoted.
// nullopt when no quoting reads back the same value (a newline, or both kinds of quote).
std::optional<std::string> quote_env_value(const std::string &value);

// `existing` with `assignments` applied. nullopt when a value cannot be written (see quote_env_value).
std::optional<std::string> update_env_text(const std::string &existing, const EnvAssignments &assignments);

}  // namespace openai_key
