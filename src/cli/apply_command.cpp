#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <memory>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "apply/executor.h"
#include "apply/key_creation.h"
#include "cli/commands.h"
#include "cli/file_reader.h"
#include "cli/gitops.h"
#include "cli/interrupt.h"
#include "cli/progress_line.h"
#include "cli/secret_sink.h"
#include "cli/session.h"
#include "cli/target.h"
#include "cli/terminal.h"
#include "core/escape.h"
#include "core/fingerprint.h"
#include "core/verify.h"
#include "core/planner.h"
#include "core/plan_file.h"
#include "render/render.h"

namespace keyform {
namespace {

// Human output goes to stdout, unless stdout carries the JSON result: then to stderr, so stdout
// holds exactly one JSON document.
std::ostream& human_stream(const ApplyOptions& options) { return options.format == "json" ? std::cerr : std::cout; }

// A person must approve a plan with changes; with nothing to change there is nothing to approve.
void require_confirmation_possible(const Plan& plan, const ApplyOptions& options) {
  if (!options.auto_approve && plan.has_changes() && !stdin_is_terminal()) {
    throw CommandError("apply: no terminal to confirm on: review the plan and pass --auto-approve");
  }
}

void confirm_or_cancel(const Plan& plan, const ApplyOptions& options) {
  if (!options.auto_approve && plan.has_changes() && !confirm_apply(human_stream(options))) {
    throw CommandError("apply cancelled: nothing was changed");
  }
}

std::string in_flight_list(const std::vector<Action>& actions) {
  std::string text;
  for (const auto& a : actions) text += "  " + escape_text(describe(a)) + "\n";
  return text;
}

// What a first SIGINT/SIGTERM does once writes have started: stop starting actions, and say so.
InterruptWatcher::Handler stop_on_first(ExecutionControl& control) {
  return [&control](const std::string& name) {
    control.request_stop();
    std::cerr << "\nStopping: " << name << " received. No new action will start; waiting for "
              << control.in_flight().size() << " call(s) in flight to finish (each bounded by --timeout). "
              << "Send it again to exit at once.\n" << std::flush;
  };
}

// A second signal exits at once: name the calls that may or may not have taken effect.
InterruptWatcher::Handler report_on_second(ExecutionControl& control) {
  return [&control](const std::string& name) {
    std::cerr << "\nExiting at once on a second " << name
              << ". These calls were in flight and may or may not have taken effect:\n"
              << in_flight_list(control.in_flight()) << "Run keyform plan to see where the org is now.\n"
              << std::flush;
  };
}

// Differences keyform leaves alone on purpose (protected keys, its own key) were in the plan as
// skipped and are still there: the verification says so rather than claim an exact match.
std::string verified_line(std::size_t left_alone) {
  if (left_alone == 0) return "Verified: the org matches the configuration.\n";
  return "Verified: the org matches the configuration, apart from " + std::to_string(left_alone) +
         (left_alone == 1 ? " difference" : " differences") +
         " keyform leaves alone (protected keys, the key it runs as; see Skipped above).\n";
}

// Whether carrying out the action makes a secret keyform must hand over: a new key's private key,
// a new service account's first secret, a rotation's new secret.
bool makes_secret(const Action& action) {
  return info(action.kind).creates_key || action.kind == ActionKind::create_secret;
}

// How the refusal below names what makes a secret: a key's description, a service account's name.
std::vector<std::string> secrets_to_make(const Plan& plan) {
  std::vector<std::string> names;
  for (const auto& a : plan.actions) {
    if (makes_secret(a)) names.push_back(a.key.is_service_account() ? "service account " + a.key.desc : a.key.desc);
  }
  return names;
}

// Where created keys' private keys go, checked before any write: a plan that creates a key needs
// one, and a sink that would fail (a file others can read, a command line that does not parse)
// fails now rather than after the key exists.
std::unique_ptr<SecretSink> open_secret_sink(const Plan& plan, const ApplyOptions& options) {
  std::unique_ptr<SecretSink> sink;
  try {
    if (!options.secrets_out.empty()) sink = open_secrets_file(options.secrets_out);
    if (!options.secrets_command.empty()) sink = secrets_command(options.secrets_command, std::cerr);
  } catch (const std::exception& e) {
    throw CommandError("apply: " + std::string(e.what()) + ". Nothing was changed.");
  }
  const std::vector<std::string> creates = secrets_to_make(plan);
  if (!creates.empty() && !sink) {
    std::string names;
    for (std::size_t i = 0; i < creates.size() && i < 3; ++i) names += (i ? ", \"" : "\"") + escape_text(creates[i]) + "\"";
    if (creates.size() > 3) names += ", …";
    // Keys alone keep the words users know; service account secrets widen them.
    const bool keys_only = std::none_of(plan.actions.begin(), plan.actions.end(),
                                        [](const Action& a) { return makes_secret(a) && a.key.is_service_account(); });
    const std::string noun = keys_only ? (creates.size() == 1 ? " key (" : " keys (")
                                       : (creates.size() == 1 ? " credential (" : " credentials (");
    throw CommandError("apply: the plan creates " + std::to_string(creates.size()) + noun + names +
                       ") and keeps no copy of a private key" + (keys_only ? "" : " or secret") + ": say where " +
                       (creates.size() == 1 ? "it goes" : "they go") +
                       " with --secrets-out FILE or --secrets-command CMD. Nothing was changed.");
  }
  return sink;
}

// Runs one action: a create goes with the delivery of its secret (and its undoing when that
// fails), everything else is one call.
SecretCreationSteps secret_steps(AdminClient& admin, SecretSink& sink, const std::string& org_id) {
  return {[&admin](const Action& a) {
            return a.kind == ActionKind::create_secret ? admin.create_secret(a) : admin.create_service_account(a);
          },
          [&sink, org_id](const CreatedSecret& s, const Action&) {
            sink.deliver(NewServiceAccountSecret{s.client_id, s.name, s.secret_id, s.expires_at, org_id, s.secret});
          },
          [&admin](const CreatedSecret& s, const Action& a) {
            return a.kind == ActionKind::create_service_account ? admin.delete_created_service_account(s.client_id)
                                                                : admin.delete_created_secret(s.client_id, s.secret_id);
          }};
}

ActionRunner action_runner(AdminClient& admin, SecretSink* sink, const std::string& org_id) {
  return [&admin, sink, org_id](const Action& action) {
    if (!makes_secret(action)) return ActionOutput{admin.execute(action), std::nullopt, {}};
    if (!sink) throw std::logic_error("a create without a secret sink");  // refused before any write
    if (action.key.is_service_account()) return create_and_deliver(action, secret_steps(admin, *sink, org_id));
    return create_and_deliver(
        action, {[&admin](const Action& a) { return admin.create_key(a); },
                 [sink, &org_id](const CreatedKey& key, const Action& a) {
                   sink->deliver({key.id, key.public_key, a.key.desc, org_id, key.private_key});
                 },
                 [&admin](const std::string& id) { return admin.delete_created_key(id); }});
  };
}

std::string delivered_line(const ApplyReport& report, const SecretSink* sink) {
  int keys = 0, secrets = 0;
  for (const auto& r : report.results) {
    if (r.outcome != Outcome::done || !makes_secret(r.action)) continue;
    ++(r.action.key.is_service_account() ? secrets : keys);
  }
  if (keys + secrets == 0 || !sink) return "";
  std::string what;
  if (keys > 0) {
    what = keys == 1 ? "The private key of the created key" : "The private keys of the " + std::to_string(keys) + " created keys";
  }
  if (secrets > 0) {
    what += std::string(what.empty() ? "The " : " and the ") +
            (secrets == 1 ? "new service account secret" : std::to_string(secrets) + " new service account secrets");
  }
  const bool one = keys + secrets == 1;
  return what + (one ? " was" : " were") + " delivered to " + escape_text(sink->describe()) +
         " and nowhere else: keyform cannot show " + (one ? "it" : "them") + " again.\n";
}

// "paced by rate limit API key writes: ~12 s", once per rate limit that held the apply back by more
// than a second (the time its calls waited, spread over the workers).
std::string pacing_lines(const Pacer* pacer, int parallelism) {
  if (!pacer) return "";
  std::string out;
  for (const auto& [name, waited] : pacer->waited()) {
    const double held = std::chrono::duration<double>(waited).count() / std::max(1, parallelism);
    if (held > 1.0) out += fmt::format("paced by rate limit {}: ~{:.0f} s\n", escape_text(name), held);
  }
  return out;
}

// The same executor, progress lines, report and verification for a fresh plan and a saved one.
// `verify` reads the org again (given what was done, with the ids of created keys filled in) and
// returns the differences that remain.
int execute(const Plan& plan, AdminClient& admin, SecretSink* sink, const ApplyOptions& options, bool color,
            const std::function<std::vector<std::string>(const ApplyReport&)>& verify) {
  std::ostream& out = human_stream(options);
  out << "\nApplying...\n" << std::flush;
  // From the first write until the report is out (the verification and the JSON document
  // included), a signal must not kill keyform before it has said what it did.
  ExecutionControl control;
  InterruptWatcher watcher(stop_on_first(control), report_on_second(control));
  ApplyReport report = [&] {
    ProgressLine progress(out, static_cast<int>(plan.actions.size()),
                          progress_wanted(options.format == "json" ? STDERR_FILENO : STDOUT_FILENO));
    return execute_plan(
        plan, action_runner(admin, sink, plan.target.org_id),
        [&](const ActionResult& r) { progress.result(render_result_line(r, color)); }, options.parallelism, &control);
  }();
  if (const int signal_number = watcher.received()) {
    report.interrupted = true;
    report.interrupted_by = signal_name(signal_number);
  }
  out << render_apply_summary(report, color) << delivered_line(report, sink)
      << pacing_lines(admin.pacer(), options.parallelism) << std::flush;
  auto& differences = report.differences;
  if (report.succeeded() && !report.interrupted && options.verify && plan.has_changes()) {
    differences = verify(report);
    if (differences->empty()) {
      out << verified_line(plan.skipped.size()) << std::flush;
    } else {
      out << "\nVerification failed: after the apply the org still differs (another writer, or an API that "
             "lags behind its answers):\n";
      for (const auto& d : *differences) out << "  " << escape_text(d) << "\n";
      out << "Run keyform plan to see where the org is now.\n" << std::flush;
    }
  }
  if (options.format == "json") std::cout << render_apply_json(plan, report) << std::flush;
  if (const int signal_number = watcher.received()) return exit_code_for_signal(signal_number);
  if (!report.succeeded()) {
    for (const auto& r : report.results) {
      if (r.outcome == Outcome::failed) {
        std::cerr << "Error: apply: " << escape_text(describe(r.action)) << ": " << escape_lines(r.error) << "\n";
      }
    }
    return 1;
  }
  return differences && !differences->empty() ? 1 : 0;
}

// A lagging API may show a write a moment later: one more read after a short pause before
// reporting a difference.
std::vector<std::string> verify_twice(const std::function<std::vector<std::string>()>& differences_now) {
  std::vector<std::string> differences = differences_now();
  if (differences.empty()) return differences;
  std::this_thread::sleep_for(std::chrono::seconds(2));
  return differences_now();
}

std::string short_hash(const std::string& hash) { return hash.substr(0, 12); }

// The access lists a saved plan's verification reads: those the plan read, and those of the keys
// it created and gave entries to.
std::vector<std::string> access_lists_to_verify(std::vector<std::string> ids, const Plan& plan,
                                                const ApplyReport& report) {
  for (std::size_t i = 0; i < plan.actions.size(); ++i) {
    const Action& done = report.results[i].action;
    if (plan.actions[i].key.is_new() && done.kind == ActionKind::add_access_entry && !done.key.id.empty()) {
      ids.push_back(done.key.id);
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

// What a saved plan's verification reads of the service accounts: what the plan read, and the
// projects and access lists of every account an action touched (a created one by its new id).
ServiceAccountReads service_accounts_to_verify(ServiceAccountReads reads, const std::vector<Action>& done) {
  for (const Action& a : done) {
    if (!a.key.is_service_account() || a.key.id.empty()) continue;
    reads.listing = true;
    const Scope scope = info(a.kind).scope;
    if (scope == Scope::project) reads.projects.push_back(a.key.id);
    if (scope == Scope::access_entry) reads.access_lists.push_back(a.key.id);
  }
  for (auto* ids : {&reads.projects, &reads.access_lists}) {
    std::sort(ids->begin(), ids->end());
    ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
  }
  return reads;
}

// Everything offline first (the file, its checksum and structure, the target, the credentials,
// the key keyform runs as), then the two listings, then the fingerprint, then the saved actions.
int apply_saved_plan(const CommonOptions& common, const ApplyOptions& options) {
  const std::string& path = options.plan_file;
  const std::string text = read_input_file(path, "apply: plan file");
  PlanFileResult parsed = read_plan_file(text);
  if (parsed.problem == PlanFileProblem::unsupported_version) {
    throw CommandError("apply: plan file " + path + " cannot be applied by this keyform: " + parsed.detail +
                       ". Re-run keyform plan --out " + path + " with this keyform.");
  }
  if (parsed.problem != PlanFileProblem::none) {
    throw CommandError("apply: plan file " + path + " has been modified or is corrupt: " + parsed.detail +
                       ". Nothing was changed; re-run keyform plan --out " + path + " and review it.");
  }
  const SavedPlan& saved = *parsed.saved;
  const Plan& plan = saved.plan;
  const ApiFamily* family = find_family(plan.target.api);
  if (!family) {
    throw CommandError("apply: plan file " + path + " has been modified or is corrupt: target.api \"" +
                       plan.target.api + "\" is not an API family. Nothing was changed.");
  }

  const EnvLookup env = process_env();
  const std::optional<Config> config = optional_config(common, /*wanted=*/true);
  std::ostream& out = human_stream(options);
  if (auto conflict = plan_target_conflict(plan.target, {std::nullopt, config ? &*config : nullptr, env})) {
    throw CommandError("apply: refusing plan file " + path + ": " + *conflict + ". Nothing was changed.");
  }
  require_confirmation_possible(plan, options);
  const std::unique_ptr<SecretSink> sink = open_secret_sink(plan, options);
  const Credentials credentials = credentials_for(*family, common);
  const std::string self = self_principal(credentials);
  if (auto refusal = check_self_key(plan, self, nullptr)) {
    throw CommandError("apply: refusing plan file " + path + ": " + *refusal + ". Nothing was changed.");
  }
  ApiConnection api =
      connect(*family, plan.target.base_url, credentials, plan.target.org_id, common, options.parallelism);
  LiveState live = read_live_org(*api.admin, plan.target.org_id, "apply");
  read_access_lists(*api.admin, live, saved.access_lists_read, "apply");
  read_service_accounts(*api.admin, live, saved.service_account_reads, "apply");
  // Judged against the org as it is now: whether a first access-list entry would lock the key out.
  if (auto refusal = check_self_key(plan, self, &live)) {
    throw CommandError("apply: refusing plan file " + path + ": " + *refusal + ". Nothing was changed.");
  }
  const std::string now = live_fingerprint(live);
  if (now != saved.fingerprint) {
    std::string message = "apply: plan file " + path + " is stale: the org changed since this plan was made: re-run plan";
    const auto details = stale_details(plan, live, 6);
    for (std::size_t i = 0; i < details.size() && i < 5; ++i) message += "\n  " + details[i];
    if (details.size() > 5) message += "\n  …";
    message += "\n(fingerprint " + short_hash(saved.fingerprint) + "… when planned, " + short_hash(now) +
               "… now). Nothing was changed.";
    throw CommandError(message);
  }

  const bool color = use_color(common.no_color);
  out << "Saved plan " << path << ": org " << plan.target.org_id << " (" << plan.target.api << ") at "
            << plan.target.base_url << ", unchanged since the plan was made (fingerprint "
            << short_hash(saved.fingerprint) << "…).\n"
            << "Made from a config with sha256 " << saved.config_sha256;
  if (config) {
    const std::string here = sha256_hex(read_input_file(config->path, "config"));
    out << (here == saved.config_sha256 ? " (the same as " + config->path + " here)"
                                              : " (" + config->path + " here differs: sha256 " + here + ")");
  }
  out << ".\n\n" << render_plan_text(plan, color) << std::flush;
  confirm_or_cancel(plan, options);
  AdminClient& admin = *api.admin;
  return execute(plan, admin, sink.get(), options, color, [&](const ApplyReport& report) {
    std::vector<Action> done;
    for (const auto& r : report.results) done.push_back(r.action);
    const std::vector<std::string> lists = access_lists_to_verify(saved.access_lists_read, plan, report);
    const ServiceAccountReads accounts = service_accounts_to_verify(saved.service_account_reads, done);
    return verify_twice([&] {
      LiveState after = read_live_org(admin, plan.target.org_id, "apply: verifying");
      read_access_lists(admin, after, lists, "apply: verifying");
      read_service_accounts(admin, after, accounts, "apply: verifying");
      return unapplied_changes(done, after);
    });
  });
}

}  // namespace

int run_apply(const CommonOptions& common, const ApplyOptions& options) {
  return run_guarded([&] {
    if (!options.plan_file.empty()) return apply_saved_plan(common, options);
    const Session s = open_session(common);
    const bool color = use_color(common.no_color);
    ApiConnection api = connect(s, common, options.parallelism);
    const Plan plan = compute_plan(s, *api.admin, "apply").plan;
    human_stream(options) << render_plan_text(plan, color) << std::flush;
    if (auto refusal = check_max_destroy(plan, s.config.policy)) throw CommandError("apply: " + *refusal);
    require_confirmation_possible(plan, options);
    const std::unique_ptr<SecretSink> sink = open_secret_sink(plan, options);
    confirm_or_cancel(plan, options);
    AdminClient& admin = *api.admin;
    // Planning again must find nothing left to do: what differs is what the apply did not achieve.
    return execute(plan, admin, sink.get(), options, color, [&](const ApplyReport&) {
      return verify_twice([&] {
        std::vector<std::string> differences;
        for (const auto& a : compute_plan(s, admin, "apply: verifying").plan.actions) {
          differences.push_back(describe(a) + " (" + a.reason + ")");
        }
        return differences;
      });
    });
  });
}

}  // namespace keyform
