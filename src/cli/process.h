// Process-wide hardening done once, first thing in main, before any secret is read.
#pragma once

#include <string>

namespace keyform {

// Keeps the private key, client secret and tokens out of core dumps and away from other
// processes of the same user: the process becomes non-dumpable (no core file, no ptrace attach
// without CAP_SYS_PTRACE, /proc/PID files owned by root) and RLIMIT_CORE is 0, hard limit
// included, so no child can raise it again. Returns what failed (for a warning), or "" when both
// took effect.
std::string harden_process();

}  // namespace keyform
