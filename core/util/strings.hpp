// strings.hpp — small string helpers the host uses in many places.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace qwen::util {

std::vector<std::string> split(std::string_view text, char separator);
std::string_view trim(std::string_view text);
std::string to_lower(std::string_view text);
bool iequals(std::string_view a, std::string_view b);
bool starts_with(std::string_view text, std::string_view prefix);
bool ends_with(std::string_view text, std::string_view suffix);
std::string join(const std::vector<std::string> &parts, std::string_view separator);

}  // namespace qwen::util
