// Render time of a large plan in each output format, in this process (issue 15: every renderer
// linear). The plan is built in memory, so the figure is the renderer's alone, without the read
// or the planner.
#pragma once

#include <string>
#include <vector>

namespace bench {

struct RenderTiming {
  std::string format;  // "text" | "markdown" | "json" | "plan file" (plan --out)
  double cpu_s = 0;    // the fastest of the repeats, thread CPU time
  std::size_t bytes = 0;
  bool renderer = true;  // held to issue 15's 0.1 s; the plan file is shown for its cost only
};

// A plan of `keys` keys × `projects` projects unassigning every assignment (keys × projects
// actions), rendered `repeat` times in each format.
std::vector<RenderTiming> time_renderers(int keys, int projects, int repeat);

}  // namespace bench
