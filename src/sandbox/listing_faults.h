// Listing faults: the org listings and the key access-list listing served the ways a real API, a proxy or offset paging can
// get them wrong, so a client's consistency checks can be tested.
// `--listing-fault LISTING:MODE[:PASSES]`.
//
//   LISTING  apiKeys (GET /orgs/{O}/apiKeys), groups (GET /orgs/{O}/groups) or accessList
//            (GET /orgs/{O}/apiKeys/{K}/accessList of every key: all keys' access-list listings
//            share one fault budget and one pass under way), every family
//   MODE     duplicate    page 1 carries its first item a second time, appended; totalCount unchanged
//            shift        page N > 1 is served from one item earlier: [(N-1)·ipp - 1, N·ipp - 1), so
//                         page 2 starts with page 1's last item (offset paging while a key is created
//                         between two page reads); totalCount unchanged
//            ignore-page  pageNum is ignored: every request answers page 1 (a proxy dropping the query)
//            count-drift  pages after the first report totalCount + 1
//            oversized    page 1 carries itemsPerPage + 1 items: its real items, then synthetic ones
//            no-count     totalCount is omitted; otherwise normal
//            endless      totalCount omitted, every page full of synthetic items with distinct ids
//            huge         the body is padded with whitespace past 65 MiB (still valid JSON)
//   PASSES   how many listing passes are affected (a positive integer; default: all). A pass begins
//            with each request for pageNum 1 (or no pageNum); after PASSES passes the listing is
//            served normally, so a test can show that one re-read succeeds.
//
// Several faults on one listing take turns: a pass is given to the first fault, in the order added,
// that still has passes left; pages after the first belong to the pass their page 1 began. A page
// after the first with no faulty pass under way (no page 1 yet, or the fault was added since) is
// shaped by the first fault with passes left, without using one up: "endless" is endless for any
// pageNum, and a fault added at run time acts at once.
// Pure except for ListingFaultInjector's mutex: no HTTP library types.
#pragma once

#include "sandbox/faults.h"  // FaultSyntaxError
#include "sandbox/routes.h"  // PageRequest

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keyform::sandbox {

enum class Listing { api_keys, groups, access_list };
enum class ListingMode { duplicate, shift, ignore_page, count_drift, oversized, no_count, endless, huge };

std::string_view listing_name(Listing listing);  // "apiKeys", "groups", "accessList"
std::string_view mode_name(ListingMode mode);     // "duplicate", "ignore-page", ...

struct ListingFault {
  std::string spec;  // as given
  Listing listing = Listing::api_keys;
  ListingMode mode = ListingMode::duplicate;
  std::optional<long> passes;  // nullopt: every pass
};

// Throws FaultSyntaxError naming the bad part.
ListingFault parse_listing_fault(std::string_view spec);

// Padding that takes a body past a 64 MiB cap with room to spare.
inline constexpr std::size_t huge_padding = 65u * 1024 * 1024 + 1;

// What one page holds, as the (possibly faulty) server serves it. Real items are [first, last) of
// the listing; synthetic items are numbered [synthetic_first, synthetic_first + synthetic_count).
struct PageShape {
  long long first = 0;
  long long last = 0;
  bool repeat_first = false;  // append the page's first item once more
  long long synthetic_first = 0;
  long long synthetic_count = 0;
  std::optional<long long> total_count;
  std::size_t padding = 0;  // bytes of whitespace inside the body
};

// `total` real items; `request.include_count` false omits totalCount in every mode.
PageShape shape_page(long long total, const PageRequest& request, std::optional<ListingMode> mode);

// The listing faults of one sandbox. Thread-safe.
class ListingFaultInjector {
 public:
  void add(ListingFault fault);
  // The mode that shapes this request's page, if any; a request for page 1 (or none) begins a pass.
  std::optional<ListingMode> take(Listing listing, long long page_num);
  // {"listing_faults": [{"spec", "listing", "mode", "passes" (or null), "passes_used"}, ...]}
  nlohmann::json to_json() const;
  void clear();

 private:
  struct Entry {
    ListingFault fault;
    long passes_used = 0;
  };
  bool has_passes_left(const Entry& entry) const;

  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
  // Per listing: the entry whose pass is under way (index into entries_), if any.
  std::optional<std::size_t> current_[3];
};

}  // namespace keyform::sandbox
