#include <iostream>

#include "api/family.h"
#include "cli/commands.h"
#include "cli/session.h"
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
    const ApiFamily* family = find_family(config.target.api);
    if (family && family->default_base_url.empty() && config.target.base_url.empty()) {
      std::cerr << "Note: api = \"" << config.target.api
                << "\" has no default host: plan and apply will need MONGODB_ATLAS_BASE_URL (or base_url in "
                   "[target]).\n";
    }
    for (const auto& warning : config.warnings) std::cerr << "Warning: " << escape_lines(format_error(warning)) << "\n";
    std::cout << "Projects and keys are checked against the org by keyform plan.\n" << std::flush;
    return 0;
  });
}

}  // namespace keyform
