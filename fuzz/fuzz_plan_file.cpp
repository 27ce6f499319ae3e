// libFuzzer target: a saved plan file -> read_plan_file. It must never throw, must give a reason
// for every refusal, and what it accepts must survive a round trip: written again by
// write_plan_file, read again, to the same plan. See fuzz/run.sh.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/plan_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const keyform::PlanFileResult result = keyform::read_plan_file(text);
  if (result.saved.has_value() != (result.problem == keyform::PlanFileProblem::none)) {
    std::fprintf(stderr, "read_plan_file: a plan and a problem, or neither\n");
    std::abort();
  }
  if (!result.saved) {
    if (result.detail.empty()) {
      std::fprintf(stderr, "read_plan_file: refused without a reason\n");
      std::abort();
    }
    return 0;
  }
  const std::string again = keyform::write_plan_file(*result.saved);
  const keyform::PlanFileResult reread = keyform::read_plan_file(again);
  if (!reread.saved || keyform::write_plan_file(*reread.saved) != again) {
    std::fprintf(stderr, "read_plan_file: an accepted plan does not survive write and read: %s\n",
                 reread.detail.c_str());
    std::abort();
  }
  return 0;
}
