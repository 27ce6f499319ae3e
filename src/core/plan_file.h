// Saved plans (`keyform plan --out FILE`, `keyform apply FILE`): the plan JSON document plus what
// applying it safely needs. Pure: a Plan and its provenance in, text out; text in, a checked Plan
// or a reason out. A plan file holds no secret.
//
//   the --format json document      format_version, target, actions (delete_key ones with
//                                   assignments_before), skipped, warnings, summary
//   + fingerprint                   live_fingerprint() of the org the plan was computed from
//   + access_lists_read             ids of the keys whose access lists that read included
//   + service_accounts_read         only when the plan read service accounts: the client ids
//                                   whose projects and whose access lists it read
//   + config_sha256                 SHA-256 of the config file's bytes (recorded for audit)
//   + checksum                      SHA-256 of the canonical dump of the document without
//                                   "checksum": keys sorted, no whitespace, UTF-8 unescaped
//
// The checksum catches hand edits and truncation; it is not a signature (anyone able to rewrite
// the file can recompute it), so keep plan artifacts where only the pipeline writes them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/live_state.h"
#include "core/plan.h"

namespace keyform {

struct SavedPlan {
  Plan plan;
  std::string fingerprint;
  std::string config_sha256;
  // The keys whose IP access lists the plan read (those whose entry declares access_list), sorted:
  // apply reads the same ones to recompute the fingerprint.
  std::vector<std::string> access_lists_read{};
  // What the plan read of the service accounts (nothing, for a file that declares none).
  ServiceAccountReads service_account_reads{};
};

// The canonical bytes the checksum covers: `doc` (without "checksum") dumped with sorted keys and
// no whitespace.
std::string plan_file_canonical(const nlohmann::json& doc);

// The plan file's text (pretty-printed JSON, ending in a newline).
std::string write_plan_file(const SavedPlan& saved);

enum class PlanFileProblem {
  none,
  corrupt,              // not a plan file, edited, truncated, or inconsistent
  unsupported_version,  // a format_version this keyform does not read
};

struct PlanFileResult {
  std::optional<SavedPlan> saved;  // set only when problem is none
  PlanFileProblem problem = PlanFileProblem::none;
  std::string detail;  // what exactly is wrong, for the message
};

// Parses and checks everything: JSON, format_version, checksum, then the structure (fields and
// their types, ids, roles, each action kind's shape, a delete_key's assignments_before, warnings,
// execution order, no duplicate action, the summary). Never throws. The detail is one line, with
// anything quoted from the file escaped.
PlanFileResult read_plan_file(std::string_view text);

// A saved action that would take access from the principal keyform now authenticates as (`self`:
// its key's public key or its service account's client id; takes_from_key and
// takes_from_service_account in core/guards.h): the message naming it, or nothing. Without
// `live` (before any request) only what is a loss whatever the org holds is judged; an
// access-list addition needs the org as read now (a first entry is a loss, a further one is not).
std::optional<std::string> check_self_key(const Plan& plan, std::string_view self, const LiveState* live);

// For a stale plan (defined in core/stale_plan.cpp): where the live org no longer is what the saved
// actions expect (a key or service account gone, a project renamed, roles other than roles_before,
// a deleted principal's access other than its assignments_before, a secret to delete gone), at
// most `limit` lines, names escaped for the terminal. Empty when the change is elsewhere (a key or
// project the plan does not touch) or in what was not read now (service accounts, access lists).
std::vector<std::string> stale_details(const Plan& plan, const LiveState& live, std::size_t limit);

}  // namespace keyform
