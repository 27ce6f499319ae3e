#include "cli/session.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/file_reader.h"
#include "core/escape.h"
#include "core/permissions.h"
#include "core/planner.h"

namespace keyform {
namespace {

std::string format_plan_errors(const Config& config, const std::vector<PlanError>& errors) {
  std::string message;
  for (const auto& e : errors) {
    message += (message.empty() ? "" : "\n") + format_error({config.path, e.pos, e.message});
  }
  return message;
}

}  // namespace

Config load_config(const std::string& path) {
  std::string text;
  try {
    text = read_input_file(path, "config");
  } catch (const FileReadError& e) {
    // Most often a run in the wrong directory, where ./keyform.toml is not.
    const bool unreadable = e.kind == FileReadError::Kind::unreadable;
    throw CommandError(std::string(e.what()) + (unreadable ? " (use -c FILE to choose another)" : ""));
  }
  ConfigParseResult parsed = parse_config(text, path);
  if (parsed.errors.empty()) return std::move(*parsed.config);
  std::string message;
  for (const auto& error : parsed.errors) message += (message.empty() ? "" : "\n") + format_error(error);
  throw CommandError(message, /*positioned=*/true);
}

Session open_session(const CommonOptions& common) {
  Session s;
  s.config = load_config(common.config_path);
  s.target = resolve_target({std::nullopt, &s.config, process_env()});
  s.credentials = credentials_for(*s.target.family, common);
  return s;
}

Credentials credentials_for(const ApiFamily& family, const CommonOptions& common) {
  Credentials credentials;
  try {
    credentials = common.net.credentials_file.empty() ? credentials_from_env(process_env())
                                                      : credentials_from_file(common.net.credentials_file);
  } catch (const CredentialsError& e) {
    throw CommandError(e.what());
  }
  if (credentials.service_account && !family.accepts_service_accounts) {
    throw CommandError("MONGODB_ATLAS_CLIENT_ID is set, but service accounts work only with api = \"atlas-v2\"; the " +
                       std::string(family.name) +
                       " API needs an API key (MONGODB_ATLAS_PUBLIC_API_KEY / MONGODB_ATLAS_PRIVATE_API_KEY): "
                       "unset MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET");
  }
  return credentials;
}

namespace {

// --verbose or KEYFORM_LOG=debug: request and response headers on stderr, credentials redacted.
HttpOptions http_options(const CommonOptions& common) {
  HttpOptions options;
  options.ca_bundle = common.net.cacert;
  if (options.ca_bundle.empty()) options.ca_bundle = process_env()("SSL_CERT_FILE").value_or("");
  const bool debug = common.net.verbose || process_env()("KEYFORM_LOG").value_or("") == "debug";
  if (debug) options.trace = [](const std::string& line) { std::fputs(("debug: " + line + "\n").c_str(), stderr); };
  return options;
}

// A CA bundle that cannot be read would only show up as a TLS failure on the first request.
void check_ca_bundle(const std::string& path, const std::string& source) {
  if (path.empty()) return;
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (error || !std::filesystem::exists(status)) throw CommandError(source + " " + path + ": no such file");
  if (!std::filesystem::is_regular_file(status)) throw CommandError(source + " " + path + ": not a regular file");
  std::ifstream file(path);
  if (!file) throw CommandError(source + " " + path + ": cannot read it");
}

RetryPolicy retry_policy(const CommonOptions& common) {
  RetryPolicy policy;
  policy.max_retries = common.net.max_retries;
  policy.timeout = std::chrono::seconds(common.net.timeout_seconds);
  return policy;
}

}  // namespace

ApiConnection connect(const ApiFamily& family, const std::string& base_url, const Credentials& credentials,
                      const std::string& org_id, const CommonOptions& common, int connections) {
  ApiConnection c;
  std::optional<DigestCredentials> digest = credentials.digest;
  const HttpOptions options = http_options(common);
  check_ca_bundle(options.ca_bundle, common.net.cacert.empty() ? "SSL_CERT_FILE" : "--cacert");
  c.pool = std::make_unique<ConnectionPool>(
      [base_url, digest, options] {
        auto http = std::make_unique<HttpClient>(base_url, options);
        if (digest) http->use_digest(digest->public_key, digest->private_key);
        return http;
      },
      std::max(connections, kReadConnections));
  if (credentials.digest) {
    c.auth = std::make_unique<DigestAuth>();
  } else {
    const ServiceAccountCredentials& sa = *credentials.service_account;
    c.token_http = std::make_unique<HttpClient>(base_url, options);
    c.token_http->use_basic(sa.client_id, sa.client_secret);
    HttpClient* token_http = c.token_http.get();
    c.auth = std::make_unique<BearerAuth>(
        [token_http, timeout = std::chrono::milliseconds(std::chrono::seconds(common.net.timeout_seconds))] {
          return request_service_account_token(*token_http, std::chrono::steady_clock::now(), timeout);
        },
        [] { return std::chrono::steady_clock::now(); });
  }
  c.admin = std::make_unique<AdminClient>(family, *c.pool, *c.auth, org_id, retry_policy(common));
  if (common.net.pacing) {
    // The limits are read by the first call, before it: every call after it is paced to them.
    c.pacer = std::make_unique<Pacer>(std::vector<EndpointSet>{}, org_id);
    c.admin->pace_with(c.pacer.get(), /*read_limits=*/true);
  }
  return c;
}

ApiConnection connect(const Session& session, const CommonOptions& common, int connections) {
  return connect(*session.target.family, session.target.base_url, session.credentials, session.target.org_id, common,
                 connections);
}

LiveState read_live_org(AdminClient& api, const std::string& org_id, const std::string& verb) {
  try {
    LiveState live = api.read_org();
    // Secret expiry is judged against the moment of the read (the planner itself has no clock).
    live.read_at = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
    return live;
  } catch (const ApiError& e) {
    throw CommandError(verb + ": reading org " + org_id + ": " + e.what());
  }
}

void read_access_lists(AdminClient& api, LiveState& live, const std::vector<std::string>& key_ids,
                       const std::string& verb) {
  try {
    api.read_access_lists(live, key_ids);
  } catch (const ApiError& e) {
    throw CommandError(verb + ": reading org " + live.org_id + ": " + e.what());
  }
}

namespace {

// An API error while reading service accounts, named as such for the user.
template <typename Read>
void reading_service_accounts(const LiveState& live, const std::string& verb, Read&& read) {
  try {
    read();
  } catch (const ApiError& e) {
    throw CommandError(verb + ": reading the service accounts of org " + live.org_id + ": " + e.what());
  }
}

// The projects and access lists of the accounts `reads` names (the listing already read).
void read_service_account_details(AdminClient& api, LiveState& live, const ServiceAccountReads& reads,
                                  const std::string& verb) {
  reading_service_accounts(live, verb, [&] {
    api.read_service_account_projects(live, reads.projects);
    api.read_service_account_access_lists(live, reads.access_lists);
  });
}

// The listing first; which accounts' projects and access lists follow depends on it (the ones the
// file declares, or every one when the policy touches undeclared accounts).
ServiceAccountReads read_service_accounts_for(const Config& config, AdminClient& api, LiveState& live,
                                              const std::string& verb) {
  ServiceAccountReads reads;
  reads.listing = reads_service_accounts(config);
  if (!reads.listing) return reads;
  reading_service_accounts(live, verb, [&] { api.read_service_accounts(live); });
  reads.projects = service_accounts_to_read(config, live);
  reads.access_lists = service_account_access_lists_to_read(config, live);
  read_service_account_details(api, live, reads, verb);
  return reads;
}

}  // namespace

void read_service_accounts(AdminClient& api, LiveState& live, const ServiceAccountReads& reads,
                           const std::string& verb) {
  if (!reads.listing) return;
  reading_service_accounts(live, verb, [&] { api.read_service_accounts(live); });
  read_service_account_details(api, live, reads, verb);
}

void read_every_service_account(AdminClient& api, LiveState& live, bool access_lists, const std::string& verb) {
  if (!api.family().manages_service_accounts()) return;
  ServiceAccountReads reads{true, {}, {}};
  reading_service_accounts(live, verb, [&] { api.read_service_accounts(live); });
  for (const auto& account : live.service_accounts) reads.projects.push_back(account.client_id);
  if (access_lists && api.family().service_account_access_lists) reads.access_lists = reads.projects;
  read_service_account_details(api, live, reads, verb);
}

std::string self_principal(const Credentials& credentials) {
  return credentials.service_account ? credentials.service_account->client_id : credentials.self_public_key();
}

LivePlan compute_plan(const Session& s, AdminClient& api, const std::string& verb) {
  LivePlan out;
  out.live = read_live_org(api, s.target.org_id, verb);
  // The key listing does not carry access lists: read those the file manages, and only those.
  out.access_lists_read = access_lists_to_read(s.config, out.live);
  read_access_lists(api, out.live, out.access_lists_read, verb);
  out.service_account_reads = read_service_accounts_for(s.config, api, out.live, verb);
  PlanResult result = make_plan(s.config, out.live, self_principal(s.credentials));
  if (!result.errors.empty()) throw CommandError(format_plan_errors(s.config, result.errors), true);
  result.plan->target.base_url = s.target.base_url;
  out.plan = std::move(*result.plan);
  for (const auto& warning : s.config.warnings) out.plan.warnings.push_back({"config", format_error(warning)});
  for (auto& warning : permission_warnings(out.plan, out.live, self_principal(s.credentials))) {
    out.plan.warnings.push_back(std::move(warning));
  }
  return out;
}

int run_guarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const CommandError& e) {
    // Messages quote the config and the API: nothing in them may drive the terminal.
    std::cerr << (e.positioned ? "" : "Error: ") << escape_lines(e.what()) << "\n";
  } catch (const std::exception& e) {
    std::cerr << "Error: " << escape_lines(e.what()) << "\n";
  }
  return 1;
}

}  // namespace keyform
