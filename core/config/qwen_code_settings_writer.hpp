// qwen_code_settings_writer.hpp — editing Qwen Code's settings.json: the
// sign-in choice, and any other member qwen shares with Qwen Code
// (modelProviders, env, providerMetadata...), so both clients see one
// configuration. The file is the user's (and Qwen Code's): it is JSON with
// comments, so it is edited as text, the one value replaced, the one member
// added or removed, and every comment, key, order and indentation left as it
// was; the result must parse to exactly the old settings with that one change,
// or nothing is written. Written atomically with the file's own mode (and
// owner), never through a symbolic link.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace qwen::config {

// Why a settings file was not changed. `syntax_error()` is true when the file is not valid JSON (the
// message then names FILE:LINE:COLUMN); such a file is ignored by readers, so the caller may keep the
// choice elsewhere. False for everything else: a value in the way (a string where the pointer needs an
// object), an array on the way (array elements are not edited), a bad pointer, a result over 1 MiB, a
// file that cannot be read or replaced.
class SettingsWriteError : public std::runtime_error {
 public:
  SettingsWriteError(const std::string &message, bool syntax_error)
      : std::runtime_error(message), syntax_error_(syntax_error) {}
  bool syntax_error() const noexcept { return syntax_error_; }

 private:
  bool syntax_error_;
};

// The text of `settings_text` with the object member at `pointer` set to `value`, or removed when `value`
// is nullopt (the same text when it is not there). Pure.
//  - `pointer` is RFC 6901 ("/modelProviders/openai", "/env/BAILIAN_CODING_PLAN_API_KEY"; "~1" is '/',
//    "~0" is '~') and names object members only: an array on the way is refused.
//  - Missing objects on the way are created. A value already equal to `value` is left as written.
//  - The value is written pretty-printed with the file's own indentation step (2 spaces when it cannot be
//    told), as Qwen Code writes its file (JSON.stringify(settings, null, 2)), or on one line inside an
//    object written on one line. A new member goes after the last one of its object.
// Throws SettingsWriteError when the edit cannot be made without changing anything else.
std::string with_json_value(const std::string &settings_text, const std::string &pointer,
                            const std::optional<nlohmann::ordered_json> &value,
                            const std::filesystem::path &file_for_messages);

// Edits the file `file` the same way. It is read as the reader does (no link, a regular file, at most
// 1 MiB); nothing is written when the text does not change; otherwise it is replaced atomically with its
// own mode and owner. A missing file is created with mode 0600 (its folder 0700), unless there was
// nothing to remove. Throws SettingsWriteError (the file is then unchanged).
void set_json_value(const std::filesystem::path &file, const std::string &pointer,
                    const std::optional<nlohmann::ordered_json> &value);

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
