#include "api/listing.h"

#include <doctest/doctest.h>

#include <functional>

namespace keyform_test_listing {

using namespace keyform;

namespace {

std::vector<std::string> ids(int from, int count) {
  std::vector<std::string> out;
  for (int i = from; i < from + count; ++i) out.push_back("id" + std::to_string(i));
  return out;
}

// The InconsistentListing message, or "" when the pages are consistent.
std::string problem(const std::function<void(ListingCheck&)>& pages, long per_page = 3, long max_items = 100) {
  ListingCheck check("key", per_page, max_items);
  try {
    pages(check);
    check.finish();
    return "";
  } catch (const InconsistentListing& e) {
    return e.what();
  }
}

}  // namespace

TEST_CASE("listing: consistent pages pass, with and without totalCount") {
  CHECK(problem([](ListingCheck& c) {
          c.add_page(1, ids(0, 3), 7);
          c.add_page(2, ids(3, 3), 7);
          c.add_page(3, ids(6, 1), 7);
        }) == "");
  CHECK(problem([](ListingCheck& c) {
          c.add_page(1, ids(0, 3), std::nullopt);
          c.add_page(2, ids(3, 0), std::nullopt);
        }) == "");
  CHECK(problem([](ListingCheck& c) { c.add_page(1, {}, 0); }) == "");
  ListingCheck check("key", 500);
  check.add_page(1, ids(0, 500), 1200);
  CHECK(check.pages_for_total() == 3);
  CHECK(check.items() == 500);
}

TEST_CASE("listing: a key twice on one page, or on two pages, is named with its pages") {
  CHECK(problem([](ListingCheck& c) { c.add_page(1, {"a", "b", "a"}, 3); }) == "key a appears twice (twice on page 1)");
  // Offset paging when a key is created between two reads: page 2 starts with page 1's last key.
  CHECK(problem([](ListingCheck& c) {
          c.add_page(1, {"a", "b", "c"}, 6);
          c.add_page(2, {"c", "d", "e"}, 6);
        }) == "key c appears twice (page 1 and page 2)");
}

TEST_CASE("listing: a page repeating an earlier one is named as such") {
  CHECK(problem([](ListingCheck& c) {
          c.add_page(1, {"a", "b", "c"}, std::nullopt);
          c.add_page(2, {"a", "b", "c"}, std::nullopt);
        }) == "page 2 repeats page 1 (does a proxy drop the query string?)");
}

TEST_CASE("listing: more items than requested per page, or a changing totalCount, are inconsistent") {
  CHECK(problem([](ListingCheck& c) { c.add_page(1, ids(0, 4), 4); }) ==
        "page 1 holds 4 items, more than the 3 per page requested");
  CHECK(problem([](ListingCheck& c) {
          c.add_page(1, ids(0, 3), 6);
          c.add_page(2, ids(3, 3), 7);
        }) == "totalCount changed between pages: 6 on page 1, 7 on page 2");
  CHECK(problem([](ListingCheck& c) {
          c.add_page(1, ids(0, 3), 6);
          c.add_page(2, ids(3, 3), std::nullopt);
        }) == "totalCount changed between pages: 6 on page 1, absent on page 2");
}

TEST_CASE("listing: fewer items than totalCount at the end is inconsistent") {
  CHECK(problem([](ListingCheck& c) {
          c.add_page(1, ids(0, 3), 7);
          c.add_page(2, ids(3, 3), 7);
          c.add_page(3, {}, 7);
        }) == "returned 6 items but totalCount is 7 (the org changed while it was read)");
}

TEST_CASE("listing: an endless listing and a huge totalCount are bounded") {
  // Unique ids forever, no totalCount: the item bound ends it.
  CHECK(problem([](ListingCheck& c) {
          for (long page = 1;; ++page) c.add_page(page, ids(static_cast<int>(page * 3), 3), std::nullopt);
        }, 3, 10) == "more than 10 items by page 4 and no end in sight: a listing that never ends");
  CHECK(problem([](ListingCheck& c) { c.add_page(1, ids(0, 3), 9000000000000); }, 3, 10) ==
        "totalCount 9000000000000 would take 3000000000000 pages, more than the 10 items keyform reads from one listing");
}

TEST_CASE("listing: ids from the API are escaped in messages") {
  CHECK(problem([](ListingCheck& c) { c.add_page(1, {"x\x1b[2J", "x\x1b[2J"}, 2); }) ==
        "key x\\x1b[2J appears twice (twice on page 1)");
}

}  // namespace keyform_test_listing
