// The subcommands. Each returns the process exit code: 0 success, 1 error, 2 (plan with
// --detailed-exitcode) when there are changes.
#pragma once

#include <string>

namespace keyform {

struct CommonOptions {
  std::string config_path = "keyform.toml";
  bool no_color = false;
};

struct PlanOptions {
  std::string format = "text";  // text | json | markdown
  bool detailed_exitcode = false;
};

struct ApplyOptions {
  bool auto_approve = false;
};

int run_plan(const CommonOptions& common, const PlanOptions& options);
int run_apply(const CommonOptions& common, const ApplyOptions& options);

}  // namespace keyform
