// Helpers shared by the commands of the GitOps workflow (plan --out, apply PLANFILE, export, show):
// reading the live org while keeping it, files in and out, and a config that may be absent.
#pragma once

#include <optional>
#include <string>

#include "cli/commands.h"
#include "cli/session.h"
#include "cli/target.h"
#include "core/live_state.h"
#include "core/plan.h"

namespace keyform {

// The connection for a command without a session: credentials checked against the family.
ApiConnection connect_to(const ResolvedTarget& target, const CommonOptions& common);

// The config named by -c, or ./keyform.toml when it exists (only when `wanted`); nothing when
// neither applies. An explicit -c that cannot be read, or any config with errors, is an error.
std::optional<Config> optional_config(const CommonOptions& common, bool wanted);

// For export and show, where the config only fills in what flags and environment leave open: like
// optional_config, but the default ./keyform.toml is skipped when empty (as `keyform export >
// keyform.toml` leaves it while export runs) and, with a note on stderr, when it does not parse.
std::optional<Config> config_for_target(const CommonOptions& common, bool wanted);

// Writes through a temporary file in the same directory and renames it into place, so a reader
// never sees half a file and a failed run leaves an earlier file untouched.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace keyform
