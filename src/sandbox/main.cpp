// keyform-sandbox: serve a fixture org as the MongoDB Admin API on loopback.
//
//   keyform-sandbox --fixture FILE [--host 127.0.0.1] [--port N] [--port-file F]
//                   [--latency-ms N] [--write-latency-ms N] [--nonce-ttl SECONDS]
//                   [--token-ttl SECONDS] [--stale-nonces]
//                   [--fault METHOD:PATH_REGEX:STATUS:COUNT[:RETRY_AFTER]]...   (see faults.h)
//                   [--listing-fault LISTING:MODE[:PASSES]]...             (see listing_faults.h)
//                   [--rate-limits FILE] [--rate-limit-no-headers] [--rate-limits-unlisted]

#include "sandbox/fixture.h"
#include "sandbox/rate_limits.h"
#include "sandbox/server.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <pthread.h>
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace {

using keyform::sandbox::Sandbox;
using keyform::sandbox::SandboxOptions;

struct Arguments {
  std::string fixture;
  std::string host = "127.0.0.1";
  int port = 0;
  std::string port_file;
  int latency_ms = 0;
  int write_latency_ms = 0;
  int nonce_ttl = 300;
  int token_ttl = 3600;
  bool stale_nonces = false;
  std::vector<std::string> faults;
  std::vector<std::string> listing_faults;
  std::string rate_limits;
  bool rate_limit_no_headers = false;
  bool rate_limits_unlisted = false;
};

constexpr const char* footer = R"(
Listing faults (--listing-fault LISTING:MODE[:PASSES]):
  LISTING  apiKeys (GET /orgs/{O}/apiKeys), groups (GET /orgs/{O}/groups) or accessList
           (GET /orgs/{O}/apiKeys/{K}/accessList), every API family. accessList covers every
           key's access list: they share one budget of passes (a page 1 of any key begins one).
  PASSES   listing passes affected; a pass begins with each request for page 1 (or no pageNum);
           after them the listing is served normally. Several faults on a listing take turns.
  MODE     duplicate    page 1 carries its first item a second time; totalCount unchanged
           shift        pages after the first start one item early (page 2 repeats page 1's last
                        item, as offset paging does when a key is created between two reads)
           ignore-page  pageNum is ignored: every request answers page 1
           count-drift  pages after the first report totalCount + 1
           oversized    page 1 holds itemsPerPage + 1 items (synthetic ones fill it up)
           no-count     totalCount is omitted; otherwise normal
           endless      no totalCount; every page, for any pageNum, is full of new synthetic items
           huge         the body is padded with whitespace past 65 MiB (still valid JSON)

Rate limits (--rate-limits FILE): a JSON array of endpoint sets shaped like the Admin API's
GET /api/atlas/v2/rateLimits results, e.g.
  [{"endpointSetId": "orgApiKeyWrites", "endpointSetName": "Org API key writes",
    "scope": "ORGANIZATION", "capacity": {"value": 50}, "refillRate": {"value": 20},
    "refillDurationSeconds": {"value": 1},
    "endpoints": [{"method": "POST", "path": "/api/atlas/v2/orgs/{orgId}/apiKeys"}]}]
  scope      ORGANIZATION (the org id in the path, else the fixture's org), GROUP (the project id
             in the path), USER (the public key or client id) or IP (the client address): one
             bucket per set and scope value
  endpoints  method (GET, POST, PUT, DELETE, PATCH) and a full path template under /api/atlas/v2,
             /api/atlas/v1.0 or /api/public/v1.0; {name} matches one path segment (or the part
             before a suffix: {clientId}:invite). The first set that matches a call meters it.
  Buckets start full and refill continuously (refillRate tokens per refillDurationSeconds, up to
  capacity). Every authenticated call to a metered endpoint takes one token whatever its answer;
  digest challenges and 429s take none. An empty bucket answers 429 RATE_LIMITED with Retry-After
  (whole seconds until one token), RateLimit-Limit and RateLimit-Remaining; 2xx answers of metered
  calls carry RateLimit-Limit (capacity) and RateLimit-Remaining (whole tokens left).
  GET /api/atlas/v2/rateLimits (itemsPerPage, pageNum; orgId, groupId, userId, ipAddress ignored)
  and GET /api/atlas/v2/rateLimits/{endpointSetId} answer the sets (an empty list without
  --rate-limits), authenticated, with Accept application/vnd.atlas.2025-03-12+json only (406 else);
  with --rate-limits-unlisted both answer 404 RESOURCE_NOT_FOUND and the limits still meter.

Test endpoints (no authentication, no latency, not in the request log):
  GET    /__sandbox/state           the org as it is now, in the fixture's format, without secrets
  GET    /__sandbox/requests        every API request so far (403s and 401s included): seq, method,
                                    path, query, status, auth, user, challenged, connection,
                                    accept, content_type, fault (a fault answered, or a listing
                                    fault shaped the page), created_key_id (the key a create
                                    made, or a created service account's client id, also when
                                    a '+' fault lost its answer; else ""), rate_limited_by
                                    (the endpointSetId whose empty bucket answered 429; else "")
  DELETE /__sandbox/requests        clear that log
  GET    /__sandbox/faults          the faults and how many failures each has left
  POST   /__sandbox/faults          add one: body METHOD:PATH_REGEX:STATUS:COUNT[:RETRY_AFTER], or
                                    {"spec": "...", "body": "..."} to answer that body as is
                                    (then STATUS may be 200-599)
  DELETE /__sandbox/faults          remove every fault
  GET    /__sandbox/listing-faults  the listing faults and how many passes each has used
  POST   /__sandbox/listing-faults  add one: body LISTING:MODE[:PASSES], or {"spec": "..."}
  DELETE /__sandbox/listing-faults  remove every listing fault

API: /api/atlas/v2, /api/atlas/v1.0 and /api/public/v1.0 (GET/POST /orgs/{O}/apiKeys,
GET/PATCH/DELETE /orgs/{O}/apiKeys/{K}, GET/POST /orgs/{O}/apiKeys/{K}/accessList,
GET/DELETE /orgs/{O}/apiKeys/{K}/accessList/{ADDRESS or CIDR with %2F}, GET /orgs/{O}/groups,
GET /groups/{G}/apiKeys, POST/PATCH/DELETE /groups/{G}/apiKeys/{K}).
Creating a key (POST /orgs/{O}/apiKeys, body {"desc": "1-250 characters", "roles": ["ORG_..."]})
answers 200 with its id, publicKey (8 lowercase letters) and privateKey in clear (a random
UUID-shaped secret); only that answer shows it, later reads mask it. The new key may sign in with
digest at once, with its org roles, no project and an empty access list. Faults for a client's
failure paths (a client retries 503: give a COUNT above its retries to make that fail for good):
  the create fails                 --fault 'POST:/apiKeys$:500:1'
  the key is made, answer lost     --fault 'POST:/apiKeys$:0+:1' (or 502+, 504+)
  the next delete of a key fails   --fault 'DELETE:/orgs/[0-9a-f]{24}/apiKeys/[0-9a-f]{24}$:500:1'
Service accounts, /api/atlas/v2 (media type application/vnd.atlas.2024-08-05+json only: 406 for
another Accept, 415 for another body Content-Type) and /api/public/v1.0 (application/json):
GET/POST /orgs/{O}/serviceAccounts, GET/PATCH/DELETE /orgs/{O}/serviceAccounts/{C},
GET /orgs/{O}/serviceAccounts/{C}/groups, POST /orgs/{O}/serviceAccounts/{C}/secrets,
DELETE /orgs/{O}/serviceAccounts/{C}/secrets/{SECRET}, GET /groups/{G}/serviceAccounts,
POST /groups/{G}/serviceAccounts/{C}:invite, PATCH/DELETE /groups/{G}/serviceAccounts/{C}; on
/api/atlas/v2 also GET/POST /orgs/{O}/serviceAccounts/{C}/accessList and
DELETE /orgs/{O}/serviceAccounts/{C}/accessList/{ADDRESS or CIDR with %2F}. Creating an account
(201, body {"name", "description", "roles", "secretExpiresAfterHours"}) or a secret (201, body
{"secretExpiresAfterHours"}) shows the new secret in clear once (secrets[0].secret / secret); it
obtains tokens at once. An :invite of an account already in the project is 409.
Fixture service accounts: {"client_id": "mdb_sa_id_" + 24 hex, "name", "description",
"org_roles", "projects", "access_list", "secrets": [{"id", "secret", "expires_at":
"2030-01-01T00:00:00Z"}]}, or the login-only {"client_id", "client_secret"} (not listed, no roles).
Fixture keys may carry "access_list": ["203.0.113.7", "198.51.100.0/24", "2001:db8::/32"];
GET /__sandbox/state shows each key's access list as canonical CIDRs (IPv6 fully expanded).

Credentials:
  HTTP digest, every family: user name = a fixture key's public_key, password = its private_key
  (realm "MMS Public API", MD5, qop=auth); a created key's publicKey and privateKey likewise.
  OAuth 2.0 client credentials, /api/atlas/v2 only: POST /api/oauth/token with HTTP Basic
  client_id and a live, unexpired secret of a service account (or a login-only account's
  client_secret) and the form body
  grant_type=client_credentials; then send "Authorization: Bearer <access_token>".
Roles: creating, deleting or updating (PATCH) a key and changing an access list need ORG_OWNER;
assigning, updating or unassigning a key in a project needs ORG_OWNER or GROUP_OWNER in that
project; reading an access list needs any org role; otherwise 403 USER_UNAUTHORIZED. Keys are checked
and service accounts are checked against their roles at the time of the call (service-account
writes and :invite need ORG_OWNER; changing or removing one in a project ORG_OWNER or GROUP_OWNER
there); login-only service accounts may do everything.
Access lists: a key or service account whose access list is not empty may only call from an
address inside it;
otherwise every call answers 403 IP_ADDRESS_NOT_ON_ACCESS_LIST.)";

void define_options(CLI::App& app, Arguments& args) {
  app.add_option("--fixture", args.fixture, "JSON file with the org's initial state (required)")
      ->type_name("FILE");
  app.add_option("--host", args.host, "loopback address to listen on")->capture_default_str();
  app.add_option("--port", args.port, "port; 0 picks a free one")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  app.add_option("--port-file", args.port_file, "write the port here once listening (atomically)")
      ->type_name("FILE");
  app.add_option("--latency-ms", args.latency_ms,
                 "sleep before answering each API request (401s included)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--write-latency-ms", args.write_latency_ms,
                 "sleep after authentication before serving each non-GET API request; reads stay "
                 "fast")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--nonce-ttl", args.nonce_ttl, "seconds before a digest nonce is stale")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--token-ttl", args.token_ttl, "lifetime of OAuth tokens in seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_flag("--stale-nonces", args.stale_nonces,
               "a broken server: answer every digest request with valid credentials 401 with a "
               "fresh stale=true challenge (default: off)");
  app.add_option("--fault", args.faults,
                 "METHOD:PATH_REGEX:STATUS:COUNT[:RETRY_AFTER]: the first COUNT authenticated API "
                 "requests with this method (* any) whose path matches the regex answer STATUS "
                 "instead of being served (429, 500, 502, 503, 504: the error body; 204: no body, "
                 "a lost write; 0 drops the connection; a '+' suffix serves the request first), "
                 "with Retry-After when given. Repeatable; default: none.")
      ->type_name("SPEC")
      ->take_all()
      ->allow_extra_args(false);
  app.add_option("--listing-fault", args.listing_faults,
                 "LISTING:MODE[:PASSES]: serve a listing wrongly for PASSES listing passes "
                 "(default: every pass), see below. Repeatable; default: none.")
      ->type_name("SPEC")
      ->take_all()
      ->allow_extra_args(false);
  app.add_option("--rate-limits", args.rate_limits,
                 "JSON file of token-bucket endpoint sets metering the API, see below (default: "
                 "none, nothing is metered)")
      ->type_name("FILE");
  app.add_flag("--rate-limit-no-headers", args.rate_limit_no_headers,
               "send no Retry-After and no RateLimit-Limit/RateLimit-Remaining headers, as the Admin "
               "API may not (default: off)");
  app.add_flag("--rate-limits-unlisted", args.rate_limits_unlisted,
               "answer GET /rateLimits 404 while the limits still meter, as for a key that may not "
               "read them (default: off)");
  app.footer(footer);
}

// CLI11's messages are one line already; this keeps it so whatever the message.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

// Usage errors are one line on stderr and exit 1; --help prints the help and exits 0.
std::optional<int> parse_arguments(CLI::App& app, Arguments& args, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(error);
    std::cerr << "keyform-sandbox: " << one_line(error.what()) << " (see --help)\n";
    return 1;
  }
  if (args.fixture.empty()) {
    std::cerr << "keyform-sandbox: --fixture FILE is required (see --help)\n";
    return 1;
  }
  return std::nullopt;
}

// Write-then-rename, so a script polling for the file never reads a partial number.
void write_port_file(const std::string& path, int port) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << port << '\n';
    if (!out.flush()) throw std::runtime_error(fmt::format("cannot write {}", temporary));
  }
  std::filesystem::rename(temporary, path);
}

std::string url_host(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

// SIGINT/SIGTERM are blocked in every thread and collected with sigwait() in main, so no signal
// handler (and no global state) is needed to stop the server.
sigset_t termination_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  return signals;
}

int serve(const Arguments& args) {
  SandboxOptions options;
  options.latency = std::chrono::milliseconds(args.latency_ms);
  options.write_latency = std::chrono::milliseconds(args.write_latency_ms);
  options.stale_nonces = args.stale_nonces;
  options.nonce_ttl = std::chrono::seconds(args.nonce_ttl);
  options.token_ttl = std::chrono::seconds(args.token_ttl);
  for (const std::string& spec : args.faults) options.faults.push_back(keyform::sandbox::parse_fault(spec));
  for (const std::string& spec : args.listing_faults) {
    options.listing_faults.push_back(keyform::sandbox::parse_listing_fault(spec));
  }
  if (!args.rate_limits.empty()) options.rate_limits = keyform::sandbox::load_rate_limits(args.rate_limits);
  options.rate_limit_headers = !args.rate_limit_no_headers;
  options.rate_limits_listed = !args.rate_limits_unlisted;
  Sandbox sandbox(keyform::sandbox::load_fixture(args.fixture), options);
  // If serving ends on its own (the listening socket failed), wake main as a signal would.
  std::atomic<bool> failed{false};
  const int port = sandbox.start(args.host, args.port, [&failed](bool ok) {
    failed = !ok;
    kill(getpid(), SIGTERM);
  });
  std::cout << "keyform-sandbox listening on http://" << url_host(args.host) << ':' << port
            << std::endl;
  if (!args.port_file.empty()) write_port_file(args.port_file, port);
  const sigset_t signals = termination_signals();
  int received = 0;
  sigwait(&signals, &received);
  sandbox.stop();
  if (failed) std::cerr << "keyform-sandbox: the listening socket failed\n";
  return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"keyform-sandbox: a local stand-in for the MongoDB Admin API (org API keys)"};
  Arguments args;
  define_options(app, args);
  if (const std::optional<int> exit_code = parse_arguments(app, args, argc, argv)) return *exit_code;
  const sigset_t signals = termination_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread exists, so all inherit it
  try {
    return serve(args);
  } catch (const std::exception& error) {
    std::cerr << "keyform-sandbox: " << error.what() << '\n';
    return 1;
  }
}
