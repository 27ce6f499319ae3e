#include "cli/version.h"

#include "keyform_git_version.h"  // generated into the build tree by packaging/git_version.cmake

namespace keyform {

BuildInfo build_info() { return {KEYFORM_VERSION, KEYFORM_GIT_COMMIT, KEYFORM_GIT_DIRTY != 0}; }

std::string version_text(const BuildInfo& info) {
  std::string text = "keyform " + info.version + " (";
  if (info.commit.empty()) return text + "unknown commit)";
  return text + "commit " + info.commit + (info.dirty ? ", dirty)" : ")");
}

}  // namespace keyform
