// The subcommands. Each returns the process exit code: 0 success, 1 error, 2 (plan with
// --detailed-exitcode) when there are changes.
#pragma once

#include <string>

namespace keyform {

// How keyform talks to the API, for every command that does.
struct NetworkOptions {
  int max_retries = 5;            // per call, for 429/502/503/504 and dropped connections
  int timeout_seconds = 300;      // per call, retries included
  bool verbose = false;           // header trace on stderr, credentials redacted (also KEYFORM_LOG=debug)
  std::string cacert;             // PEM bundle of trusted CAs (also SSL_CERT_FILE)
  std::string credentials_file;   // instead of the environment
  bool pacing = true;             // --no-pacing: neither /rateLimits nor pacing, only retries of 429s
};

struct CommonOptions {
  NetworkOptions net;
  std::string config_path = "keyform.toml";
  bool config_given = false;  // -c was on the command line (else the default, which may be absent)
  bool no_color = false;
};

struct PlanOptions {
  std::string format = "text";  // text | json | markdown
  bool detailed_exitcode = false;
  std::string out;  // --out PLANFILE: also save the plan for `apply PLANFILE`
};

struct ApplyOptions {
  bool auto_approve = false;
  int parallelism = 10;         // actions of one phase in flight at once
  std::string format = "text";  // text | json (the result document on stdout)
  std::string plan_file;  // apply exactly this saved plan instead of planning afresh
  bool verify = true;     // --no-verify: skip reading the org again after the apply
  // Where created keys' private keys go (at most one of the two; needed when the plan creates keys).
  std::string secrets_out;      // --secrets-out FILE
  std::string secrets_command;  // --secrets-command CMD
};

// --org, --api, --base-url (export and show); empty when not given. How they combine with the
// config and the environment: cli/target.h.
struct TargetFlags {
  std::string org;
  std::string api;
  std::string base_url;
};

struct ExportCommandOptions {
  TargetFlags target;
  bool by_name = false;
  std::string out;  // --out FILE: written atomically once the org was read (else stdout)
  // --mirror-key PUBLIC_KEY --as-service-account NAME (always both): print only a
  // [[service_accounts]] entry named NAME with that key's access (core/export.h).
  std::string mirror_key;
  std::string as_service_account;
};

struct ShowCommandOptions {
  TargetFlags target;
  std::string format = "text";  // text | json | markdown
  bool access_lists = false;    // --access-lists: also read every key's IP access list (a GET per key)
};

int run_plan(const CommonOptions& common, const PlanOptions& options);
int run_apply(const CommonOptions& common, const ApplyOptions& options);
int run_export(const CommonOptions& common, const ExportCommandOptions& options);
int run_show(const CommonOptions& common, const ShowCommandOptions& options);
int run_validate(const CommonOptions& common);

}  // namespace keyform
