// The safety rails every plan passes through: protected keys are never touched, and the key
// keyform authenticates with may gain access but never lose any. One definition of "loses", used
// by the planner (to skip) and by apply of a saved plan (to refuse).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/config.h"
#include "core/live_state.h"
#include "core/plan.h"

namespace keyform {

// Whether carrying out `action` takes anything from its key: an unassign, a role change in a
// project, a removed org role or access-list entry, a delete — and the first entry added to an
// empty access list, which restricts the key to that address and can lock the run out. `live` is
// the key as read (null or without a read access list: assume the worst).
bool takes_from_key(const Action& action, const LiveKey* live);

// Why the planner must leave `action` alone, or nothing.
std::optional<std::string> guard_reason(const Action& action, const Policy& policy, std::string_view self_public_key,
                                        const LiveKey* live);

// The same for a service account: an unassign, a role change, a removed org role or access-list
// entry, a delete, a first access-list entry. A new secret takes nothing; nor does deleting one the
// plan only ever deletes once it has expired.
bool takes_from_service_account(const Action& action, const LiveServiceAccount* live);

// Why the planner must leave an action on a service account alone: it is protected (its client id
// in policy.protected_keys) or it is the one keyform authenticates as (`self`) and would lose access.
std::optional<std::string> guard_reason(const Action& action, const Policy& policy, std::string_view self,
                                        const LiveServiceAccount* live);

}  // namespace keyform
