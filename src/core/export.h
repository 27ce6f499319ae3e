// `keyform export`: the live org written as a keyform.toml that declares every key with exactly
// its current assignments, description, org roles and (where read and not empty) access list, so
// that `keyform plan` on it reports no changes. Pure: data in, text out.
#pragma once

#include <string>
#include <string_view>

#include "core/live_state.h"

namespace keyform {

struct ExportOptions {
  std::string api;       // the [target] api to write
  std::string base_url;  // written as [target] base_url unless empty
  bool by_name = false;  // name projects by name where that is unambiguous (else by id)
  std::string generator;  // e.g. "keyform 0.1.0": named in the header comment
};

// A TOML basic string: quoted, with quotes, backslashes and control characters escaped and
// invalid UTF-8 replaced by U+FFFD, so any text round-trips through a TOML parser.
std::string toml_string(std::string_view text);

// True when `name` can stand for its project in a config: not empty, not shaped like an id
// (24 hex digits would be read as one), and carried by exactly one project of the org.
bool can_name_project_by_name(const LiveState& live, std::string_view name);

// A value the file cannot hold (a description that is empty, too long or has control characters,
// an org role or access-list entry the parser would refuse) is left out, so plans leave it alone,
// and a "# desc not written: …" comment says why. Access lists are written for keys whose
// access_list was read and has entries (host addresses without /32 or /128).
std::string export_config(const LiveState& live, const ExportOptions& options);

}  // namespace keyform
