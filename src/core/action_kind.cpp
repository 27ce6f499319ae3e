#include "core/action_kind.h"

namespace keyform {

const ActionKindInfo& info(ActionKind kind) {
  for (const auto& entry : kActionKinds) {
    if (entry.kind == kind) return entry;
  }
  return kActionKinds.front();  // unreachable: every enumerator has an entry (action_kind_test)
}

std::string_view to_string(ActionKind kind) { return info(kind).name; }

std::optional<ActionKind> action_kind_from_string(std::string_view text) {
  for (const auto& entry : kActionKinds) {
    if (entry.name == text) return entry.kind;
  }
  return std::nullopt;
}

}  // namespace keyform
