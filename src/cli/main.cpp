// keyform: reconcile MongoDB organization API keys and their project assignments with a file.
#include <curl/curl.h>

#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

#include "cli/commands.h"
#include "cli/memory_tuning.h"
#include "cli/process.h"
#include "cli/version.h"
#include "core/escape.h"

namespace {

constexpr const char* kDescription =
    "keyform - declarative MongoDB organization API key access\n\n"
    "keyform keeps the project assignments of a MongoDB organization's API keys equal to a TOML\n"
    "file kept in git. `plan` reads the live org (two paged listings) and prints what would change;\n"
    "`apply` makes exactly those changes, granting access before taking any away.";

constexpr const char* kCredentials =
    "  MONGODB_ATLAS_PUBLIC_API_KEY, MONGODB_ATLAS_PRIVATE_API_KEY\n"
    "      Programmatic API key used with HTTP digest authentication (also read:\n"
    "      MONGODB_ATLAS_PUBLIC_KEY, MONGODB_ATLAS_PRIVATE_KEY). This key is never changed by keyform.\n"
    "  MONGODB_ATLAS_CLIENT_ID, MONGODB_ATLAS_CLIENT_SECRET\n"
    "      A service account (OAuth 2.0, atlas-v2 only); used instead of an API key when set.\n";

constexpr const char* kNoColor =
    "  NO_COLOR                 Disable colours (like --no-color).\n"
    "  KEYFORM_LOG=debug        Like --verbose: HTTP headers on stderr, credentials redacted.\n"
    "  SSL_CERT_FILE            Trusted CAs when --cacert is not given.\n";

constexpr const char* kExitStatus =
    "\nEXIT STATUS\n"
    "  0  success (plan: no changes, or changes without --detailed-exitcode)\n"
    "  1  error: bad configuration, API failure, stale or corrupt plan file, refused or failed apply\n"
    "  2  plan --detailed-exitcode: the plan has changes\n"
    "  130, 143  apply stopped by SIGINT (Ctrl-C) or SIGTERM (a CI cancel): the calls in flight\n"
    "     finished and the report lists what was done and what was not started\n";

// Each command's own: a reader of `keyform show --help` should not wonder whether show exits 2.
constexpr const char* kPlanExitStatus =
    "\nEXIT STATUS\n"
    "  0  no changes, or changes without --detailed-exitcode\n"
    "  1  error: bad configuration, API failure, inconsistent listing, plan over max_destroy\n"
    "  2  --detailed-exitcode only: the plan has changes\n";

constexpr const char* kApplyExitStatus =
    "\nEXIT STATUS\n"
    "  0  applied (or nothing to do) and verified\n"
    "  1  error: refused, failed or cancelled apply, stale or edited plan file, verification found\n"
    "     differences, a created key whose secret could not be delivered\n"
    "  130, 143  stopped by SIGINT (Ctrl-C) or SIGTERM (a CI cancel): the calls in flight\n"
    "     finished and the report lists what was done and what was not started\n";

constexpr const char* kReadOnlyExitStatus =
    "\nEXIT STATUS\n"
    "  0  success\n"
    "  1  error: bad flags or configuration, missing credentials, API failure, inconsistent listing\n";

std::string section(const char* name, const std::string& body) { return "\n" + std::string(name) + "\n" + body; }

std::string environment(const char* extra) {
  return section("ENVIRONMENT", std::string(kCredentials) + extra + kNoColor);
}

// One order for every command (cli/target.h); the README says the same.
const std::string kTargetResolution =
    "  Each of the org, API family and host comes from the first of: its flag (--org, --api,\n"
    "  --base-url: export and show); the [target] of the config file (-c, default ./keyform.toml;\n"
    "  export and show read it only when present and a flag leaves a field open); the environment\n"
    "  (MONGODB_ATLAS_ORG_ID, MONGODB_ATLAS_BASE_URL); else api is atlas-v2 on its public host.\n";

const std::string kTopFooter =
    section("TARGET", kTargetResolution) +
    environment("  MONGODB_ATLAS_ORG_ID     the org when no flag or config names one.\n"
                "  MONGODB_ATLAS_BASE_URL   the API host when no flag or config names one.\n") +
    kExitStatus +
    section("EXAMPLES",
            "  keyform plan                                     # what would change\n"
            "  keyform plan --format markdown --out plan.json   # for a pull request; saves the plan\n"
            "  keyform apply plan.json --auto-approve           # exactly the reviewed plan\n"
            "  keyform export --org ORG_ID > keyform.toml       # adopt an existing org\n"
            "  keyform show --format markdown                   # access review\n"
            "  keyform COMMAND --help                           # each command's manual\n");

const std::string kPlanFooter =
    section("DESCRIPTION",
            "  Reads the configuration (-c, default ./keyform.toml), checks it offline, reads the live org\n"
            "  with two paged listings (keys with their project roles, and projects) and prints the\n"
            "  actions that make the org match the file, in execution order. Nothing is changed.\n\n"
            "  --out PLANFILE also writes the plan as JSON (the --format json document plus the live\n"
            "  org's fingerprint, the config file's SHA-256 and a checksum) for `keyform apply PLANFILE`,\n"
            "  which applies exactly those actions or refuses when the org changed since. A plan file\n"
            "  holds no secret. No plan file is written when the plan trips policy.max_destroy.\n") +
    environment("  MONGODB_ATLAS_BASE_URL   API host when [target] base_url is not set.\n") + kPlanExitStatus +
    section("EXAMPLES",
            "  keyform plan                                     # what would change\n"
            "  keyform plan --format json                       # one JSON document for a pipeline\n"
            "  keyform plan --format markdown --out plan.json   # a PR comment, and the plan to apply on merge\n"
            "  keyform plan --detailed-exitcode                 # scheduled drift check: exit 2 on drift\n");

const std::string kApplyFooter =
    section("DESCRIPTION",
            "  Without PLANFILE: plans afresh from the configuration, shows the plan, asks for 'yes'\n"
            "  (or --auto-approve) and makes the changes: assigns and role updates, then unassigns, then\n"
            "  key deletions. It stops starting new actions at the first failure and reports what was\n"
            "  done, what failed and what was not started.\n\n"
            "  With PLANFILE (written by plan --out): needs no configuration. The target (api, org, base\n"
            "  URL) and the actions come from the file. Before any request it refuses a file that was\n"
            "  edited or truncated (checksum and structure), one for another org, API family or host\n"
            "  than plan would use here (the config, -c or ./keyform.toml when present, before\n"
            "  MONGODB_ATLAS_ORG_ID and MONGODB_ATLAS_BASE_URL; else the family's public host), and one\n"
            "  that would take access from the key keyform authenticates with. It then reads the org\n"
            "  with the same two listings and refuses a stale plan (the org changed since the plan was\n"
            "  made: re-run plan). Otherwise it executes exactly the saved actions and shows the\n"
            "  recorded config SHA-256.\n\n"
            "  Afterwards it reads the org again (the same two listings) and says whether it matches\n"
            "  the configuration; a difference (another writer, a lagging API) is exit 1. --no-verify\n"
            "  skips that read.\n\n"
            "  Creating keys: a [[keys]] entry named by desc alone is the key with that description;\n"
            "  when the org has none, apply creates it (first, before any grant) and hands its private\n"
            "  key at once to --secrets-out FILE or --secrets-command CMD. Without one of the two, a plan\n"
            "  that creates a key is refused before any write. If the secret cannot be delivered, the\n"
            "  key is deleted again and apply exits 1. keyform never prints or stores a private key.\n\n"
            "  Ctrl-C or SIGTERM during the writes: no new action starts, the calls in flight finish\n"
            "  (each bounded by --timeout), the usual report is printed (also with --format json) and\n"
            "  the exit status is 130 or 143. A second signal exits at once, naming the calls that were\n"
            "  in flight and may or may not have taken effect. Before the first write a signal simply\n"
            "  ends the run: nothing was changed.\n") +
    environment("  MONGODB_ATLAS_BASE_URL   API host when [target] base_url is not set; with PLANFILE it must\n"
                "                           agree with the plan's.\n"
                "  MONGODB_ATLAS_ORG_ID     with PLANFILE and no config: refuse a plan for another org.\n") +
    kApplyExitStatus +
    section("EXAMPLES",
            "  keyform apply                             # plan, confirm, and change the org\n"
            "  keyform apply --auto-approve              # in CI (required when stdin is not a terminal)\n"
            "  keyform apply plan.json --auto-approve    # exactly the plan that was reviewed\n"
            "  keyform apply --secrets-out secrets.jsonl # created keys' private keys, one JSON line each\n"
            "  keyform apply --secrets-command 'gh secret set ATLAS_PRIVATE_KEY'\n");

const std::string kTargetEnvironment =
    "  MONGODB_ATLAS_ORG_ID     the org when neither --org nor the config's [target] names one.\n"
    "  MONGODB_ATLAS_BASE_URL   the API host when neither --base-url nor the config's [target] names one.\n";

const std::string kExportFooter =
    section("DESCRIPTION",
            "  Reads the org with the same two listings as plan and prints, on stdout, a keyform.toml that\n"
            "  declares every key with exactly its current projects and roles (and its desc), so that\n"
            "  `keyform plan` on it reports no changes; export checks this before printing. Keys are\n"
            "  named by public key and projects by id, with the other in a comment; --by-name names a\n"
            "  project by its name when exactly one project has it. Nothing is changed.\n\n"
            "  --out FILE writes the file instead, atomically and only once the org was read and the\n"
            "  round trip checked, so a failed export leaves an earlier FILE as it was. Export refuses\n"
            "  a stdout that is the config file it reads (`>>`, or -c FILE > FILE): use --out.\n\n"
            "  Service accounts (atlas-v2, cloud-manager) follow the keys, by client id, without secret\n"
            "  settings. --mirror-key PUBLIC_KEY --as-service-account NAME prints instead one new\n"
            "  [[service_accounts]] entry with that key's org roles, projects and access list, its desc\n"
            "  fitted to the characters an account allows: the first step of moving off the key.\n\n" +
                kTargetResolution) +
    environment(kTargetEnvironment.c_str()) + kReadOnlyExitStatus +
    section("EXAMPLES",
            "  keyform export --org 5a0a1e7e0f2912c554080adc > keyform.toml\n"
            "  keyform export --org 5a0a1e7e0f2912c554080adc --by-name > keyform.toml\n"
            "  keyform export --out keyform.toml         # re-export over the config, org from its [target]\n"
            "  keyform export --api ops-manager --base-url https://om.example.com --org ID\n"
            "  keyform export --mirror-key abcdefgh --as-service-account payments-deployer\n");

const std::string kShowFooter =
    section("DESCRIPTION",
            "  Prints the org's live access graph without any configuration: every key (public key,\n"
            "  desc, id) with its org roles and the projects it can reach (name and id) with its roles\n"
            "  there, then every project with how many keys reach it. --format markdown adds a keys x\n"
            "  projects matrix for a security review; --format json is one document\n"
            "  (schemas/show.schema.json). Reads the same two listings as plan and nothing else;\n"
            "  --access-lists also reads every key's IP access list (one paged GET per key, several at\n"
            "  once). Changes nothing.\n\n" +
                kTargetResolution) +
    environment(kTargetEnvironment.c_str()) + kReadOnlyExitStatus +
    section("EXAMPLES",
            "  keyform show --org 5a0a1e7e0f2912c554080adc\n"
            "  keyform show --format markdown > access-review.md\n"
            "  keyform show --access-lists --format json\n");

const std::string kValidateFooter =
    section("DESCRIPTION",
            "  Checks the configuration (-c, default ./keyform.toml) offline: TOML syntax, unknown or\n"
            "  missing fields, types, ids, roles, duplicates and URLs, each reported as\n"
            "  FILE:LINE:COLUMN: message. Makes no request and needs no credentials. Whether the keys and\n"
            "  projects exist is checked against the org by plan.\n") +
    section("EXIT STATUS", "  0  the file is valid\n  1  it is not (or cannot be read)\n") +
    section("EXAMPLES", "  keyform validate\n  keyform validate -c teams/payments.toml\n");

void add_config(CLI::App& command, keyform::CommonOptions& common, const char* help) {
  command.add_option("-c,--config", common.config_path, std::string(help) + " (default: keyform.toml)")
      ->default_str("keyform.toml")
      ->option_text("FILE");
}

// Every command and the top level (`keyform --no-color plan`) take it: a wrapper script can put it
// first whatever the command. Colours are only ever used on a terminal.
void add_no_color(CLI::App& command, keyform::CommonOptions& common) {
  command.add_flag("--no-color", common.no_color,
                   "Never colour the output (default: colour on a terminal; NO_COLOR also works)");
}

// Flags for every command that talks to the API.
void add_network(CLI::App& command, keyform::NetworkOptions& net) {
  command.add_option("--max-retries", net.max_retries, "Retries per call for 429, 502, 503, 504 and dropped connections")
      ->check(CLI::Range(0, 20))
      ->default_str("5");
  command.add_option("--timeout", net.timeout_seconds,
                     "Seconds one call may take, retries included (1 to 3600; default: 300)")
      ->check(CLI::Range(1, 3600))
      ->default_str("300")
      ->option_text("SECONDS");
  command.add_option("--cacert", net.cacert,
                     "PEM file of trusted CAs (Ops Manager behind a private CA; default: SSL_CERT_FILE, "
                     "else the system's)")
      ->option_text("FILE");
  command.add_option("--credentials-file", net.credentials_file,
                     "TOML file with public_api_key/private_api_key or client_id/client_secret (must not be "
                     "world-readable; default: the MONGODB_ATLAS_* variables)")
      ->option_text("FILE");
  command.add_flag_callback("--no-pacing", [&net] { net.pacing = false; },
                            "Neither read the API's rate limits nor pace calls to them: only retry 429s (for measurement)");
  command.add_flag("-v,--verbose", net.verbose, "Trace HTTP request and response headers on stderr, credentials redacted "
                                                "(also KEYFORM_LOG=debug)");
}

void add_target(CLI::App& command, keyform::TargetFlags& target) {
  command.add_option("--org", target.org,
                     "Organization id, 24 hex digits (default: the config's [target], else MONGODB_ATLAS_ORG_ID)")
      ->option_text("ID");
  command.add_option("--api", target.api,
                     "API family: atlas-v2, atlas-v1, cloud-manager or ops-manager (default: the config's "
                     "[target], else atlas-v2)")
      ->check(CLI::IsMember({"atlas-v2", "atlas-v1", "cloud-manager", "ops-manager"}))
      ->option_text("FAMILY");
  command.add_option("--base-url", target.base_url,
                     "API host, https (http only on loopback) (default: the config's [target], else "
                     "MONGODB_ATLAS_BASE_URL, else the family's public host)")
      ->option_text("URL");
}

// CLI11 would say "The following argument was not expected: destroy"; name the mistake and the
// commands instead. The top level has only flags, so its first word without a dash is the command.
// Returns false (after saying so on stderr) for a word that is not a command.
bool known_command(const CLI::App& app, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word.empty() || word[0] == '-') continue;
    std::string list;
    for (const CLI::App* command : app.get_subcommands({})) {
      if (command->get_name() == word) return true;
      list += "  " + command->get_name() + std::string(10 - command->get_name().size(), ' ') +
              command->get_description() + "\n";
    }
    std::cerr << "keyform: unknown command \"" << keyform::escape_text(word) << "\"\n\nCommands:\n"
              << list << "\nRun keyform --help for more.\n";
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  keyform::tune_memory();  // first: before any thread allocates
  // Before anything reads a credential: no core dump, no ptrace by other processes of this user.
  if (const std::string problem = keyform::harden_process(); !problem.empty()) {
    std::cerr << "Warning: could not keep secrets out of core dumps: " << problem << "\n";
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CLI::App app{kDescription, "keyform"};
  app.footer(kTopFooter);
  app.set_version_flag("--version", keyform::version_text(keyform::build_info()));
  app.require_subcommand(1);

  keyform::CommonOptions common;
  add_no_color(app, common);
  keyform::PlanOptions plan_options;
  auto* plan = app.add_subcommand("plan", "Show the changes that would make the org match the configuration");
  add_config(*plan, common, "Configuration file");
  add_no_color(*plan, common);
  plan->add_option("--format", plan_options.format, "Output format")
      ->check(CLI::IsMember({"text", "json", "markdown"}))
      ->default_str("text");
  plan->add_flag("--detailed-exitcode", plan_options.detailed_exitcode,
                 "Exit 0 when there are no changes, 1 on error, 2 when there are changes");
  plan->add_option("--out", plan_options.out,
                   "Also save the plan to PLANFILE for `keyform apply PLANFILE` (default: none)")
      ->option_text("PLANFILE");
  add_network(*plan, common.net);
  plan->footer(kPlanFooter);

  keyform::ApplyOptions apply_options;
  auto* apply = app.add_subcommand("apply", "Make the changes: plan afresh and confirm, or apply a saved plan");
  apply->add_option("PLANFILE", apply_options.plan_file,
                    "A plan saved by `keyform plan --out`: apply exactly it (default: plan afresh from the "
                    "configuration)");
  add_config(*apply, common, "Configuration file (with PLANFILE: only to check the plan's target against)");
  add_no_color(*apply, common);
  apply->add_flag("--auto-approve", apply_options.auto_approve,
                  "Skip the interactive 'yes' (required when stdin is not a terminal)");
  apply->add_option("--parallelism", apply_options.parallelism,
                    "Actions of one phase in flight at once (1 to 256; default: 10)")
      ->check(CLI::Range(1, 256))
      ->default_str("10")
      ->option_text("N");
  apply->add_option("--format", apply_options.format,
                    "json: print the result (done, failed, not started) as JSON on stdout, the rest on stderr")
      ->check(CLI::IsMember({"text", "json"}))
      ->default_str("text");
  apply->add_flag_callback("--no-verify", [&apply_options] { apply_options.verify = false; },
                           "Do not read the org again after applying to check that it matches the configuration");
  auto* secrets_out = apply->add_option("--secrets-out", apply_options.secrets_out,
                                        "Append each created key's private key to FILE as a JSON line (created 0600; "
                                        "refused if others can read it; default: none, and a plan that creates "
                                        "keys is refused)")
                          ->option_text("FILE");
  apply->add_option("--secrets-command", apply_options.secrets_command,
                    "Run CMD once per created key with its private key on stdin (no shell: write sh -c '...' for one; "
                    "default: none)")
      ->option_text("CMD")
      ->excludes(secrets_out);
  add_network(*apply, common.net);
  apply->footer(kApplyFooter);

  keyform::ExportCommandOptions export_options;
  auto* export_command = app.add_subcommand("export", "Print a keyform.toml that describes the org as it is");
  add_target(*export_command, export_options.target);
  export_command->add_flag("--by-name", export_options.by_name,
                           "Name projects by name where the name is unambiguous (default: by id)");
  export_command->add_option("--out", export_options.out,
                             "Write the file here (atomically, once the org was read and checked) (default: stdout)")
      ->option_text("FILE");
  auto* mirror_key = export_command->add_option(
                             "--mirror-key", export_options.mirror_key,
                             "Print only a [[service_accounts]] entry with this key's access (default: the whole org)")
                         ->option_text("PUBLIC_KEY");
  export_command->add_option("--as-service-account", export_options.as_service_account,
                             "The name of that service account: 1 to 64 letters, digits, spaces, - _ . , ' "
                             "(default: none; "
                             "needed with --mirror-key)")
      ->option_text("NAME")
      ->needs(mirror_key);
  mirror_key->needs("--as-service-account");
  add_config(*export_command, common, "Config file whose [target] fills in what flags and environment do not");
  add_no_color(*export_command, common);
  add_network(*export_command, common.net);
  export_command->footer(kExportFooter);

  keyform::ShowCommandOptions show_options;
  auto* show = app.add_subcommand("show", "Print the org's live access graph: keys, projects and roles");
  add_target(*show, show_options.target);
  show->add_option("--format", show_options.format, "Output format")
      ->check(CLI::IsMember({"text", "json", "markdown"}))
      ->default_str("text");
  show->add_flag("--access-lists", show_options.access_lists,
                 "Also read and show every key's IP access list (one paged GET per key)");
  add_config(*show, common, "Config file whose [target] fills in what flags and environment do not");
  add_no_color(*show, common);
  add_network(*show, common.net);
  show->footer(kShowFooter);

  auto* validate = app.add_subcommand("validate", "Check the configuration offline (no request, no credentials)");
  add_config(*validate, common, "Configuration file");
  add_no_color(*validate, common);
  validate->footer(kValidateFooter);

  if (!known_command(app, argc, argv)) return 1;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every usage error is exit 1, like every other error.
    return app.exit(e) == 0 ? 0 : 1;
  }

  int code = 1;
  for (auto* command : {plan, apply, export_command, show, validate}) {
    if (command->parsed()) common.config_given = command->count("--config") > 0;
  }
  if (plan->parsed()) code = keyform::run_plan(common, plan_options);
  if (apply->parsed()) code = keyform::run_apply(common, apply_options);
  if (export_command->parsed()) code = keyform::run_export(common, export_options);
  if (show->parsed()) code = keyform::run_show(common, show_options);
  if (validate->parsed()) code = keyform::run_validate(common);
  curl_global_cleanup();
  return code;
}
