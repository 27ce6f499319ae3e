// What `keyform --version` prints: the release and the commit the binary was built from.
#pragma once

#include <string>

namespace keyform {

struct BuildInfo {
  std::string version;  // the project's version (CMakeLists.txt)
  std::string commit;   // abbreviated git commit; empty when built outside a git checkout
  bool dirty = false;   // the checkout had changes to tracked files when it was built
};

// The BuildInfo compiled into this binary.
BuildInfo build_info();

// "keyform 0.1.0 (commit 6d6d71a2b3c4)", "... (commit 6d6d71a2b3c4, dirty)" or "... (unknown commit)".
std::string version_text(const BuildInfo& info);

}  // namespace keyform
