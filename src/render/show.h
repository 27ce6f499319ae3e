// `keyform show`: the live access graph of an org, for a security review. Pure renderers of one
// LiveState: text for a terminal, JSON for tools (schemas/show.schema.json), markdown with a
// keys x projects matrix for a review document. Each key shows its org roles; its IP access list
// only when it was read (LiveKey::access_list set, `show --access-lists`): an unread list is
// absent, never shown as empty. Service accounts (name, client id, description, org roles, projects
// and access list when read, secrets with their expiry) appear when they were read
// (LiveState::service_accounts_read): render/show_service_accounts.h.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/live_state.h"
#include "core/plan.h"

namespace keyform {

constexpr int kShowFormatVersion = 1;

std::string render_show_text(const LiveState& live, const PlanTarget& target, bool color);
nlohmann::json show_to_json(const LiveState& live, const PlanTarget& target);
std::string render_show_json(const LiveState& live, const PlanTarget& target);
std::string render_show_markdown(const LiveState& live, const PlanTarget& target);

}  // namespace keyform
