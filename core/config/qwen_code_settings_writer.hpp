// qwen_code_settings_writer.hpp — writing the sign-in choice into Qwen Code's
// settings.json, so both clients see one choice. The file is the user's (and
// Qwen Code's): it is JSON with comments, so it is edited as text, the one
// value replaced or the one member added, and every comment, key, order and
// indentation left as it was; the result must parse to exactly the old
// settings plus the choice, or nothing is written. Written atomically with the
// file's own mode (and owner), never through a symbolic link.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace qwen::config {

// Why a settings file was not changed. `syntax_error()` is true when the file is not valid JSON (the
// message then names FILE:LINE:COLUMN); such a file is ignored by readers, so the caller may keep the
// choice elsewhere.
class SettingsWriteError : public std::runtime_error {
 public:
  SettingsWriteError(const std::string &message, bool syntax_error)
      : std::runtime_error(message), syntax_error_(syntax_error) {}
  bool syntax_error() const noexcept { return syntax_error_; }

 private:
  bool syntax_error_;
};

// The text of `settings_text` with security.auth.selectedType set to `value` (or, in a v1 file that has
// selectedAuthType and no `security`, that key). Pure; throws SettingsWriteError when the edit cannot be
// made without changing anything else.
std::string with_selected_auth_type(const std::string &settings_text, const std::string &value,
                                    const std::filesystem::path &file_for_messages);

// Sets the choice in the existing file `file`. No write at all when it already holds `value`.
// Throws SettingsWriteError: a missing file, a link, a syntax error, a value in the way (security is not
// an object), a failed write (the old file is then unchanged).
void set_selected_auth_type(const std::filesystem::path &file, const std::string &value);

}  // namespace qwen::config
