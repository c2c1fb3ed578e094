// process_hardening.hpp — what qwen does to its own process before it reads a
// key: no core dump that would hold the key, no other process of the same
// user reading its memory, and no key left readable in its command line.
#pragma once

namespace qwen::services {

// Marks the process not dumpable (prctl PR_SET_DUMPABLE 0, as ssh-agent does): no core file is written
// whatever `ulimit -c` says, and a process of the same user can neither ptrace-attach to qwen nor read its
// /proc/PID/mem or environ (root still can). The core size limit is set to 0 too, for a kernel that dumps
// non-dumpable processes anyway (fs.suid_dumpable = 2). Called once, first thing in main().
void harden_process();

// Overwrites in place the bytes of every secret value on the command line (`--openai-api-key VALUE`,
// `--openai-api-key=VALUE`), as curl does for -u, so that ps and /proc/PID/cmdline no longer show it.
// Call after the command line was copied or parsed: the blanked arguments are gone for good.
void blank_secret_arguments(int argc, char **argv);

}  // namespace qwen::services
