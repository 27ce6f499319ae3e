#include "api/credentials.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <toml++/toml.h>

#include "util/fd.h"
#include "util/file_mode.h"

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
  auto client_id = env(kEnvClientId);
  auto client_secret = env(kEnvClientSecret);
  require_pair(client_id.has_value(), client_secret.has_value(), kEnvClientId, kEnvClientSecret);
  if (client_id) return {std::nullopt, ServiceAccountCredentials{*client_id, *client_secret}};

  auto public_key = first_of(env, kEnvPublicApiKey, kEnvOlderPublicKey);
  auto private_key = first_of(env, kEnvPrivateApiKey, kEnvOlderPrivateKey);
  require_pair(public_key.has_value(), private_key.has_value(), kEnvPublicApiKey, kEnvPrivateApiKey);
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

namespace {

constexpr std::size_t kMaxCredentialsBytes = 64 * 1024;




std::string read_all(int fd, const std::string& path) {
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n == 0) return text;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw CredentialsError(path + ": cannot read the credentials file: " + std::strerror(errno));
    }
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > kMaxCredentialsBytes) throw CredentialsError(path + ": the credentials file is larger than 64 KiB");
  }
}

}  // namespace

std::optional<std::string> credentials_file_problem(const struct stat& info, uid_t euid, const std::string& path) {
  if (!S_ISREG(info.st_mode)) {
    return path + ": the credentials file is " + file_kind(info.st_mode) + ", not a regular file";
  }
  // Whoever owns the file can change its mode, or its contents, and so choose the key keyform uses.
  if (info.st_uid != euid) {
    return path + ": the credentials file is owned by another user (uid " + std::to_string(info.st_uid) +
           "; keyform runs as uid " + std::to_string(euid) + "): it must belong to the user running keyform";
  }
  if (info.st_mode & (S_IRWXG | S_IRWXO)) {
    return path + ": group or others have access to the credentials file (mode " + octal_mode(info.st_mode) +
           "): chmod 600 " + path;
  }
  return std::nullopt;
}

Credentials credentials_from_file(const std::string& path) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
  const Fd file(open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (!file.is_open()) throw CredentialsError(path + ": cannot open the credentials file: " + std::strerror(errno));
  // fstat of the opened file, not stat of the name: what is checked is what is read.
  struct stat info {};
  if (fstat(file.get(), &info) != 0) {
    throw CredentialsError(path + ": cannot read the credentials file: " + std::strerror(errno));
  }
  if (auto problem = credentials_file_problem(info, geteuid(), path)) throw CredentialsError(*problem);
  return parse_credentials_file(read_all(file.get(), path), path);
}

}  // namespace keyform
