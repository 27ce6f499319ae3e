// The service-account part of `keyform show` (render/show.h), in its three formats. Only called
// when the accounts were read (LiveState::service_accounts_read); an account's projects and access
// list appear only when they were read, never as empty when unknown. Secrets show their id and
// expiry, never a value (the listing has none).
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "core/live_state.h"

namespace keyform {

using ProjectNameMap = std::map<std::string, std::string>;  // project id -> name ("" when unlisted)

std::string service_accounts_text(const LiveState& live, const ProjectNameMap& names, bool color);
nlohmann::json service_accounts_json(const LiveState& live, const ProjectNameMap& names);
std::string service_accounts_markdown(const LiveState& live, const ProjectNameMap& names);

}  // namespace keyform
