#include "sandbox/listing_faults.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

namespace keyform::sandbox {
namespace {

constexpr std::string_view syntax = "LISTING:MODE[:PASSES]";
constexpr long max_passes = 1'000'000'000;

constexpr std::array<std::pair<Listing, std::string_view>, 3> listings{{
    {Listing::api_keys, "apiKeys"},
    {Listing::groups, "groups"},
    {Listing::access_list, "accessList"},
}};

constexpr std::array<std::pair<ListingMode, std::string_view>, 8> modes{{
    {ListingMode::duplicate, "duplicate"},
    {ListingMode::shift, "shift"},
    {ListingMode::ignore_page, "ignore-page"},
    {ListingMode::count_drift, "count-drift"},
    {ListingMode::oversized, "oversized"},
    {ListingMode::no_count, "no-count"},
    {ListingMode::endless, "endless"},
    {ListingMode::huge, "huge"},
}};

template <typename Table>
std::string names_of(const Table& table) {
  std::string out;
  for (const auto& [value, name] : table) out += fmt::format("{}{}", out.empty() ? "" : ", ", name);
  return out;
}

template <typename T, std::size_t N>
std::optional<T> lookup(const std::array<std::pair<T, std::string_view>, N>& table, std::string_view name) {
  for (const auto& [value, known] : table) {
    if (known == name) return value;
  }
  return std::nullopt;
}

[[noreturn]] void fail(std::string_view spec, const std::string& why) {
  throw FaultSyntaxError(fmt::format("bad listing fault \"{}\": {} (expected {})", spec, why, syntax));
}

std::optional<long> positive(std::string_view text) {
  long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || text[0] == '-' || text[0] == '+' || error != std::errc() ||
      end != text.data() + text.size() || value < 1 || value > max_passes) {
    return std::nullopt;
  }
  return value;
}

std::size_t slot(Listing listing) { return static_cast<std::size_t>(listing); }

}  // namespace

std::string_view listing_name(Listing listing) {
  for (const auto& [value, name] : listings) {
    if (value == listing) return name;
  }
  return "?";
}

std::string_view mode_name(ListingMode mode) {
  for (const auto& [value, name] : modes) {
    if (value == mode) return name;
  }
  return "?";
}

ListingFault parse_listing_fault(std::string_view spec) {
  std::vector<std::string_view> fields;
  for (std::size_t start = 0;;) {
    const std::size_t end = spec.find(':', start);
    fields.push_back(spec.substr(start, end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (fields.size() < 2 || fields.size() > 3) fail(spec, "expected two or three ':'-separated fields");
  ListingFault fault;
  fault.spec = std::string(spec);
  const auto listing = lookup(listings, fields[0]);
  if (!listing) fail(spec, fmt::format("LISTING \"{}\" is not one of {}", fields[0], names_of(listings)));
  fault.listing = *listing;
  const auto mode = lookup(modes, fields[1]);
  if (!mode) fail(spec, fmt::format("MODE \"{}\" is not one of {}", fields[1], names_of(modes)));
  fault.mode = *mode;
  if (fields.size() == 3) {
    fault.passes = positive(fields[2]);
    if (!fault.passes) {
      fail(spec, fmt::format("PASSES \"{}\" is not an integer from 1 to {}", fields[2], max_passes));
    }
  }
  return fault;
}

PageShape shape_page(long long total, const PageRequest& request, std::optional<ListingMode> mode) {
  const long long per_page = request.items_per_page;
  const long long page_num = mode == ListingMode::ignore_page ? 1 : request.page_num;
  // A shifted page starts one item early: what offset paging serves after an insert at the front.
  const long long offset =
      (page_num - 1) * per_page - (mode == ListingMode::shift && page_num > 1 ? 1 : 0);
  PageShape shape;
  shape.first = std::min(total, offset);
  shape.last = std::min(total, offset + per_page);
  if (request.include_count) shape.total_count = total;
  if (!mode) return shape;
  switch (*mode) {
    case ListingMode::duplicate: shape.repeat_first = page_num == 1 && shape.last > shape.first; break;
    case ListingMode::count_drift:
      if (page_num > 1 && shape.total_count) ++*shape.total_count;
      break;
    case ListingMode::oversized:
      // Filled up with synthetic items, so the page is too long whatever the org's size.
      if (page_num == 1) shape.synthetic_count = per_page + 1 - (shape.last - shape.first);
      break;
    case ListingMode::no_count: shape.total_count.reset(); break;
    case ListingMode::endless:
      shape.first = shape.last = 0;
      shape.synthetic_first = (page_num - 1) * per_page;
      shape.synthetic_count = per_page;
      shape.total_count.reset();
      break;
    case ListingMode::huge: shape.padding = huge_padding; break;
    case ListingMode::shift:
    case ListingMode::ignore_page: break;  // the window above is all they change
  }
  return shape;
}

void ListingFaultInjector::add(ListingFault fault) {
  std::lock_guard lock(mutex_);
  entries_.push_back({std::move(fault), 0});
}

bool ListingFaultInjector::has_passes_left(const Entry& entry) const {
  return !entry.fault.passes || entry.passes_used < *entry.fault.passes;
}

std::optional<ListingMode> ListingFaultInjector::take(Listing listing, long long page_num) {
  std::lock_guard lock(mutex_);
  std::optional<std::size_t>& current = current_[slot(listing)];
  if (page_num <= 1) {
    current.reset();
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i].fault.listing == listing && has_passes_left(entries_[i])) {
        ++entries_[i].passes_used;
        current = i;
        break;
      }
    }
  }
  if (current) return entries_[*current].fault.mode;
  // No pass under way with a fault (none began, or the fault came later): a fault with passes
  // left still shapes this page, without using up a pass.
  if (page_num > 1) {
    for (const Entry& entry : entries_) {
      if (entry.fault.listing == listing && has_passes_left(entry)) return entry.fault.mode;
    }
  }
  return std::nullopt;
}

nlohmann::json ListingFaultInjector::to_json() const {
  std::lock_guard lock(mutex_);
  auto faults = nlohmann::json::array();
  for (const Entry& entry : entries_) {
    const ListingFault& f = entry.fault;
    faults.push_back({{"spec", f.spec},
                      {"listing", listing_name(f.listing)},
                      {"mode", mode_name(f.mode)},
                      {"passes", f.passes ? nlohmann::json(*f.passes) : nlohmann::json()},
                      {"passes_used", entry.passes_used}});
  }
  return {{"listing_faults", faults}};
}

void ListingFaultInjector::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
  for (auto& current : current_) current.reset();
}

}  // namespace keyform::sandbox
