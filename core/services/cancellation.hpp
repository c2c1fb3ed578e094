// cancellation.hpp — Ctrl-C and SIGTERM as a cancellation flag that every
// wait and transfer polls. The first signal cancels the current operation; a
// second SIGINT within two seconds, or any SIGTERM, also asks the process to
// end (the front-end's loop sees quit_requested()). After a SIGTERM, once the
// operation has stopped cleanly, the process ends by SIGTERM itself (a shell
// shows 143; README: exit statuses).
#pragma once

#include <cstdint>

namespace qwen::services {

void install_signal_handlers();
bool cancel_requested();
bool quit_requested();
bool terminate_requested();  // a SIGTERM arrived
[[noreturn]] void die_by_sigterm();  // flushes stdio, then re-raises SIGTERM with its default action
void clear_cancel();  // at the start of each operation
// Sleeps `ms`, returning false early when cancelled.
bool interruptible_sleep(long ms);

}  // namespace qwen::services
