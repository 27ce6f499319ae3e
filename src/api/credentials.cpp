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

// Half a pair is a mistake worth naming, not a reason to fall back to the other method.
void require_pair(bool first, bool second, const std::string& first_name, const std::string& second_name) {
  if (first == second) return;
  throw CredentialsError((first ? second_name : first_name) + " is not set but " + (first ? first_name : second_name) +
                         " is: set both");
}

}  // namespace

Credentials credentials_from_env(const EnvLookup& env) {
  auto client_id = env("MONGODB_ATLAS_CLIENT_ID");
  auto client_secret = env("MONGODB_ATLAS_CLIENT_SECRET");
  require_pair(client_id.has_value(), client_secret.has_value(), "MONGODB_ATLAS_CLIENT_ID",
               "MONGODB_ATLAS_CLIENT_SECRET");
  if (client_id) return {std::nullopt, ServiceAccountCredentials{*client_id, *client_secret}};

  auto public_key = first_of(env, "MONGODB_ATLAS_PUBLIC_API_KEY", "MONGODB_ATLAS_PUBLIC_KEY");
  auto private_key = first_of(env, "MONGODB_ATLAS_PRIVATE_API_KEY", "MONGODB_ATLAS_PRIVATE_KEY");
  require_pair(public_key.has_value(), private_key.has_value(), "MONGODB_ATLAS_PUBLIC_API_KEY",
               "MONGODB_ATLAS_PRIVATE_API_KEY");
  if (public_key) return {DigestCredentials{*public_key, *private_key}, std::nullopt};

  throw CredentialsError(
      "no credentials: set MONGODB_ATLAS_PUBLIC_API_KEY and MONGODB_ATLAS_PRIVATE_API_KEY (an API key; the "
      "older MONGODB_ATLAS_PUBLIC_KEY / MONGODB_ATLAS_PRIVATE_KEY also work), or MONGODB_ATLAS_CLIENT_ID and "
      "MONGODB_ATLAS_CLIENT_SECRET (a service account, Atlas v2 only)");
}

}  // namespace keyform
