// Where a created key's private key goes: the one place the user named (--secrets-out FILE or
// --secrets-command CMD), exactly once, and nowhere else. keyform keeps no state: after delivery
// the secret is wiped and keyform cannot show it again.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "util/secret.h"

namespace keyform {

// A key the API just created, with the one copy of its private key keyform will ever see.
struct NewKeySecret {
  std::string id;
  std::string public_key;
  std::string desc;
  std::string org_id;
  const Secret& private_key;
};

// A service account secret the API just created (with the account, or by rotation).
struct NewServiceAccountSecret {
  std::string client_id;
  std::string name;
  std::string secret_id;
  std::string expires_at;
  std::string org_id;
  const Secret& secret;
};

// Delivers secrets; deliver() throws std::runtime_error with a message that names the sink and
// what failed (never the secret) when the secret did not reach it.
class SecretSink {
 public:
  virtual ~SecretSink() = default;
  virtual void deliver(const NewKeySecret& key) = 0;
  virtual void deliver(const NewServiceAccountSecret& secret) = 0;
  // "--secrets-out /path/file" or "--secrets-command gh": how messages name the sink.
  virtual std::string describe() const = 0;
};

// --secrets-out FILE: one JSON line per key appended (public_key, id, desc, private_key, org_id,
// created_at). Checked now, before any write: a FILE that exists must be a regular file with no
// permission bits for group or others (else throws std::runtime_error saying so); a missing FILE
// is created 0600 at the first delivery. `now` gives created_at (UTC, RFC 3339 with "Z").
std::unique_ptr<SecretSink> open_secrets_file(const std::string& path,
                                              std::function<std::chrono::system_clock::time_point()> now =
                                                  std::chrono::system_clock::now);

struct SecretsCommandOptions {
  std::chrono::milliseconds time_limit{std::chrono::seconds(60)};
  // The environment the command inherits before the credential variables are removed and the
  // KEYFORM_* ones added: "NAME=value" entries (default: keyform's own, environ).
  std::optional<std::vector<std::string>> environment;
};

// --secrets-command CMD: CMD split into words as a shell would (quotes and backslashes), with no
// expansion and no shell; an unbalanced quote or an empty command throws std::runtime_error now.
// Each delivery runs it once with the private key on stdin (no trailing newline) and
// KEYFORM_PUBLIC_KEY, KEYFORM_KEY_ID, KEYFORM_KEY_DESC, KEYFORM_ORG_ID in its environment, minus
// every credential variable. Its stdout and stderr are captured and written to `log` (keyform's
// stderr) with the private key redacted and control characters escaped, each line prefixed
// "secrets-command (PUBLIC_KEY): " (deliveries run side by side), at most 64 KiB per delivery.
// Fails when it cannot start, exits non-zero, dies of a signal, or outlives the time limit (then
// it is killed with its process group). The executable is looked up in the PATH of the
// environment the command gets. Safe to call from several threads at once.
std::unique_ptr<SecretSink> secrets_command(const std::string& command_line, std::ostream& log,
                                            SecretsCommandOptions options = {});

// The words of a command line, split as a shell would without expanding anything ($VAR, ~, globs
// and backquotes stay literal): exposed for tests. An unquoted | & ; < > ( ) is refused, since
// no shell runs to give it its meaning.
std::vector<std::string> split_command_words(const std::string& command_line);

// Environment variables that hold credentials and never reach a secrets command.
bool is_credential_variable(const std::string& name);

}  // namespace keyform
