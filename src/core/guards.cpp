#include "core/guards.h"

namespace keyform {

bool takes_from_key(const Action& action, const LiveKey* live) {
  switch (action.kind) {
    case ActionKind::assign: return false;
    case ActionKind::update_key: return action.removes();
    case ActionKind::add_access_entry: return !live || !live->access_list || live->access_list->empty();
    default: return true;
  }
}

std::optional<std::string> guard_reason(const Action& action, const Policy& policy, std::string_view self_public_key,
                                        const LiveKey* live) {
  for (const auto& p : policy.protected_keys) {
    if (p == action.key.public_key || p == action.key.id) return "protected key (policy.protected_keys)";
  }
  if (!self_public_key.empty() && action.key.public_key == self_public_key && takes_from_key(action, live)) {
    if (action.kind == ActionKind::add_access_entry) {
      return "keyform authenticates with this key: a first access-list entry would restrict it to that address";
    }
    return "keyform authenticates with this key";
  }
  return std::nullopt;
}

bool takes_from_service_account(const Action& action, const LiveServiceAccount* live) {
  switch (action.kind) {
    case ActionKind::assign:
    case ActionKind::create_secret:
    case ActionKind::delete_secret: return false;
    case ActionKind::update_service_account: return action.removes();
    case ActionKind::add_access_entry: return !live || !live->access_list || live->access_list->empty();
    default: return true;
  }
}

std::optional<std::string> guard_reason(const Action& action, const Policy& policy, std::string_view self,
                                        const LiveServiceAccount* live) {
  for (const auto& p : policy.protected_keys) {
    if (!action.key.id.empty() && p == action.key.id) return "protected service account (policy.protected_keys)";
  }
  if (!self.empty() && action.key.id == self && takes_from_service_account(action, live)) {
    if (action.kind == ActionKind::add_access_entry) {
      return "keyform authenticates as this service account: a first access-list entry would restrict it to that "
             "address";
    }
    return "keyform authenticates as this service account";
  }
  return std::nullopt;
}

}  // namespace keyform
