// What every command needs before and while it talks to the API: the validated config, the API
// family, the base URL, the credentials, and the live org. Everything offline is checked first.
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "api/admin_client.h"
#include "api/connection_pool.h"
#include "api/credentials.h"
#include "api/family.h"
#include "api/http_client.h"
#include "cli/commands.h"
#include "cli/target.h"
#include "core/config.h"
#include "core/plan.h"

namespace keyform {

// A failure already worded for the user. Positioned ones ("FILE:LINE:COLUMN: message") are
// printed as they are; the others get Terraform's "Error: " prefix.
struct CommandError : std::runtime_error {
  explicit CommandError(const std::string& message, bool positioned = false)
      : std::runtime_error(message), positioned(positioned) {}
  bool positioned;
};

// Reads (cli/file_reader.h) and validates a config file.
Config load_config(const std::string& path);

struct Session {
  Config config;
  ResolvedTarget target;  // from the config's [target], then the environment (cli/target.h)
  Credentials credentials;
};

// Loads and validates the config, the target and the credentials; makes no request.
Session open_session(const CommonOptions& common);

// The credentials (--credentials-file, else the environment), checked against what `family` accepts.
Credentials credentials_for(const ApiFamily& family, const CommonOptions& common);

// Everything one run talks to the API with: a pool of reused connections for API calls (so
// digest is challenged once per connection), one for the OAuth token endpoint, and how calls
// authenticate.
constexpr int kDefaultConnections = 10;
// Reads may fan out wider than writes: a 10 000-key org's 22 remaining pages then go out in one
// wave (one digest challenge per new connection, answered in parallel), so a plan of that size
// still costs about three round trips. Writes stay bounded by --parallelism.
constexpr int kReadConnections = 24;

struct ApiConnection {
  std::unique_ptr<ConnectionPool> pool;
  std::unique_ptr<HttpClient> token_http;
  std::unique_ptr<Authenticator> auth;
  std::unique_ptr<Pacer> pacer;  // null with --no-pacing; outlives `admin`, which uses it
  std::unique_ptr<AdminClient> admin;
};
// `common` gives the retry budget, the CA bundle and --verbose.
ApiConnection connect(const ApiFamily& family, const std::string& base_url, const Credentials& credentials,
                      const std::string& org_id, const CommonOptions& common, int connections = kDefaultConnections);
ApiConnection connect(const Session& session, const CommonOptions& common, int connections = kDefaultConnections);

// The two listings, nothing else; errors read "VERB: reading org O: GET …: 503 …".
LiveState read_live_org(AdminClient& api, const std::string& org_id, const std::string& verb);

// GET …/apiKeys/{K}/accessList for each of `key_ids` (in `live`); errors read like read_live_org's.
void read_access_lists(AdminClient& api, LiveState& live, const std::vector<std::string>& key_ids,
                       const std::string& verb);

struct LivePlan {
  LiveState live;  // the org exactly as read for this plan (a saved plan's fingerprint needs it)
  std::vector<std::string> access_lists_read;  // ids of the keys whose access lists `live` holds
  ServiceAccountReads service_account_reads;    // what `live` holds of the service accounts
  Plan plan;
};

// The principal keyform runs as: its API key's public key, or its service account's client id.
std::string self_principal(const Credentials& credentials);

// Reads what `reads` names of the org's service accounts into `live` (nothing when it names nothing).
void read_service_accounts(AdminClient& api, LiveState& live, const ServiceAccountReads& reads,
                           const std::string& verb);

// The listing, then the projects of every account and, when asked and the family has them, every
// access list: what export writes and show lists. Nothing on a family without service accounts.
void read_every_service_account(AdminClient& api, LiveState& live, bool access_lists, const std::string& verb);

// Reads the org and plans; `verb` ("plan", "apply") prefixes errors.
LivePlan compute_plan(const Session& session, AdminClient& api, const std::string& verb);

// Runs a command body, turning every error into a message on stderr and exit code 1.
int run_guarded(const std::function<int()>& body);

}  // namespace keyform
