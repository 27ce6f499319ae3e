// A create_key (or a service account secret) as one step: create the key, hand its private key to the sink at once, and when
// that fails take the key back, so no credential nobody can use is left in the org. The three
// calls are given (the API and the sink live at the edges); this is the order and the reporting.
#pragma once

#include <functional>
#include <string>

#include "apply/executor.h"
#include "core/created_key.h"

namespace keyform {

struct KeyCreationSteps {
  std::function<CreatedKey(const Action&)> create;              // throws when the key was not made
  std::function<void(const CreatedKey&, const Action&)> deliver;  // throws when the secret did not arrive
  std::function<std::string(const std::string& key_id)> take_back;  // "" when deleted, else what failed
};

// Runs the three steps for one create_key; returns the new key's id and public key for the later
// actions, and throws (the action fails) when the secret was not delivered: saying whether the key
// was deleted again, or, loudly, that it is orphaned. The private key is wiped before returning.
ActionOutput create_and_deliver(const Action& action, const KeyCreationSteps& steps);

// The same for a service account secret: one that comes with a new account
// (create_service_account: taking back deletes the account) or a rotation's (create_secret:
// taking back deletes that secret).
struct SecretCreationSteps {
  std::function<CreatedSecret(const Action&)> create;
  std::function<void(const CreatedSecret&, const Action&)> deliver;
  std::function<std::string(const CreatedSecret&, const Action&)> take_back;  // "" when deleted, else what failed
};

// Returns the new account's client id for the later actions (create_service_account), nothing for
// create_secret; throws as create_and_deliver does.
ActionOutput create_and_deliver(const Action& action, const SecretCreationSteps& steps);

}  // namespace keyform
