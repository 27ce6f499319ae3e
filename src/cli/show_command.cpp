#include <iostream>
#include <vector>

#include "cli/commands.h"
#include "cli/gitops.h"
#include "cli/session.h"
#include "cli/target.h"
#include "cli/terminal.h"
#include "render/show.h"

namespace keyform {
namespace {

std::vector<std::string> key_ids(const LiveState& live) {
  std::vector<std::string> ids;
  for (const auto& key : live.keys) ids.push_back(key.id);
  return ids;
}

}  // namespace

int run_show(const CommonOptions& common, const ShowCommandOptions& options) {
  return run_guarded([&] {
    const EnvLookup env = process_env();
    const std::optional<Config> config = config_for_target(common, target_needs_config(options.target));
    const ResolvedTarget target = resolve_target({options.target, config ? &*config : nullptr, env});
    // The access lists cost one paged GET per key: read them as widely as the listings' pages.
    const int connections = options.access_lists ? kReadConnections : kDefaultConnections;
    ApiConnection api = connect(*target.family, target.base_url, credentials_for(*target.family, common),
                                target.org_id, common, connections);
    LiveState live = read_live_org(*api.admin, target.org_id, "show");
    if (options.access_lists) read_access_lists(*api.admin, live, key_ids(live), "show");
    read_every_service_account(*api.admin, live, options.access_lists, "show");
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
