// Grouping items by a key while keeping their order: groups in order of first appearance, items
// in order within a group. One pass with a hash lookup, so it stays linear for large plans.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

namespace keyform {

// Indices 0..count-1 grouped by key_of(index), a string.
template <typename KeyOf>
std::vector<std::vector<std::size_t>> group_indices(std::size_t count, KeyOf key_of) {
  std::unordered_map<std::string, std::size_t> group_of;
  std::vector<std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < count; ++i) {
    const auto [it, added] = group_of.try_emplace(key_of(i), groups.size());
    if (added) groups.emplace_back();
    groups[it->second].push_back(i);
  }
  return groups;
}

}  // namespace keyform
