// Listing fault specs (--listing-fault LISTING:MODE[:PASSES]): parsing, the shape of each mode's
// pages, and how passes are counted. Over HTTP: sandbox_failure_modes_test.cpp.
#include "sandbox/listing_faults.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace keyform_test_sandbox_listing_faults {

using namespace keyform::sandbox;
using nlohmann::json;

namespace {

std::string error_of(const std::string& spec) {
  try {
    parse_listing_fault(spec);
  } catch (const FaultSyntaxError& error) {
    return error.what();
  }
  return "";
}

PageRequest page(long long num, long long per_page, bool include_count = true) {
  return PageRequest{num, per_page, include_count};
}

// [first, last) of the real items on a page.
std::pair<long long, long long> window(const PageShape& shape) { return {shape.first, shape.last}; }

}  // namespace

TEST_CASE("sandbox listing faults: valid specs") {
  ListingFault f = parse_listing_fault("apiKeys:duplicate");
  CHECK(f.listing == Listing::api_keys);
  CHECK(f.mode == ListingMode::duplicate);
  CHECK_FALSE(f.passes.has_value());
  CHECK(f.spec == "apiKeys:duplicate");

  f = parse_listing_fault("groups:ignore-page:2");
  CHECK(f.listing == Listing::groups);
  CHECK(f.mode == ListingMode::ignore_page);
  CHECK(f.passes == 2);

  const std::vector<std::pair<std::string, ListingMode>> modes = {
      {"duplicate", ListingMode::duplicate},     {"shift", ListingMode::shift},
      {"ignore-page", ListingMode::ignore_page}, {"count-drift", ListingMode::count_drift},
      {"oversized", ListingMode::oversized},     {"no-count", ListingMode::no_count},
      {"endless", ListingMode::endless},         {"huge", ListingMode::huge}};
  for (const auto& [name, mode] : modes) {
    CHECK(parse_listing_fault("apiKeys:" + name + ":1").mode == mode);
    CHECK(mode_name(mode) == name);
  }
  CHECK(listing_name(Listing::api_keys) == "apiKeys");
  CHECK(listing_name(Listing::groups) == "groups");
  CHECK(listing_name(Listing::access_list) == "accessList");
  CHECK(parse_listing_fault("accessList:endless:3").listing == Listing::access_list);
}

TEST_CASE("sandbox listing faults: bad specs are refused with the reason") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "two or three"},
      {"apiKeys", "two or three"},
      {"apiKeys:duplicate:1:2", "two or three"},
      {"keys:duplicate", "LISTING \"keys\" is not one of apiKeys, groups, accessList"},
      {"ApiKeys:duplicate", "LISTING \"ApiKeys\""},
      {"apiKeys:dup", "MODE \"dup\" is not one of duplicate, shift, ignore-page, count-drift, "
                      "oversized, no-count, endless, huge"},
      {"apiKeys:duplicate:0", "PASSES \"0\""},
      {"apiKeys:duplicate:-1", "PASSES \"-1\""},
      {"apiKeys:duplicate:+1", "PASSES \"+1\""},
      {"apiKeys:duplicate:1x", "PASSES \"1x\""},
      {"apiKeys:duplicate:", "PASSES \"\""},
      {"apiKeys:duplicate:99999999999999999999", "PASSES"},
  };
  for (const auto& [spec, reason] : cases) {
    INFO(spec);
    const std::string message = error_of(spec);
    CHECK(message.find(reason) != std::string::npos);
    CHECK(message.find("\"" + spec + "\"") != std::string::npos);
    CHECK(message.find("LISTING:MODE[:PASSES]") != std::string::npos);
  }
}

TEST_CASE("sandbox listing faults: without a fault, pages are plain offset windows") {
  CHECK(window(shape_page(5, page(1, 2), std::nullopt)) == std::pair(0LL, 2LL));
  CHECK(window(shape_page(5, page(3, 2), std::nullopt)) == std::pair(4LL, 5LL));
  CHECK(window(shape_page(5, page(4, 2), std::nullopt)) == std::pair(5LL, 5LL));
  const PageShape plain = shape_page(5, page(2, 2), std::nullopt);
  CHECK(plain.total_count == 5);
  CHECK_FALSE(plain.repeat_first);
  CHECK(plain.synthetic_count == 0);
  CHECK(plain.padding == 0);
  CHECK_FALSE(shape_page(5, page(1, 2, false), std::nullopt).total_count.has_value());
}

TEST_CASE("sandbox listing faults: the shape of each mode's pages") {
  using M = ListingMode;
  SUBCASE("duplicate: only page 1 repeats its first item") {
    CHECK(shape_page(5, page(1, 2), M::duplicate).repeat_first);
    CHECK(shape_page(5, page(1, 2), M::duplicate).total_count == 5);
    CHECK_FALSE(shape_page(5, page(2, 2), M::duplicate).repeat_first);
    CHECK_FALSE(shape_page(0, page(1, 2), M::duplicate).repeat_first);  // nothing to repeat
  }
  SUBCASE("shift: pages after the first start one item early") {
    CHECK(window(shape_page(5, page(1, 2), M::shift)) == std::pair(0LL, 2LL));
    CHECK(window(shape_page(5, page(2, 2), M::shift)) == std::pair(1LL, 3LL));  // starts with item 1
    CHECK(window(shape_page(5, page(3, 2), M::shift)) == std::pair(3LL, 5LL));
    CHECK(shape_page(5, page(3, 2), M::shift).total_count == 5);
  }
  SUBCASE("ignore-page: every page is page 1") {
    CHECK(window(shape_page(5, page(3, 2), M::ignore_page)) == std::pair(0LL, 2LL));
    CHECK(shape_page(5, page(3, 2), M::ignore_page).total_count == 5);
  }
  SUBCASE("count-drift: pages after the first count one more") {
    CHECK(shape_page(5, page(1, 2), M::count_drift).total_count == 5);
    CHECK(shape_page(5, page(2, 2), M::count_drift).total_count == 6);
    CHECK_FALSE(shape_page(5, page(2, 2, false), M::count_drift).total_count.has_value());
  }
  SUBCASE("oversized: page 1 holds itemsPerPage + 1 items, whatever the org's size") {
    const PageShape full = shape_page(5, page(1, 2), M::oversized);
    CHECK(window(full) == std::pair(0LL, 2LL));
    CHECK(full.synthetic_count == 1);
    const PageShape small = shape_page(2, page(1, 500), M::oversized);
    CHECK(window(small) == std::pair(0LL, 2LL));
    CHECK(small.synthetic_count == 499);
    CHECK(small.total_count == 2);
    CHECK(shape_page(5, page(2, 2), M::oversized).synthetic_count == 0);
  }
  SUBCASE("no-count: everything but totalCount as usual") {
    const PageShape shape = shape_page(5, page(2, 2), M::no_count);
    CHECK(window(shape) == std::pair(2LL, 4LL));
    CHECK_FALSE(shape.total_count.has_value());
  }
  SUBCASE("endless: full pages of new synthetic items, no count, for any page") {
    const PageShape first = shape_page(5, page(1, 2), M::endless);
    CHECK(window(first) == std::pair(0LL, 0LL));
    CHECK(first.synthetic_first == 0);
    CHECK(first.synthetic_count == 2);
    CHECK_FALSE(first.total_count.has_value());
    const PageShape far = shape_page(5, page(1'000'000'000, 500), M::endless);
    CHECK(far.synthetic_first == 499'999'999'500LL);
    CHECK(far.synthetic_count == 500);
  }
  SUBCASE("huge: padded past 65 MiB, items as usual") {
    const PageShape shape = shape_page(5, page(1, 2), M::huge);
    CHECK(shape.padding > 65u * 1024 * 1024);
    CHECK(window(shape) == std::pair(0LL, 2LL));
    CHECK(shape.total_count == 5);
  }
}

TEST_CASE("sandbox listing faults: a pass begins with page 1 and PASSES are used up") {
  ListingFaultInjector injector;
  injector.add(parse_listing_fault("apiKeys:duplicate:1"));
  CHECK(injector.take(Listing::api_keys, 2) == ListingMode::duplicate);  // before any pass: uses none
  CHECK(injector.to_json()["listing_faults"][0]["passes_used"] == 0);
  CHECK(injector.take(Listing::api_keys, 1) == ListingMode::duplicate);
  CHECK(injector.take(Listing::api_keys, 2) == ListingMode::duplicate);  // same pass
  CHECK(injector.take(Listing::groups, 1) == std::nullopt);              // the other listing
  CHECK(injector.take(Listing::api_keys, 1) == std::nullopt);            // the re-read is clean
  CHECK(injector.take(Listing::api_keys, 2) == std::nullopt);
  CHECK(injector.to_json()["listing_faults"][0] ==
        json{{"spec", "apiKeys:duplicate:1"}, {"listing", "apiKeys"}, {"mode", "duplicate"},
             {"passes", 1}, {"passes_used", 1}});
}

TEST_CASE("sandbox listing faults: faults on one listing take turns; no PASSES means forever") {
  ListingFaultInjector injector;
  injector.add(parse_listing_fault("groups:shift:1"));
  injector.add(parse_listing_fault("groups:no-count:2"));
  injector.add(parse_listing_fault("apiKeys:endless"));
  CHECK(injector.take(Listing::groups, 1) == ListingMode::shift);
  CHECK(injector.take(Listing::groups, 2) == ListingMode::shift);
  CHECK(injector.take(Listing::groups, 1) == ListingMode::no_count);
  CHECK(injector.take(Listing::groups, 1) == ListingMode::no_count);
  CHECK(injector.take(Listing::groups, 3) == ListingMode::no_count);
  CHECK(injector.take(Listing::groups, 1) == std::nullopt);
  for (int pass = 0; pass < 5; ++pass) CHECK(injector.take(Listing::api_keys, 1) == ListingMode::endless);
  CHECK(injector.to_json()["listing_faults"][2]["passes"].is_null());
  CHECK(injector.to_json()["listing_faults"][2]["passes_used"] == 5);

  injector.clear();
  CHECK(injector.to_json()["listing_faults"].empty());
  CHECK(injector.take(Listing::api_keys, 2) == std::nullopt);  // the pass under way ended too
}

TEST_CASE("sandbox listing faults: a fault added during a clean pass shapes its later pages") {
  ListingFaultInjector injector;
  CHECK(injector.take(Listing::groups, 1) == std::nullopt);
  injector.add(parse_listing_fault("groups:count-drift:1"));
  CHECK(injector.take(Listing::groups, 2) == ListingMode::count_drift);
  CHECK(injector.to_json()["listing_faults"][0]["passes_used"] == 0);
  CHECK(injector.take(Listing::groups, 1) == ListingMode::count_drift);  // its one pass
  CHECK(injector.take(Listing::groups, 1) == std::nullopt);
  CHECK(injector.take(Listing::groups, 2) == std::nullopt);
}

TEST_CASE("sandbox listing faults: accessList is a listing of its own") {
  ListingFaultInjector injector;
  injector.add(parse_listing_fault("accessList:huge:2"));
  injector.add(parse_listing_fault("apiKeys:shift"));
  CHECK(injector.take(Listing::api_keys, 1) == ListingMode::shift);
  CHECK(injector.take(Listing::groups, 1) == std::nullopt);
  CHECK(injector.take(Listing::access_list, 1) == ListingMode::huge);
  CHECK(injector.take(Listing::api_keys, 2) == ListingMode::shift);  // its own pass goes on
  CHECK(injector.take(Listing::access_list, 1) == ListingMode::huge);
  CHECK(injector.take(Listing::access_list, 1) == std::nullopt);
  CHECK(injector.to_json()["listing_faults"][0]["passes_used"] == 2);
}

}  // namespace keyform_test_sandbox_listing_faults
