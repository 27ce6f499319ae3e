#include "api/credentials.h"

#include <cstdlib>

namespace keyform {

EnvLookup process_env() {
  return [](const char* name) -> std::optional<std::string> {
    const char* value = std::getenv(name);
    if (!value || !*value) return std::nullopt;
    return std::string(value);
  };
}

namespace {
std::optional<std::string> first_of(const EnvLookup& env, const char* name, const char* older) {
  if (auto value = env(name)) return value;
  return env(older);
}
}  // namespace

DigestCredentials digest_credentials_from_env(const EnvLookup& env) {
  auto public_key = first_of(env, "MONGODB_ATLAS_PUBLIC_API_KEY", "MONGODB_ATLAS_PUBLIC_KEY");
  auto private_key = first_of(env, "MONGODB_ATLAS_PRIVATE_API_KEY", "MONGODB_ATLAS_PRIVATE_KEY");
  if (!public_key || !private_key) {
    throw CredentialsError(
        std::string("no API key credentials: set ") +
        (public_key ? "" : "MONGODB_ATLAS_PUBLIC_API_KEY") + (!public_key && !private_key ? " and " : "") +
        (private_key ? "" : "MONGODB_ATLAS_PRIVATE_API_KEY") +
        " (or the older MONGODB_ATLAS_PUBLIC_KEY / MONGODB_ATLAS_PRIVATE_KEY)");
  }
  return {*public_key, *private_key};
}

}  // namespace keyform
