#include "cli/process.h"

#include <doctest/doctest.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace keyform_test_cli_process {

using namespace keyform;

namespace {

// What the child found, as its exit code: bit 0 still dumpable, bit 1 soft core limit not 0,
// bit 2 hard limit not 0, bit 3 harden_process reported a problem; 16 when the core limit
// could not be made non-zero first (a hard limit of 0), which would make the check vacuous.
int harden_in_child() {
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // In a child, so the test runner itself stays as it was. Shells often start with a soft
    // limit of 0: raise it to the hard limit, so a soft limit of 0 afterwards means something.
    rlimit start{};
    getrlimit(RLIMIT_CORE, &start);
    start.rlim_cur = start.rlim_max;
    setrlimit(RLIMIT_CORE, &start);
    if (start.rlim_cur == 0) _exit(16);
    const bool reported = !harden_process().empty();
    rlimit core{};
    getrlimit(RLIMIT_CORE, &core);
    const int dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
    _exit((dumpable != 0 ? 1 : 0) | (core.rlim_cur != 0 ? 2 : 0) | (core.rlim_max != 0 ? 4 : 0) |
          (reported ? 8 : 0));
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

}  // namespace

TEST_CASE("harden_process: not dumpable, and no core file of any size, hard limit included") {
  // The starting point must be the opposite, or the check below proves nothing.
  REQUIRE(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1);
  CHECK(harden_in_child() == 0);
}

}  // namespace keyform_test_cli_process
