// The org as the Admin API reports it: built from the two paged listings (keys, projects).
#pragma once

#include <map>
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
  std::vector<std::string> org_roles;  // sorted, unique (roles without a groupId)
};

struct LiveState {
  std::string org_id;
  std::vector<LiveKey> keys;
  std::vector<LiveProject> projects;
};

}  // namespace keyform
