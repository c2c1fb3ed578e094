// ui_event.hpp — sign-in steps as events of the qwen.event/1 stream, so that a
// program driving `qwen --output-format stream-json` (an editor, a script)
// can show the device code itself instead of scraping stderr:
//   {"type":"auth_device_code","url":"https://...","code":"WDJB-MJHT","expires_in_s":300,"text":"..."}
//   {"type":"auth_notice","level":"info"|"progress"|"warning","text":"..."}
#pragma once

#include <qwen/plugin.h>

#include <optional>
#include <string>

namespace pipe_frontend {

// The event line (no newline) for a request that needs no answer; nullopt for questions.
std::optional<std::string> ui_event_line(const qwen_ui_request &request);

}  // namespace pipe_frontend
