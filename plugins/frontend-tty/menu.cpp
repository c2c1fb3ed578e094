#include "menu.hpp"

#include <qwen/sdk/terminal_text.hpp>

#include <cctype>

#include "terminal.hpp"
#include "text.hpp"

namespace tty_frontend {
namespace {

bool all_digits(const std::string &s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

}  // namespace

std::optional<std::string> pick_menu_item(const std::string &raw, const std::vector<MenuItem> &items,
                                          const std::string &default_id) {
  const std::string answer = trim(raw);
  const MenuItem *found = nullptr;
  if (answer.empty()) {
    for (const auto &item : items)
      if (item.id == default_id) found = &item;
  } else if (all_digits(answer) && answer.size() < 6) {
    size_t n = std::stoul(answer);
    if (n >= 1 && n <= items.size()) found = &items[n - 1];
  } else {
    for (const auto &item : items)
      if (item.id == answer) found = &item;
  }
  if (!found || !found->enabled) return std::nullopt;
  return found->id;
}

std::string format_menu(const std::string &title, const std::vector<MenuItem> &items) {
  std::string out = title + "\n";
  for (size_t i = 0; i < items.size(); ++i) {
    const auto &item = items[i];
    out += "  " + std::to_string(i + 1) + ". " + item.label;
    if (!item.note.empty()) out += "  " + item.note;
    out += "\n";
    // A plugin's one-line description, under its name: shown with its control characters made visible.
    if (!item.detail.empty()) out += "     " + qwen::sdk::terminal_safe(item.detail) + "\n";
  }
  return out;
}

std::optional<std::string> run_menu(LineEditor &editor, const std::string &title, const std::vector<MenuItem> &items,
                                    const std::string &default_id) {
  write_out(format_menu(title, items));
  // The default is named once, in the question, not as a third marker beside "(recommended) (current)".
  std::string enter_for;
  for (size_t i = 0; i < items.size(); ++i)
    if (items[i].id == default_id && items[i].enabled) enter_for = " (Enter for " + std::to_string(i + 1) + ")";
  const std::string question = "Choose 1-" + std::to_string(items.size()) + enter_for + ": ";
  for (int attempt = 0; attempt < 5; ++attempt) {
    ReadResult r = editor.read_line(question);
    if (r.status != ReadStatus::Line) return std::nullopt;
    if (auto id = pick_menu_item(r.text, items, default_id)) return id;
    write_out("'" + trim(r.text) + "' is not one of the choices.\n");
  }
  return std::nullopt;
}

}  // namespace tty_frontend
