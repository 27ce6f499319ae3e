// The org as the Admin API reports it: built from the two paged listings (keys, projects).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace keyform {

struct LiveProject {
  std::string id;
  std::string name;
};

struct LiveKey {
  std::string id;
  std::string public_key;
  std::string desc;
  std::map<std::string, std::vector<std::string>> project_roles;  // project id -> sorted, unique roles
  std::vector<std::string> org_roles{};  // sorted, unique: roles of this org named ORG_*
  // The key's IP access list as canonical CIDRs ("203.0.113.7/32"), sorted, unique; unset when it
  // was not read (the key listing does not carry it: one paged GET per key).
  std::optional<std::vector<std::string>> access_list{};
};

struct LiveState {
  std::string org_id;
  std::vector<LiveKey> keys;
  std::vector<LiveProject> projects;
};

}  // namespace keyform
