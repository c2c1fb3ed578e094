// cancellation.hpp — Ctrl-C, SIGTERM and SIGHUP as a cancellation flag that
// every wait and transfer polls. The first signal cancels the current
// operation; a second SIGINT within two seconds, or any SIGTERM or SIGHUP,
// also asks the process to end (the front-end's loop sees quit_requested()).
// After a SIGTERM or SIGHUP, once the operation has stopped cleanly, the
// process ends by that signal itself (a shell shows 143 or 129; README: exit
// statuses). A signal that was ignored when qwen started (nohup, a script's
// background job) stays ignored.
#pragma once

#include <cstdint>

namespace qwen::services {

void install_signal_handlers();
bool cancel_requested();
bool quit_requested();
bool terminate_requested();                     // a SIGTERM or SIGHUP arrived
[[noreturn]] void die_by_terminating_signal();  // flushes stdio, then re-raises that signal with its default action
void clear_cancel();                            // at the start of each operation
void cancel_operation();                        // [thread-safe] as a first Ctrl-C: this operation, not the process
// Sleeps `ms`, returning false early when cancelled.
bool interruptible_sleep(long ms);

}  // namespace qwen::services
