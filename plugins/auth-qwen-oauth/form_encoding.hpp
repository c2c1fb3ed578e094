// form_encoding.hpp — application/x-www-form-urlencoded bodies exactly as Qwen
// Code sends them: JavaScript's encodeURIComponent, so a space is %20 (never
// '+'), and fields stay in the order given.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qwen_oauth {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// encodeURIComponent: everything but A-Z a-z 0-9 - _ . ! ~ * ' ( ) becomes %XX (UTF-8 bytes, upper-case hex).
std::string uri_component(std::string_view text);

// "k1=v1&k2=v2", each side encoded with uri_component.
std::string form_encode(const FormFields &fields);

}  // namespace qwen_oauth
