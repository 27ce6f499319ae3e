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

}  // namespace keyform
