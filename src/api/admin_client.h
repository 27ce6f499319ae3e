// The Admin API as keyform uses it: read the whole org in two paged listings (pages after the
// first fetched concurrently), and carry out one plan action per call. Transient failures are
// retried; a write whose outcome is unknown is checked before it is repeated. Errors name the
// call, the status, the errorCode and the detail.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "api/api_error.h"
#include "api/auth.h"
#include "api/connection_pool.h"
#include "api/family.h"
#include "api/http_client.h"
#include "api/pacer.h"
#include "api/rate_limits.h"
#include "api/responses.h"
#include "core/created_key.h"
#include "core/live_state.h"
#include "core/plan.h"

namespace keyform {

struct RetryPolicy {
  int max_retries = 5;                                   // after the first attempt
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};  // per call, retries included
  std::chrono::milliseconds base_delay{500};
  std::chrono::milliseconds max_delay{std::chrono::seconds(30)};
};

// The client's contact with time, chance and the user; replaced in tests.
struct ClientHooks {
  std::function<void(std::chrono::milliseconds)> sleep;
  std::function<double()> jitter;                  // uniform in [0, 1)
  std::function<void(const std::string&)> warn;    // one line, e.g. a retry
  static ClientHooks real();
};

// Backoff before retry number `retry` (1-based): Retry-After when the server sent one, else
// exponential with full jitter, capped.
std::chrono::milliseconds retry_delay(const RetryPolicy& policy, int retry, std::optional<long> retry_after,
                                      double jitter);

// 429, 502, 503, 504 and a call that got no answer are worth another try.
bool is_transient(long status);

class AdminClient {
 public:
  AdminClient(const ApiFamily& family, ConnectionPool& pool, Authenticator& auth, std::string org_id,
              RetryPolicy retry = {}, ClientHooks hooks = ClientHooks::real())
      : family_(family), pool_(pool), auth_(auth), org_id_(std::move(org_id)), retry_(retry), hooks_(std::move(hooks)) {}

  // GET /orgs/{O}/apiKeys and GET /orgs/{O}/groups, every page. Nothing else. Each listing is
  // checked (api/listing.h); an inconsistent one is warned about and read once more from page 1,
  // and if it is inconsistent again, ApiError says what was wrong. Never a partial read.
  LiveState read_org();

  // GET /orgs/{O}/apiKeys/{K}/accessList for each of `key_ids` (every page, checked like the
  // listings above), concurrently; sets those keys' access_list in `live`. Ids not in `live` are
  // skipped.
  void read_access_lists(LiveState& live, const std::vector<std::string>& key_ids);

  // The single call for one action (retried when transient). Returns a note when the action
  // needed no change after all (e.g. "already gone"); throws ApiError when it failed.
  std::string execute(const Action& action);

  // POST /orgs/{O}/apiKeys for a create_key action: the new key with its private key. A create is
  // not repeated blindly: when its answer is lost, the org is searched for a key with the planned
  // description, and one found there (unreachable: its secret is gone with the answer) is deleted
  // again before this throws. Throws ApiError, never naming the secret.
  CreatedKey create_key(const Action& action);

  // DELETE /orgs/{O}/apiKeys/{K}: takes back a key keyform created but could not deliver. Returns
  // "" when the key is gone (404 counts), else what failed.
  std::string delete_created_key(const std::string& key_id);

  // ---- service accounts (api/service_account_client.cpp); families that manage them only ----

  // GET /orgs/{O}/serviceAccounts, every page, checked and re-read once like the key listing (never
  // includeSystemManaged): fills live.service_accounts (org roles and secrets; no project roles,
  // no access list) and sets live.service_accounts_read.
  void read_service_accounts(LiveState& live);

  // Sets project_roles of the accounts in `client_ids` (others and unknown ids untouched), with
  // whichever needs fewer listings: GET /orgs/{O}/serviceAccounts/{C}/groups per account, or GET
  // /groups/{G}/serviceAccounts per project of live.projects. Concurrent, every page, checked.
  void read_service_account_projects(LiveState& live, const std::vector<std::string>& client_ids);

  // GET /orgs/{O}/serviceAccounts/{C}/accessList for each of `client_ids`, concurrently; sets
  // their access_list. Only on a family with service_account_access_lists (else logic_error).
  void read_service_account_access_lists(LiveState& live, const std::vector<std::string>& client_ids);

  // POST /orgs/{O}/serviceAccounts for a create_service_account action: the new account's client
  // id and first secret. Never repeated blindly: after a lost answer the org is searched for an
  // account with the planned name; one found (its secret went with the answer) is deleted again
  // and this throws naming it, or saying it IS ORPHANED. Throws ApiError, never naming the secret.
  CreatedSecret create_service_account(const Action& action);

  // POST /orgs/{O}/serviceAccounts/{C}/secrets for a create_secret action. The account's secret
  // ids are read first; after a lost answer any new one is deleted again and this throws.
  CreatedSecret create_secret(const Action& action);

  // Take back what was created but could not be delivered: "" when it is gone (404 counts), else
  // what failed.
  std::string delete_created_service_account(const std::string& client_id);
  std::string delete_created_secret(const std::string& client_id, const std::string& secret_id);

  const ApiFamily& family() const { return family_; }

  // ---- rate limits ----

  // GET /rateLimits?orgId=O, every page (media type 2025-03-12), on a family that documents it,
  // one attempt per page; empty when it does not, or when the caller may not read it (403, 404,
  // 406), or the call fails or answers what the API does not document (said on stderr): keyform
  // then learns the limits from 429s.
  std::vector<EndpointSet> read_rate_limits();

  // Every call after this waits for its turn from `pacer` (which must outlive this client) and
  // reports its answer to it; a 429 is retried when the pacer gives the next turn. With
  // `read_limits`, the first call reads GET /rateLimits into it first (so a command refused before
  // its first call makes none).
  void pace_with(Pacer* pacer, bool read_limits) {
    pacer_ = pacer;
    limits_unread_ = read_limits;
  }
  const Pacer* pacer() const { return pacer_; }

 private:
  using Deadline = std::chrono::steady_clock::time_point;
  HttpResponse send_once(const ApiRequest& request, Deadline deadline);
  // send_once when the pacer gives the call its turn (at once without a pacer).
  HttpResponse send_paced(const ApiRequest& request, Deadline deadline);
  // Retries transient failures until retry_.max_retries or the deadline (default: now +
  // retry_.timeout); `already_done` looks, within the same deadline, whether a write whose
  // answer was lost took effect. Lets a TransportError that no retry can cure (retryable ==
  // false) through, for the caller to name.
  // `check_every_retry`: look before repeating the write whatever the failure (a 429 or 503 too),
  // for the one write that must never happen twice (a create).
  HttpResponse call(const ApiRequest& request, const std::function<bool(Deadline)>& already_done = nullptr,
                    std::optional<Deadline> deadline = std::nullopt, bool check_every_retry = false);
  // A create whose answer carries the only copy of a secret, so it must never happen twice: after a
  // lost answer it looks whether the thing was made before repeating, and deletes what it finds
  // (its secret went with the answer). The words name the thing in the errors.
  struct OneTimeCreate {
    std::string unknown;   // "the key": "whether the key was made could not be checked"
    std::string made;      // "the key": "the answer was lost after the key was made"
    std::string lost;      // "the only copy of its private key"
    std::string look_for;  // "a key with the description \"…\""
    std::function<std::vector<std::string>(Deadline)> find_made;  // ids of what the create made
    std::function<std::string(const std::string& id)> take_back;  // "" or why deleting failed
    std::function<std::string(const std::string& id)> label;      // "key 65f…"
    std::function<std::string(const std::string& id)> orphan;     // "KEY 65f…"
  };
  HttpResponse create_once(const ApiRequest& request, const OneTimeCreate& create, Deadline deadline);
  bool action_in_effect(const Action& action, Deadline deadline);
  std::vector<std::string> key_ids_with_desc(const std::string& desc);
  CreatedKey created_key_from(HttpResponse& response, const ApiRequest& request);
  bool entry_in_effect(const Action& action);
  // Listings. Defined in admin_client.cpp and instantiated there for every item type.
  using MakeRequest = std::function<ApiRequest(int page)>;
  template <typename T>
  using ParsePage = std::function<Page<T>(std::string_view body)>;
  template <typename T>
  std::vector<T> read_all_pages(std::string_view noun, const MakeRequest& make_request, const ParsePage<T>& parse_page);
  template <typename T>
  std::vector<T> read_listing(std::string_view noun, const MakeRequest& make_request, const ParsePage<T>& parse_page);

  // Service accounts (api/service_account_client.cpp).
  bool account_action_in_effect(const Action& action, Deadline deadline);
  std::optional<LiveServiceAccount> read_account(const std::string& client_id, Deadline deadline);
  std::map<std::string, std::vector<std::string>> read_account_projects(const std::string& client_id);
  std::vector<std::string> read_account_access_list(const std::string& client_id);
  std::vector<std::string> client_ids_named(const std::string& name);
  CreatedSecret created_account_from(HttpResponse& response, const ApiRequest& request);
  CreatedSecret created_secret_from(HttpResponse& response, const ApiRequest& request, const Action& action);
  std::string take_back(const Action& remove);

  const ApiFamily& family_;
  ConnectionPool& pool_;
  Authenticator& auth_;
  std::string org_id_;
  RetryPolicy retry_;
  ClientHooks hooks_;
  Pacer* pacer_ = nullptr;
  std::atomic<bool> limits_unread_{false};  // the first call reads them (calls racing it go unpaced)
};

}  // namespace keyform
