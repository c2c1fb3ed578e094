// config_lint.hpp — warnings for settings in config.toml that qwen would
// otherwise ignore without a word: a misspelt key (`max_retrys`), a value of
// the wrong type for a setting that guards security (`allow_insecure_http =
// "yes"`), a table for a plugin id that is one typo away from an installed one.
//
// Who knows which keys:
//   - The top level and [network] are the host's: every key there is known
//     (kHostKeys), so anything else is reported as unknown.
//   - A [plugins.<id>] table belongs to that plugin, and the ABI has no list
//     of a plugin's keys, so the host does not call a key unknown there. It
//     checks only what it can say honestly: the settings qwen's plugins share
//     by convention (kSharedPluginKeys: base_url, model, allow_insecure_http)
//     must have their type, and a key one or two typos away from one of them
//     is reported as a likely misspelling.
// A shared key with the wrong type is removed from the merged table, so no
// plugin reads it: `allow_insecure_http = "true"` (a string) then means the
// safe default, as the warning says, rather than whatever a plugin makes of
// the text.
// (Wrong types of the host's own keys are errors, raised by load_config.)
#pragma once

#include <string>
#include <vector>

#include <toml++/toml.h>

namespace qwen::config {

// Checks `merged` (whose nodes keep the file and line they were read from) and
// returns one "FILE:LINE:COLUMN: ..." warning per problem. `plugin_ids`: the
// ids of the installed plugins, for the table names.
std::vector<std::string> lint_config(toml::table &merged, const std::vector<std::string> &plugin_ids);

// The number of single-character edits (insert, delete, replace, swap of two
// neighbours) between `a` and `b`, counting at most up to `limit` + 1.
size_t edit_distance(const std::string &a, const std::string &b, size_t limit);

}  // namespace qwen::config
