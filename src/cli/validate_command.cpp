#include <iostream>

#include "api/credentials.h"
#include "cli/commands.h"
#include "cli/session.h"
#include "cli/target.h"
#include "core/escape.h"

namespace keyform {

// Offline: the same checks plan and apply make before their first request, and nothing else.
int run_validate(const CommonOptions& common) {
  return run_guarded([&] {
    const Config config = load_config(common.config_path);
    int absent = 0, assignments = 0;
    for (const auto& k : config.keys) {
      absent += k.state == KeyState::absent ? 1 : 0;
      assignments += static_cast<int>(k.projects.size());
    }
    std::cout << config.path << ": valid: org " << config.target.org_id << " (" << config.target.api << "), "
              << config.keys.size() << " keys (" << absent << " absent), " << assignments
              << " project assignments, undeclared_keys = " << to_string(config.policy.undeclared_keys) << ".\n";
    // The target as plan resolves it here: what would stop plan is said now, but the file is valid.
    try {
      resolve_target({std::nullopt, &config, process_env()});
    } catch (const TargetError& e) {
      std::cerr << "Note: plan and apply here would stop: " << escape_lines(e.what()) << "\n";
    }
    for (const auto& warning : config.warnings) std::cerr << "Warning: " << escape_lines(format_error(warning)) << "\n";
    std::cout << "Projects and keys are checked against the org by keyform plan.\n" << std::flush;
    return 0;
  });
}

}  // namespace keyform
