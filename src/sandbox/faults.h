// Fault injection for tests of a client's retry logic: `--fault METHOD:PATH_REGEX:STATUS:COUNT[:RETRY_AFTER]`.
//
//   METHOD       GET, POST, PATCH, DELETE, ... or * for any (case-insensitive)
//   PATH_REGEX   ECMAScript regex searched in the request path (without the query, percent-decoded:
//                an access-list entry's %2F is a '/' here); may not contain ':'. Anchor it with ^
//                and $ to match the whole path.
//   STATUS       429, 500, 502, 503 or 504: answered with the Admin API's error body instead of
//                serving the request; 204: answered with no body and not served (a lost or
//                lagging write that claims success); 0: the connection is dropped without an answer.
//                A '+' suffix (e.g. "0+", "502+") serves the request first (a write happens),
//                then answers the fault: the client cannot know the outcome.
//   COUNT        how many matching requests fail (a positive integer); later ones are served.
//   RETRY_AFTER  optional: seconds sent in a Retry-After header (not with STATUS 0).
//
// A fault added with POST /__sandbox/faults may also carry a body, sent as is (application/json)
// instead of the error body: garbage, truncated or lying answers. With a body, STATUS may be
// any of 200-599.
//
// Pure except for FaultInjector's mutex: no HTTP library types.
#pragma once

#include "sandbox/reply.h"

#include <nlohmann/json_fwd.hpp>

#include <mutex>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace keyform::sandbox {

// A malformed spec; what() says which part is wrong and why.
struct FaultSyntaxError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

struct Fault {
  std::string spec;          // as given, for listings and messages
  std::string method;        // upper case, or "*"
  std::string path_pattern;  // the regex's source text
  std::regex path;
  int status = 0;            // 0: drop the connection
  bool after_apply = false;  // '+': serve the request, then fail it
  long count = 0;            // matching requests that fail
  std::optional<long> retry_after;  // seconds
  std::optional<std::string> body;  // sent as is instead of the documented error body

  bool drops_connection() const { return status == 0; }
};

// Throws FaultSyntaxError.
Fault parse_fault(std::string_view spec, std::optional<std::string> body = std::nullopt);

// Whether a request with this method and path (no query) is one the fault aims at.
bool fault_matches(const Fault& fault, std::string_view method, std::string_view path);

// The answer for a fault that answers (status != 0): the fault's body, no body for 204, or the
// documented error body for the status (429 RATE_LIMITED, 500 UNEXPECTED_ERROR, 502 BAD_GATEWAY,
// 503 SERVICE_UNAVAILABLE, 504 GATEWAY_TIMEOUT); Retry-After when the fault has one.
Reply fault_reply(const Fault& fault, std::string_view path);

// The faults of one sandbox, in the order they were added. Thread-safe.
class FaultInjector {
 public:
  void add(Fault fault);
  // The first fault matching the request that still has failures left, with one failure used
  // up; nullopt when the request is to be served normally.
  std::optional<Fault> take(std::string_view method, std::string_view path);
  // {"faults": [{"spec", "method", "path_regex", "status", "after_apply", "retry_after",
  //              "body" (or null), "count", "remaining"}, ...]}
  nlohmann::json to_json() const;
  void clear();

 private:
  struct Entry {
    Fault fault;
    long remaining;
  };
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
};

}  // namespace keyform::sandbox
