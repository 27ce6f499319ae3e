#include "api/credentials.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

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

namespace {

std::optional<std::string> file_value(const toml::table& table, const char* name, const std::string& path) {
  const toml::node* node = table.get(name);
  if (!node) return std::nullopt;
  const auto* text = node->as_string();
  if (!text || text->get().empty()) throw CredentialsError(path + ": " + name + " must be a non-empty string");
  return text->get();
}

}  // namespace

Credentials parse_credentials_file(std::string_view text, const std::string& path) {
  toml::table table;
  try {
    table = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    // The message quotes no value: toml++ reports a position and what it expected.
    throw CredentialsError(path + ":" + std::to_string(e.source().begin.line) + ":" +
                           std::to_string(e.source().begin.column) + ": not a valid TOML credentials file");
  }
  for (auto&& [key, value] : table) {
    const std::string_view name = key.str();
    if (name != "public_api_key" && name != "private_api_key" && name != "client_id" && name != "client_secret") {
      throw CredentialsError(path + ": unknown field \"" + std::string(name) +
                             "\" (expected public_api_key and private_api_key, or client_id and client_secret)");
    }
  }
  const auto client_id = file_value(table, "client_id", path);
  const auto client_secret = file_value(table, "client_secret", path);
  const auto public_key = file_value(table, "public_api_key", path);
  const auto private_key = file_value(table, "private_api_key", path);
  if (client_id.has_value() != client_secret.has_value() || public_key.has_value() != private_key.has_value() ||
      (!client_id && !public_key)) {
    throw CredentialsError(path + ": expected both public_api_key and private_api_key, or both client_id and "
                                  "client_secret");
  }
  // A service account wins, as it does in the environment.
  if (client_id) return {std::nullopt, ServiceAccountCredentials{*client_id, *client_secret}};
  return {DigestCredentials{*public_key, *private_key}, std::nullopt};
}

Credentials credentials_from_file(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) throw CredentialsError(path + ": cannot read the credentials file");
  if (info.st_mode & (S_IROTH | S_IWOTH)) {
    throw CredentialsError(path + ": the credentials file is readable or writable by every user: chmod 600 " + path);
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) throw CredentialsError(path + ": cannot read the credentials file");
  std::ostringstream text;
  text << file.rdbuf();
  return parse_credentials_file(text.str(), path);
}

}  // namespace keyform
