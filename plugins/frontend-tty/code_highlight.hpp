// code_highlight.hpp — a fenced code block's lines coloured for the terminal
// by GNU source-highlight (libsource-highlight, its data in
// /usr/share/source-highlight): the block's language tag is looked up in the
// library's lang.map (`py`, `python`, `cpp`, `js`, `sh`, `json`, `diff`...),
// its elements coloured as the library's esc.style says.
//
// The code is a stranger's: each line goes through qwen::sdk::terminal_safe
// before it is highlighted, and each coloured line is checked to be that safe
// line with only SGR sequences (ESC [ digits ; m) added. Whenever the block
// cannot be coloured so — no tag, a tag the library does not know, the data
// files missing, the library throwing, a block too large or too slow to colour
// (a time budget, see the .cpp) — the answer is "no colours" and the caller
// shows the block plain.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tty_frontend {

// One coloured line per line of `code` (split at '\n'; `code` without its last line end), each the
// terminal_safe line with SGR attributes added and the same display width; nullopt: show the block plain.
std::optional<std::vector<std::string>> highlight_code(std::string_view code, std::string_view language);

}  // namespace tty_frontend
