// utf8.hpp — checking and repairing UTF-8. The model API speaks JSON, which is
// UTF-8 only: a prompt that is not UTF-8 is refused with the place of its first
// bad byte, and an answer holding bad bytes is repaired (each bad sequence
// becomes U+FFFD) instead of being refused whole.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace qwen::util {

// The offset of the first byte that does not belong to well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), or nullopt when all of `text` is valid.
std::optional<size_t> first_invalid_utf8(std::string_view text);

// `text` with each maximal ill-formed subsequence replaced by U+FFFD (Unicode's "substitution of maximal
// subparts", as browsers and nlohmann's serializer do). Valid text comes back unchanged.
std::string repair_utf8(std::string_view text);

}  // namespace qwen::util
