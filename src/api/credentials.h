// Where keyform's credentials come from: the environment variables the Atlas CLI and the
// Terraform provider use. The values are secrets: nothing here ever prints them.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <array>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace keyform {

struct DigestCredentials {
  std::string public_key;   // the digest user; also how keyform recognises its own key
  std::string private_key;  // secret
};

struct ServiceAccountCredentials {
  std::string client_id;
  std::string client_secret;  // secret
};

// Exactly one of the two is set.
struct Credentials {
  std::optional<DigestCredentials> digest;
  std::optional<ServiceAccountCredentials> service_account;

  // The API key keyform runs as, which it must never take access from; empty for a service account.
  std::string self_public_key() const { return digest ? digest->public_key : std::string(); }
};

struct CredentialsError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Every environment variable credentials_from_env reads, and nothing else: one list, so that what
// a secrets command's environment is stripped of (cli/secret_sink.h) cannot fall behind what
// keyform itself reads its credentials from.
inline constexpr const char* kEnvClientId = "MONGODB_ATLAS_CLIENT_ID";
inline constexpr const char* kEnvClientSecret = "MONGODB_ATLAS_CLIENT_SECRET";
inline constexpr const char* kEnvPublicApiKey = "MONGODB_ATLAS_PUBLIC_API_KEY";
inline constexpr const char* kEnvPrivateApiKey = "MONGODB_ATLAS_PRIVATE_API_KEY";
inline constexpr const char* kEnvOlderPublicKey = "MONGODB_ATLAS_PUBLIC_KEY";
inline constexpr const char* kEnvOlderPrivateKey = "MONGODB_ATLAS_PRIVATE_KEY";
inline constexpr std::array<const char*, 6> kCredentialEnvVariables = {
    kEnvClientId, kEnvClientSecret, kEnvPublicApiKey, kEnvPrivateApiKey, kEnvOlderPublicKey, kEnvOlderPrivateKey};

using EnvLookup = std::function<std::optional<std::string>(const char* name)>;

// The process environment, treating empty values as unset.
EnvLookup process_env();

// Service account (MONGODB_ATLAS_CLIENT_ID / MONGODB_ATLAS_CLIENT_SECRET) when set, since it wins
// over an API key; else MONGODB_ATLAS_PUBLIC_API_KEY / MONGODB_ATLAS_PRIVATE_API_KEY (or the
// older MONGODB_ATLAS_PUBLIC_KEY / MONGODB_ATLAS_PRIVATE_KEY). Throws CredentialsError when
// nothing complete is set, or only half of a pair.
Credentials credentials_from_env(const EnvLookup& env);

// A credentials file keeps secrets out of every process's environment. TOML with either
//   public_api_key = "…" and private_api_key = "…"   or   client_id = "…" and client_secret = "…".
// Errors never quote a value.
Credentials parse_credentials_file(std::string_view text, const std::string& path);

// Why a credentials file with status `info` (fstat of the opened file, so after following links)
// must not be trusted with secrets when keyform runs as `euid`, or nothing: not a regular file (a
// directory, a FIFO, a device), owned by another user, or any permission bit for group or others.
// Each has its own message, naming the file.
std::optional<std::string> credentials_file_problem(const struct stat& info, uid_t euid, const std::string& path);

// Opens `path` without blocking (a FIFO is refused, not waited on), refuses it as
// credentials_file_problem says, then reads and parses it.
Credentials credentials_from_file(const std::string& path);

}  // namespace keyform
