#include "render_timing.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <functional>

#include "core/plan_file.h"
#include "render/render.h"

namespace bench {
namespace {

using keyform::Action;
using keyform::ActionKind;
using keyform::Plan;

double thread_cpu_s() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

// Actions in the planner's order (by key, then project), as `keyform plan` hands them over.
Plan unassign_everything(int keys, int projects) {
  Plan plan;
  plan.target = {"atlas-v2", "5a0a1e7e0f2912c554080adc", "https://cloud.mongodb.com"};
  plan.actions.reserve(static_cast<std::size_t>(keys) * projects);
  for (int k = 1; k <= keys; ++k) {
    const keyform::Principal key{fmt::format("65f0c0ff{:016x}", k), fmt::format("k{:07d}", k), ""};
    for (int p = 0; p < projects; ++p) {
      Action a;
      a.kind = ActionKind::unassign;
      a.key = key;
      a.project = keyform::ProjectInfo{fmt::format("6523b7e0{:016x}", p), fmt::format("project-{:05d}", p)};
      a.roles_before = {"GROUP_READ_ONLY"};
      a.reason_code = keyform::ReasonCode::undeclared_key_unassign;
      a.reason = "undeclared key; policy unassign";
      plan.actions.push_back(std::move(a));
    }
  }
  return plan;
}

RenderTiming time_one(const std::string& format, const std::function<std::string()>& render, int repeat) {
  RenderTiming t{format, 1e9, 0};
  for (int i = 0; i < std::max(1, repeat); ++i) {
    const double start = thread_cpu_s();
    const std::string out = render();
    t.cpu_s = std::min(t.cpu_s, thread_cpu_s() - start);
    t.bytes = out.size();
  }
  return t;
}

RenderTiming plan_file_timing(const Plan& plan, int repeat) {
  RenderTiming t = time_one(
      "plan file", [&] { return keyform::write_plan_file({plan, std::string(64, 'a'), std::string(64, 'b')}); }, repeat);
  t.renderer = false;
  return t;
}

}  // namespace

std::vector<RenderTiming> time_renderers(int keys, int projects, int repeat) {
  const Plan plan = unassign_everything(keys, projects);
  return {time_one("text", [&] { return keyform::render_plan_text(plan, false); }, repeat),
          time_one("markdown", [&] { return keyform::render_plan_markdown(plan); }, repeat),
          time_one("json", [&] { return keyform::render_plan_json(plan); }, repeat),
          plan_file_timing(plan, repeat)};
}

}  // namespace bench
