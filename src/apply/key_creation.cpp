#include "apply/key_creation.h"

#include <stdexcept>

namespace keyform {

ActionOutput create_and_deliver(const Action& action, const KeyCreationSteps& steps) {
  CreatedKey created = steps.create(action);
  try {
    steps.deliver(created, action);
  } catch (const std::exception& e) {
    created.private_key.clear();
    const std::string delivery = std::string("delivering its private key failed: ") + e.what();
    const std::string failed_delete = steps.take_back(created.id);
    if (failed_delete.empty()) {
      throw std::runtime_error(delivery + "; key " + created.public_key + " (id " + created.id +
                               ") was deleted again, so no unreachable credential is left");
    }
    throw std::runtime_error(delivery + "; deleting it again failed too (" + failed_delete + "): KEY " +
                             created.public_key + " (ID " + created.id +
                             ") IS ORPHANED: nobody has its private key; delete it by hand");
  }
  created.private_key.clear();
  return {"", created.id, created.public_key};
}

ActionOutput create_and_deliver(const Action& action, const SecretCreationSteps& steps) {
  CreatedSecret created = steps.create(action);
  const bool new_account = action.kind == ActionKind::create_service_account;
  const std::string what = new_account ? "service account \"" + created.name + "\" (" + created.client_id + ")"
                                       : "secret " + created.secret_id + " of " + created.client_id;
  try {
    steps.deliver(created, action);
  } catch (const std::exception& e) {
    created.secret.clear();
    const std::string delivery = std::string("delivering its secret failed: ") + e.what();
    const std::string failed_delete = steps.take_back(created, action);
    if (failed_delete.empty()) {
      throw std::runtime_error(delivery + "; " + what + " was deleted again, so no unreachable credential is left");
    }
    const std::string loud = new_account ? "SERVICE ACCOUNT \"" + created.name + "\" (" + created.client_id + ")"
                                         : "SECRET " + created.secret_id + " OF " + created.client_id;
    throw std::runtime_error(delivery + "; deleting it again failed too (" + failed_delete + "): " + loud +
                             " IS ORPHANED: nobody has its secret; delete it by hand");
  }
  created.secret.clear();
  // A note would read as "already in effect" in the report: a rotation's secret is named by the sink.
  if (new_account) return {"", created.client_id, ""};
  return {"", std::nullopt, ""};
}

}  // namespace keyform
