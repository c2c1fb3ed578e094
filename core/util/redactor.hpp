// redactor.hpp — the process-wide registry of secrets (keys, tokens) that must
// never reach any output. Every line the host writes passes through scrub().
#pragma once

#include <string>
#include <string_view>

namespace qwen::util {

// [thread-safe] Remember a secret; later scrub() calls replace it. Secrets
// shorter than 6 characters are ignored (they would mangle ordinary text).
void register_secret(std::string_view secret);

// [thread-safe] `text` with every registered secret replaced by its redacted form.
std::string scrub(std::string_view text);

// A short display form that identifies a secret without revealing it: "sk-…wxyz".
std::string redact(std::string_view secret);

}  // namespace qwen::util
