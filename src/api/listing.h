// The checks that make a paged listing trustworthy enough to plan from. Offset paging is not a
// snapshot: a key created between two page reads shifts the next page and repeats an item; a
// proxy that drops the query string answers page 1 for every page; a broken server never ends.
// A plan built from such a read can delete a key the file declares, so every page is checked as
// it arrives, and anything odd is an InconsistentListing (the caller reads once more, then fails).
// Pure: no I/O.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace keyform {

// What was wrong with a listing, in words for the user (strings from the API escaped).
struct InconsistentListing : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// More than any real org has (five times the 10 000 keys the benchmark plans), few enough that a
// listing that never ends fails within seconds, even read twice under a sanitizer, and in a
// bounded amount of memory.
constexpr long kMaxListingItems = 50000;

class ListingCheck {
 public:
  // `noun` names an item in messages ("key", "project"); `items_per_page` is what was requested.
  ListingCheck(std::string_view noun, long items_per_page, long max_items = kMaxListingItems);

  // Page `number` (1-based; pages come in order) held these item ids and this totalCount.
  // Throws InconsistentListing: a page over itemsPerPage, totalCount differing from page 1's or
  // over the item bound, an id seen before (on this page or an earlier one), a page that repeats
  // an earlier one, more items than the bound.
  void add_page(long number, const std::vector<std::string>& ids, std::optional<long> total_count);

  // After the last page: the number of items is the totalCount page 1 gave (when it gave one).
  void finish() const;

  long items() const { return items_; }
  // Pages needed for page 1's totalCount (call after add_page(1, …) on a listing that has one).
  long pages_for_total() const;
  std::optional<long> total_count() const { return total_; }

 private:
  void check_total(long number, std::optional<long> total_count);
  void check_repeat(long number, const std::vector<std::string>& ids) const;

  std::string noun_;
  long per_page_;
  long max_items_;
  std::optional<long> total_;  // page 1's totalCount
  long items_ = 0;
  std::unordered_map<std::string, long> page_of_;  // id -> the page it was first seen on
  std::vector<long> page_sizes_;                   // items on each page so far
};

}  // namespace keyform
