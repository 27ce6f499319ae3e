#include "api/admin_client.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <cstdio>
#include <exception>
#include <random>
#include <thread>

#include "api/listing.h"
#include "api/responses.h"
#include "api/service_account_responses.h"
#include "core/escape.h"
#include "util/parallel.h"

namespace keyform {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// "GET /api/atlas/v2/orgs/…/apiKeys": a whole listing, whatever page.
std::string describe_listing(const ApiRequest& first_page) {
  return first_page.method + " " + first_page.path.substr(0, first_page.path.find('?'));
}

milliseconds time_left(Clock::time_point deadline) {
  return std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
}

std::string seconds_text(milliseconds delay) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1fs", static_cast<double>(delay.count()) / 1000.0);
  return text;
}

}  // namespace

ClientHooks ClientHooks::real() {
  return {
      [](milliseconds delay) { std::this_thread::sleep_for(delay); },
      [] {
        thread_local std::mt19937_64 rng{std::random_device{}()};
        return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
      },
      // One fputs per line: stdio locks each call, so concurrent lines never interleave.
      [](const std::string& line) { std::fputs((line + "\n").c_str(), stderr); },
  };
}

bool is_transient(long status) { return status == 0 || status == 429 || status == 502 || status == 503 || status == 504; }

milliseconds retry_delay(const RetryPolicy& policy, int retry, std::optional<long> retry_after, double jitter) {
  if (retry_after) return milliseconds(*retry_after * 1000);  // the budget check decides whether to wait
  const double exponential = static_cast<double>(policy.base_delay.count()) * std::pow(2.0, retry - 1);
  const double capped = std::min(exponential, static_cast<double>(policy.max_delay.count()));
  // Equal jitter: at least half the backoff, so concurrent clients spread out but never hammer.
  return milliseconds(static_cast<long long>(capped / 2 + jitter * capped / 2));
}

HttpResponse AdminClient::send_once(const ApiRequest& request, Deadline deadline) {
  std::vector<std::string> auth_headers = auth_.headers();
  auto attempt = [&](const std::vector<std::string>& headers) {
    HttpRequest http_request{request.method, request.path, request.body, headers};
    http_request.headers.push_back("Accept: " + std::string(request.media_type));
    if (request.body) http_request.headers.push_back("Content-Type: " + std::string(request.media_type));
    ConnectionPool::Lease connection = pool_.acquire();
    HttpResponse response = connection->send(http_request, time_left(deadline));
    // A proxy or base URL adding envelope=true must not turn a failure into a success.
    response.status = effective_status(response);
    return response;
  };
  HttpResponse response = attempt(auth_headers);
  if (response.status == 401 && !response.stale_nonce && auth_.renew_after_unauthorized(auth_headers)) {
    response = attempt(auth_.headers());
  }
  return response;
}

HttpResponse AdminClient::send_paced(const ApiRequest& request, Deadline deadline) {
  if (!pacer_) return send_once(request, deadline);
  if (limits_unread_.exchange(false)) pacer_->use_limits(read_rate_limits());  // its own calls come back here
  Pacer::Turn turn = pacer_->take(request.method, request.path);
  while (turn.again && turn.wait < time_left(deadline)) {
    hooks_.sleep(std::chrono::ceil<milliseconds>(turn.wait));
    turn = pacer_->take(request.method, request.path);
  }
  if (turn.wait > Clock::duration::zero()) {  // still `again` here: the deadline is nearer than its next look
    if (turn.wait >= time_left(deadline)) {
      pacer_->answered(turn, 0, std::nullopt, std::nullopt);
      throw ApiError(describe_call(request) + ": the rate limit allows it only in " +
                     seconds_text(std::chrono::duration_cast<milliseconds>(turn.wait)) + ", after the call's " +
                     seconds_text(retry_.timeout) + " time budget", 429);
    }
    // Rounded up: a call sent a fraction of a millisecond early reaches the server before its token.
    hooks_.sleep(std::chrono::ceil<milliseconds>(turn.wait));
  }
  try {
    HttpResponse response = send_once(request, deadline);
    pacer_->answered(turn, response.status, response.rate_limit_remaining, response.retry_after_seconds);
    return response;
  } catch (...) {
    pacer_->answered(turn, 0, std::nullopt, std::nullopt);
    throw;
  }
}

// One call within its budget: at most max_retries + 1 attempts, and `timeout` of wall time for
// all of them together (each attempt gets what is left, waits included).
HttpResponse AdminClient::call(const ApiRequest& request, const std::function<bool(Deadline)>& already_done,
                               std::optional<Deadline> until, bool check_every_retry) {
  const Deadline deadline = until.value_or(Clock::now() + retry_.timeout);
  for (int attempt = 1;; ++attempt) {
    std::optional<HttpResponse> response;
    std::string failure;
    try {
      response = send_paced(request, deadline);
    } catch (const TransportError& e) {
      if (!e.retryable) throw;  // no retry can cure it: the callers say which call failed
      failure = e.what();
    }
    const long status = response ? response->status : 0;
    // A nonce rejected as stale again and again is a server that never lets a call through:
    // each such answer costs an attempt, like a 503.
    const bool stale = response && response->stale_nonce;
    // Moved, not copied: a create's answer holds a secret, and a copy would outlive the wipe.
    if (response && !stale && !is_transient(status)) return std::move(*response);
    if (stale) failure = "401 stale=true again: the server rejected a freshly answered digest nonce";
    else if (response) failure = describe_failure(*response);

    // The write may have happened even though no answer came back: look before repeating it.
    const bool outcome_unknown =
        request.method != "GET" && (check_every_retry || status == 0 || status == 502 || status == 504);
    if (outcome_unknown && already_done && already_done(deadline)) {
      hooks_.warn("warning: " + describe_call(request) + ": " + failure + ", but the change is in effect");
      return HttpResponse{200, "", std::nullopt, false, std::nullopt};
    }
    // A paced 429 waits in the pacer instead: it holds every call of that bucket until Retry-After.
    const bool paced = pacer_ && status == 429;
    const milliseconds delay = paced ? milliseconds(0)
                                     : retry_delay(retry_, attempt, response ? response->retry_after_seconds : std::nullopt,
                                                   hooks_.jitter());
    const std::string gave_up = describe_call(request) + ": " + failure + " (gave up after " +
                                std::to_string(attempt) + " attempts";
    if (attempt > retry_.max_retries) throw ApiError(gave_up + ")", status);
    if (delay >= time_left(deadline)) {
      throw ApiError(gave_up + ", the call's " + seconds_text(retry_.timeout) + " time budget spent)", status);
    }
    hooks_.warn("retry: " + describe_call(request) + ": " + failure + "; retrying " +
                (paced ? std::string("when the rate limit allows") : "in " + seconds_text(delay)) + " (attempt " +
                std::to_string(attempt + 1) + " of " + std::to_string(retry_.max_retries + 1) + ")");
    if (!paced) hooks_.sleep(delay);
  }
}

// Every page of one listing, checked as a whole (ListingCheck); throws InconsistentListing when
// the pages do not add up, ApiError when a call fails.
namespace {

// What the listing checks find repeats by.
template <typename T>
const std::string& listing_id(const T& item) {
  return item.id;
}
const std::string& listing_id(const LiveServiceAccount& account) { return account.client_id; }

}  // namespace

template <typename T>
std::vector<T> AdminClient::read_all_pages(std::string_view noun, const MakeRequest& make_request,
                                           const ParsePage<T>& parse_page) {
  auto fetch = [&](long page) {
    const ApiRequest request = make_request(static_cast<int>(page));
    HttpResponse response;
    try {
      response = call(request);
    } catch (const BodyTooLarge& e) {
      throw InconsistentListing("page " + std::to_string(page) + ": " + e.what());
    } catch (const TransportError& e) {
      throw ApiError(describe_call(request) + ": " + e.what(), 0);
    }
    if (!is_success(response.status)) throw ApiError(describe_call(request) + ": " + describe_failure(response), response.status);
    try {
      return parse_page(response.body);
    } catch (const ResponseError& e) {
      throw ApiError(describe_call(request) + ": unexpected response: " + e.what(), response.status);
    }
  };
  ListingCheck check(noun, family_.page_size);
  std::vector<T> items;
  auto take = [&](long number, Page<T>& page) {
    std::vector<std::string> ids;
    ids.reserve(page.items.size());
    for (const T& item : page.items) ids.push_back(listing_id(item));
    check.add_page(number, ids, page.total_count);
    for (auto& item : page.items) items.push_back(std::move(item));
  };
  Page<T> first = fetch(1);
  take(1, first);
  if (!check.total_count()) {
    // Without totalCount the only end marker is a short page: read on one page at a time (the
    // check's item bound and repeat detection end a listing that never does).
    for (long page = 2; check.items() == (page - 1) * family_.page_size; ++page) {
      Page<T> next = fetch(page);
      take(page, next);
    }
    return items;
  }
  // totalCount is known (and bounded by the check): every other page is requested at once.
  const long pages = check.pages_for_total();
  std::vector<Page<T>> rest(pages > 1 ? pages - 1 : 0);
  parallel_for_or_throw(static_cast<int>(rest.size()), pool_.max_connections(),
                        [&](int i) { rest[i] = fetch(i + 2); });
  for (size_t i = 0; i < rest.size(); ++i) take(static_cast<long>(i) + 2, rest[i]);
  check.finish();
  return items;
}

// A listing read until it is consistent, at most twice. Offset paging over an org that changes
// under the read (a key created between two pages) heals on a second read; a listing that is
// wrong twice is not one to plan from.
template <typename T>
std::vector<T> AdminClient::read_listing(std::string_view noun, const MakeRequest& make_request,
                                         const ParsePage<T>& parse_page) {
  const std::string listing = describe_listing(make_request(1));
  try {
    return read_all_pages<T>(noun, make_request, parse_page);
  } catch (const InconsistentListing& first) {
    hooks_.warn("warning: " + listing + ": inconsistent listing: " + first.what() + "; reading it again from page 1");
  }
  try {
    return read_all_pages<T>(noun, make_request, parse_page);
  } catch (const InconsistentListing& second) {
    throw ApiError(listing + ": inconsistent listing: " + second.what() +
                       "; read twice, inconsistent both times: not planning from it",
                   0);
  }
}

template std::vector<LiveServiceAccount> AdminClient::read_listing(std::string_view, const MakeRequest&,
                                                                   const ParsePage<LiveServiceAccount>&);
template std::vector<RolesIn> AdminClient::read_listing(std::string_view, const MakeRequest&, const ParsePage<RolesIn>&);
template std::vector<AccessEntry> AdminClient::read_listing(std::string_view, const MakeRequest&,
                                                            const ParsePage<AccessEntry>&);

LiveState AdminClient::read_org() {
  LiveState live;
  live.org_id = org_id_;
  // The two listings are independent: read them side by side, so a plan costs the round trips
  // of the longer one, not of both. When both fail, the key listing's error is the one reported.
  std::exception_ptr errors[2];
  parallel_for(2, 2, [&](int listing) {
    try {
      if (listing == 0) {
        live.keys = read_listing<LiveKey>(
            "key", [&](int page) { return list_org_keys_request(family_, org_id_, page); },
            [&](std::string_view body) { return parse_keys_page(body, org_id_); });
      } else {
        live.projects = read_listing<LiveProject>(
            "project", [&](int page) { return list_org_projects_request(family_, org_id_, page); },
            parse_projects_page);
      }
    } catch (...) {
      errors[listing] = std::current_exception();
    }
    return true;  // let the other listing finish: its error may be the one to report
  });
  for (const auto& error : errors) {
    if (error) std::rethrow_exception(error);
  }
  return live;
}

void AdminClient::read_access_lists(LiveState& live, const std::vector<std::string>& key_ids) {
  std::map<std::string, LiveKey*> keys;
  for (auto& key : live.keys) keys.emplace(key.id, &key);
  std::vector<LiveKey*> wanted;
  for (const auto& id : key_ids) {
    if (auto it = keys.find(id); it != keys.end()) wanted.push_back(it->second);
  }
  parallel_for_or_throw(static_cast<int>(wanted.size()), pool_.max_connections(), [&](int i) {
    auto entries = read_listing<AccessEntry>(
        "access-list entry",
        [&](int page) { return list_access_list_request(family_, org_id_, wanted[i]->id, page); },
        parse_access_list_page);
    std::vector<std::string> list;
    for (auto& entry : entries) list.push_back(std::move(entry.id));
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
    wanted[i]->access_list = std::move(list);
  });
}

namespace {

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Whether the key as read now shows what `action` was to do.
bool key_shows(const Action& action, const LiveKey& key) {
  switch (action.kind) {
    case ActionKind::update_key:
      return (!action.after.desc || key.desc == *action.after.desc) &&
             (!action.after.org_roles || key.org_roles == *action.after.org_roles);
    case ActionKind::unassign: return !key.project_roles.count(action.project->id);
    case ActionKind::assign:
    case ActionKind::update_roles: {
      auto it = key.project_roles.find(action.project->id);
      return it != key.project_roles.end() && it->second == action.roles_after;
    }
    default: return false;
  }
}

}  // namespace

bool AdminClient::action_in_effect(const Action& action, Deadline deadline) {
  if (time_left(deadline) <= milliseconds(0)) return false;  // no time to look: not known to be done
  if (action.key.is_service_account()) return account_action_in_effect(action, deadline);
  try {
    const HttpResponse response = call(get_org_key_request(family_, org_id_, action.key.id), nullptr, deadline);
    // A key that is gone has lost its projects and its access list with it.
    if (response.status == 404) return action.kind == ActionKind::delete_key || action.removes();
    if (!is_success(response.status) || action.kind == ActionKind::delete_key) return false;
    if (info(action.kind).scope == Scope::access_entry) return entry_in_effect(action);
    return key_shows(action, parse_key_response(response.body, org_id_));
  } catch (const std::exception&) {
    return false;  // cannot tell: treat as not done, so the write is retried
  }
}

// A listing read has its own per-call budget, like any read.
bool AdminClient::entry_in_effect(const Action& action) {
  LiveState one;
  one.keys.push_back({action.key.id, action.key.public_key, action.key.desc, {}, {}, std::nullopt});
  read_access_lists(one, {action.key.id});
  const bool present = contains(one.keys.front().access_list.value_or(std::vector<std::string>{}), *action.entry);
  return action.kind == ActionKind::add_access_entry ? present : !present;
}

std::vector<std::string> AdminClient::key_ids_with_desc(const std::string& desc) {
  std::vector<std::string> ids;
  const auto keys = read_listing<LiveKey>(
      "key", [&](int page) { return list_org_keys_request(family_, org_id_, page); },
      [&](std::string_view body) { return parse_keys_page(body, org_id_); });
  for (const auto& key : keys) {
    if (key.desc == desc && std::find(ids.begin(), ids.end(), key.id) == ids.end()) ids.push_back(key.id);
  }
  return ids;
}

std::string AdminClient::delete_created_key(const std::string& key_id) {
  Action remove;
  remove.kind = ActionKind::delete_key;
  remove.key.id = key_id;
  const ApiRequest request = action_request(family_, org_id_, remove);
  try {
    const HttpResponse response = call(request, [&](Deadline until) { return action_in_effect(remove, until); });
    if (is_success(response.status) || response.status == 404) return "";
    return describe_call(request) + ": " + describe_failure(response);
  } catch (const std::exception& e) {
    return describe_call(request) + ": " + e.what();
  }
}

// The body of a 200 to a create holds the private key: parsed once, then wiped. A 200 whose body
// is unusable still made a key: it is taken back, since nobody can ever use it.
CreatedKey AdminClient::created_key_from(HttpResponse& response, const ApiRequest& request) {
  struct WipeBody {
    std::string& body;
    ~WipeBody() { wipe(body); }
  } wipe_body{response.body};
  try {
    return parse_created_key(response.body, org_id_);
  } catch (const ResponseError& e) {
    std::string id;
    try {
      id = parse_key_response(response.body, org_id_).id;
    } catch (const std::exception&) {
    }
    std::string taken_back = id.empty() ? "" : delete_created_key(id);
    throw ApiError(describe_call(request) + ": unexpected response: " + e.what() +
                       (id.empty() ? "" : taken_back.empty() ? "; the key was deleted again"
                                                             : "; deleting it again failed too (" + taken_back +
                                                                   "): key " + id + " is ORPHANED, delete it by hand"),
                   response.status);
  }
}

HttpResponse AdminClient::create_once(const ApiRequest& request, const OneTimeCreate& create, Deadline deadline) {
  std::vector<std::string> made;  // what the create made, found after a lost answer
  HttpResponse response;
  try {
    response = call(
        request,
        [&](Deadline until) {
          try {
            made = create.find_made(until);
          } catch (const std::exception& e) {
            // Repeating the create could make a second one: stop, and say what to look for.
            throw ApiError(describe_call(request) + ": the answer was lost, and whether " + create.unknown +
                           " was made could not be checked (" + e.what() + "): look for " + create.look_for +
                           " before running apply again", 0);
          }
          return !made.empty();
        },
        deadline, /*check_every_retry=*/true);
  } catch (const TransportError& e) {
    throw ApiError(describe_call(request) + ": " + e.what(), 0);
  }
  if (!made.empty()) {
    // It exists, but its secret went with the lost answer: nobody can ever use it.
    std::string outcome;
    for (const auto& id : made) {
      const std::string failed = create.take_back(id);
      outcome += failed.empty() ? "; " + create.label(id) + " was deleted again"
                                : "; deleting " + create.label(id) + " failed (" + failed + "): " + create.orphan(id) +
                                      " IS ORPHANED, delete it by hand";
    }
    throw ApiError(describe_call(request) + ": the answer was lost after " + create.made + " was made, and with it " +
                   create.lost + outcome, 0);
  }
  if (!is_success(response.status)) {
    throw ApiError(describe_call(request) + ": " + describe_failure(response), response.status);
  }
  return response;
}

CreatedKey AdminClient::create_key(const Action& action) {
  const ApiRequest request = action_request(family_, org_id_, action);
  const std::string desc = *action.after.desc;
  HttpResponse response = create_once(
      request,
      {"the key", "the key", "the only copy of its private key",
       "a key with the description \"" + escape_text(desc) + "\"",
       [&](Deadline) { return key_ids_with_desc(desc); },
       [&](const std::string& id) { return delete_created_key(id); },
       [](const std::string& id) { return "key " + id; }, [](const std::string& id) { return "KEY " + id; }},
      Clock::now() + retry_.timeout);
  return created_key_from(response, request);
}

std::string AdminClient::execute(const Action& action) {
  if (info(action.kind).creates_key || action.kind == ActionKind::create_secret) {
    throw std::logic_error("execute: " + std::string(to_string(action.kind)) + " has a call of its own");
  }
  const ApiRequest request = action_request(family_, org_id_, action);
  // One budget for the action: its call, retries, and the reads that check a lost answer.
  const Deadline deadline = Clock::now() + retry_.timeout;
  HttpResponse response;
  try {
    response = call(request, [&](Deadline until) { return action_in_effect(action, until); }, deadline);
  } catch (const TransportError& e) {
    throw ApiError(describe_call(request) + ": " + e.what(), 0);  // one no retry can cure
  }
  if (is_success(response.status)) return "";
  const bool removal = action.kind == ActionKind::unassign || action.kind == ActionKind::delete_key ||
                       action.kind == ActionKind::remove_access_entry || action.kind == ActionKind::delete_secret ||
                       action.kind == ActionKind::delete_service_account;
  if (removal && response.status == 404) {
    // Someone else removed it first: the org is where the plan wanted it.
    return "already gone: " + describe_failure(response);
  }
  // An :invite of an account already in the project: which 4xx Atlas answers is not documented
  // (the sandbox says 409), so any 400 or 409 is checked.
  const bool conflict = response.status == 409 || (action.key.is_service_account() && response.status == 400);
  if (action.kind == ActionKind::assign && conflict && action_in_effect(action, deadline)) {
    return "already assigned with these roles";
  }
  if (action.kind == ActionKind::add_access_entry && response.status == 409) {
    return "already in the access list: " + describe_failure(response);
  }
  throw ApiError(describe_call(request) + ": " + describe_failure(response), response.status);
}

}  // namespace keyform
