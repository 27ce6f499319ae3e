// A key the API has just created: the one moment keyform holds its private key, on the way to
// the sink the user named (cli/secret_sink.h). Plain data; the Secret wipes itself.
#pragma once

#include <string>

#include "util/secret.h"

namespace keyform {

struct CreatedKey {
  std::string id;
  std::string public_key;
  Secret private_key;
};

}  // namespace keyform
