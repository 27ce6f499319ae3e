// keyform: reconcile MongoDB organization API keys and their project assignments with a file.
#include <curl/curl.h>

#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace {

constexpr const char* kDescription =
    "keyform - declarative MongoDB organization API key access\n\n"
    "keyform keeps the project assignments of a MongoDB organization's API keys equal to a TOML\n"
    "file kept in git. `plan` reads the live org (two paged listings) and prints what would change;\n"
    "`apply` makes exactly those changes, granting access before taking any away.";

constexpr const char* kFooter =
    "\nENVIRONMENT\n"
    "  MONGODB_ATLAS_PUBLIC_API_KEY, MONGODB_ATLAS_PRIVATE_API_KEY\n"
    "      Programmatic API key used with HTTP digest authentication (also read:\n"
    "      MONGODB_ATLAS_PUBLIC_KEY, MONGODB_ATLAS_PRIVATE_KEY). This key is never changed by keyform.\n"
    "  MONGODB_ATLAS_BASE_URL   API host when [target] base_url is not set.\n"
    "  NO_COLOR                 Disable colours.\n"
    "\nEXIT STATUS\n"
    "  0  success (plan: no changes, or changes without --detailed-exitcode)\n"
    "  1  error: bad configuration, API failure, refused or failed apply\n"
    "  2  plan --detailed-exitcode: the plan has changes\n"
    "\nEXAMPLES\n"
    "  keyform plan                      # what would change\n"
    "  keyform plan --format json        # the same plan for a pipeline\n"
    "  keyform apply                     # plan, confirm, and change the org\n";

void add_common(CLI::App& command, keyform::CommonOptions& common) {
  command.add_option("-c,--config", common.config_path, "Configuration file")
      ->default_str("keyform.toml")
      ->option_text("FILE");
  command.add_flag("--no-color", common.no_color, "Never colour the output (NO_COLOR also works)");
}

}  // namespace

int main(int argc, char** argv) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CLI::App app{kDescription, "keyform"};
  app.footer(kFooter);
  app.set_version_flag("--version", std::string("keyform ") + KEYFORM_VERSION);
  app.require_subcommand(1);

  keyform::CommonOptions common;
  keyform::PlanOptions plan_options;
  auto* plan = app.add_subcommand("plan", "Show the changes that would make the org match the configuration");
  add_common(*plan, common);
  plan->add_option("--format", plan_options.format, "Output format")
      ->check(CLI::IsMember({"text", "json", "markdown"}))
      ->default_str("text");
  plan->add_flag("--detailed-exitcode", plan_options.detailed_exitcode,
                 "Exit 0 when there are no changes, 1 on error, 2 when there are changes");
  plan->footer(kFooter);

  keyform::ApplyOptions apply_options;
  auto* apply = app.add_subcommand("apply", "Plan afresh, ask for confirmation, and make the changes");
  add_common(*apply, common);
  apply->add_flag("--auto-approve", apply_options.auto_approve,
                  "Skip the interactive 'yes' (required when stdin is not a terminal)");
  apply->footer(kFooter);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every usage error is exit 1, like every other error.
    return app.exit(e) == 0 ? 0 : 1;
  }

  int code = 1;
  if (plan->parsed()) code = keyform::run_plan(common, plan_options);
  if (apply->parsed()) code = keyform::run_apply(common, apply_options);
  curl_global_cleanup();
  return code;
}
