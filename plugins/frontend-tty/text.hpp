// text.hpp — small helpers for what the user typed.
#pragma once

#include <string>

namespace tty_frontend {

// `s` without blanks and line ends around it.
inline std::string trim(const std::string &s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

}  // namespace tty_frontend
