#include "cli/version.h"

#include <doctest/doctest.h>

namespace keyform_test_cli_version {

using keyform::BuildInfo;
using keyform::version_text;

TEST_CASE("version: the release and the commit it was built from") {
  CHECK(version_text(BuildInfo{"1.2.3", "6d6d71a2b3c4", false}) == "keyform 1.2.3 (commit 6d6d71a2b3c4)");
}

TEST_CASE("version: a build from a tree with changes says dirty") {
  CHECK(version_text(BuildInfo{"1.2.3", "6d6d71a2b3c4", true}) == "keyform 1.2.3 (commit 6d6d71a2b3c4, dirty)");
}

TEST_CASE("version: a build without git (a release tarball) says the commit is unknown") {
  CHECK(version_text(BuildInfo{"1.2.3", "", false}) == "keyform 1.2.3 (unknown commit)");
}

TEST_CASE("version: the binary carries the project's version") {
  CHECK(keyform::build_info().version == KEYFORM_VERSION);
}

}  // namespace keyform_test_cli_version
