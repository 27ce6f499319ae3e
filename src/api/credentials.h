// Where keyform's credentials come from: the environment variables the Atlas CLI and the
// Terraform provider use. The values are secrets: nothing here ever prints them.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

namespace keyform {

struct DigestCredentials {
  std::string public_key;   // the digest user; also how keyform recognises its own key
  std::string private_key;  // secret
};

struct CredentialsError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using EnvLookup = std::function<std::optional<std::string>(const char* name)>;

// The process environment, treating empty values as unset.
EnvLookup process_env();

// MONGODB_ATLAS_PUBLIC_API_KEY / MONGODB_ATLAS_PRIVATE_API_KEY, or the older
// MONGODB_ATLAS_PUBLIC_KEY / MONGODB_ATLAS_PRIVATE_KEY. Throws CredentialsError when missing.
DigestCredentials digest_credentials_from_env(const EnvLookup& env);

}  // namespace keyform
