#include <iostream>

#include "cli/commands.h"
#include "cli/gitops.h"
#include "cli/session.h"
#include "cli/target.h"
#include "cli/terminal.h"
#include "render/show.h"

namespace keyform {

int run_show(const CommonOptions& common, const ShowCommandOptions& options) {
  return run_guarded([&] {
    const EnvLookup env = process_env();
    const std::optional<Config> config = config_for_target(common, target_needs_config(options.target));
    const ResolvedTarget target = resolve_target({options.target, config ? &*config : nullptr, env});
    ApiConnection api = connect_to(target, common);
    const LiveState live = read_live_org(*api.admin, target.org_id, "show");
    if (options.format == "json") {
      std::cout << render_show_json(live, target.plan_target());
    } else if (options.format == "markdown") {
      std::cout << render_show_markdown(live, target.plan_target());
    } else {
      std::cout << render_show_text(live, target.plan_target(), use_color(common.no_color));
    }
    std::cout << std::flush;
    return 0;
  });
}

}  // namespace keyform
