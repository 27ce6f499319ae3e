// After an apply: is every change the executor reported as done visible in a fresh read of the
// org? Another writer, or an API that lags behind its own answers, can make a done action not
// hold; the apply then says so instead of claiming success.
#pragma once

#include <string>
#include <vector>

#include "core/live_state.h"
#include "core/plan.h"

namespace keyform {

// One line per action whose effect the live org does not show ("unassign contrac1 from analytics:
// the key still has [GROUP_READ_ONLY] there"). Empty when all of them hold.
std::vector<std::string> unapplied_changes(const std::vector<Action>& done, const LiveState& live);

}  // namespace keyform
