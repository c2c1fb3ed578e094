// failure_report.hpp — how the host reports a failure of its own (a broken
// config.toml, an unknown --auth-type or --frontend, a missing plugin, no
// sign-in method): the `qwen: error: ...` line on stderr, and, for a script
// that asked for --output-format json or stream-json, the same error on
// stdout in the shape the pipe front-end gives a failed answer:
//   json         {"response":"","model":"","usage":{},"error":{"code":3,"message":"..."}}
//   stream-json  {"type":"error","status":"bad_input","exit_code":3,"message":"..."}
// so a script reading stdout never meets an empty one.
#pragma once

#include <qwen/plugin.h>

#include <string>

namespace qwen::app {

enum class FailureShape { Answer, EventsOnly };

// Prints the failure and returns its exit status. `shape`: EventsOnly for commands with no json answer
// object (`qwen auth ...`), where only stream-json adds a line to stdout.
int report_failure(const std::string &output_format, qwen_status status, const std::string &message,
                   FailureShape shape = FailureShape::Answer);

}  // namespace qwen::app
