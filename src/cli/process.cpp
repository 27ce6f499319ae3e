#include "cli/process.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstring>

namespace keyform {

std::string harden_process() {
  std::string problems;
  // Both, because each covers what the other misses: the kernel does not apply RLIMIT_CORE to a
  // core_pattern that pipes to a handler (systemd-coredump, apport), and with fs.suid_dumpable = 2
  // a non-dumpable process is still dumped (as root) where the rlimit allows it.
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    problems += std::string("prctl(PR_SET_DUMPABLE, 0): ") + std::strerror(errno);
  }
  const rlimit none{0, 0};
  if (setrlimit(RLIMIT_CORE, &none) != 0) {
    problems += std::string(problems.empty() ? "" : "; ") + "setrlimit(RLIMIT_CORE, 0): " + std::strerror(errno);
  }
  return problems;
}

}  // namespace keyform
