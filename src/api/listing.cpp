#include "api/listing.h"

#include "core/escape.h"

namespace keyform {
namespace {

std::string page_text(long number) { return "page " + std::to_string(number); }

}  // namespace

ListingCheck::ListingCheck(std::string_view noun, long items_per_page, long max_items)
    : noun_(noun), per_page_(items_per_page), max_items_(max_items) {}

void ListingCheck::add_page(long number, const std::vector<std::string>& ids, std::optional<long> total_count) {
  const long size = static_cast<long>(ids.size());
  if (size > per_page_) {
    throw InconsistentListing(page_text(number) + " holds " + std::to_string(size) + " items, more than the " +
                              std::to_string(per_page_) + " per page requested");
  }
  check_total(number, total_count);
  if (items_ + size > max_items_) {
    throw InconsistentListing("more than " + std::to_string(max_items_) + " items by " + page_text(number) +
                              " and no end in sight: a listing that never ends");
  }
  check_repeat(number, ids);
  for (const std::string& id : ids) {
    auto [seen, inserted] = page_of_.emplace(id, number);
    if (inserted) continue;
    const std::string where = seen->second == number
                                  ? "twice on " + page_text(number)
                                  : page_text(seen->second) + " and " + page_text(number);
    throw InconsistentListing(noun_ + " " + escape_text(id) + " appears twice (" + where + ")");
  }
  items_ += size;
  page_sizes_.push_back(size);
}

void ListingCheck::check_total(long number, std::optional<long> total_count) {
  if (number == 1) {
    total_ = total_count;
    if (total_ && *total_ > max_items_) {
      // The word "pages" matters: it is what a user searching the error for paging finds.
      throw InconsistentListing("totalCount " + std::to_string(*total_) + " would take " +
                                std::to_string(pages_for_total()) + " pages, more than the " +
                                std::to_string(max_items_) + " items keyform reads from one listing");
    }
    return;
  }
  if (total_count == total_) return;
  auto text = [](std::optional<long> total) { return total ? std::to_string(*total) : std::string("absent"); };
  throw InconsistentListing("totalCount changed between pages: " + text(total_) + " on page 1, " +
                            text(total_count) + " on " + page_text(number));
}

// A proxy that drops the query string answers page 1 again for page 2: name that, rather than
// the first duplicate id it causes.
void ListingCheck::check_repeat(long number, const std::vector<std::string>& ids) const {
  if (ids.empty()) return;
  auto first = page_of_.find(ids.front());
  if (first == page_of_.end()) return;
  const long earlier = first->second;
  if (page_sizes_[earlier - 1] != static_cast<long>(ids.size())) return;
  for (const std::string& id : ids) {
    auto seen = page_of_.find(id);
    if (seen == page_of_.end() || seen->second != earlier) return;
  }
  throw InconsistentListing(page_text(number) + " repeats " + page_text(earlier) +
                            " (does a proxy drop the query string?)");
}

void ListingCheck::finish() const {
  if (!total_ || items_ == *total_) return;
  throw InconsistentListing("returned " + std::to_string(items_) + " items but totalCount is " +
                            std::to_string(*total_) + " (the org changed while it was read)");
}

long ListingCheck::pages_for_total() const {
  if (!total_ || per_page_ <= 0) return 1;
  return (*total_ + per_page_ - 1) / per_page_;
}

}  // namespace keyform
