// application/x-www-form-urlencoded bodies and URL query strings.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace fake {

// Decodes %XX and, as forms do, '+' as a space. A malformed escape is kept literally.
std::string url_decode(std::string_view text);

// "a=1&b=x%20y" -> {a: 1, b: "x y"}; for a repeated name the first value wins.
std::map<std::string, std::string> parse_form(std::string_view text);

// Splits a request target into its path and its query (without the '?').
std::pair<std::string_view, std::string_view> split_target(std::string_view target);

}  // namespace fake
