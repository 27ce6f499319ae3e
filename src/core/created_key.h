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

// A service account secret the API has just created (with a new account, or for rotation): the
// one moment keyform holds its value.
struct CreatedSecret {
  std::string client_id;
  std::string name;  // the account's
  std::string secret_id;
  std::string expires_at;  // RFC 3339, as answered
  Secret secret;
};

}  // namespace keyform
