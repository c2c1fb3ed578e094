// menu.hpp — a numbered choice on the terminal ("1. Qwen OAuth ..."),
// answered with a number, an id, or Enter for the default. Used by /auth,
// the first-run sign-in and QWEN_UI_CHOOSE requests.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "line_editor.hpp"

namespace tty_frontend {

struct MenuItem {
  std::string id;
  std::string label;
  std::string note;     // shown after the label, e.g. "(recommended)"
  bool enabled = true;  // disabled items are listed, with the note saying why, but cannot be picked
  std::string detail;   // a second line under the label (a method's description); may be empty
};

// The item an answer names: its number (1-based), its id, or the default for an empty answer.
std::optional<std::string> pick_menu_item(const std::string &answer, const std::vector<MenuItem> &items,
                                          const std::string &default_id);

// The lines that list the items (the default is named by run_menu's question).
std::string format_menu(const std::string &title, const std::vector<MenuItem> &items);

// Shows the menu and asks until an item is picked; nullopt when the user cancelled (Ctrl-C, Ctrl-D).
std::optional<std::string> run_menu(LineEditor &editor, const std::string &title, const std::vector<MenuItem> &items,
                                    const std::string &default_id);

}  // namespace tty_frontend
