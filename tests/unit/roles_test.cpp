#include "core/roles.h"

#include <doctest/doctest.h>

#include "core/config.h"

namespace keyform_test_roles {

using namespace keyform;

TEST_CASE("the documented project roles are known; anything else gets a warning") {
  for (auto role : documented_project_roles()) CHECK_FALSE(undocumented_role_warning(role).has_value());
  CHECK(documented_project_roles().size() == 11);
  const auto warning = undocumented_role_warning("GROUP_READ_ONYL");
  REQUIRE(warning.has_value());
  CHECK(*warning == "role \"GROUP_READ_ONYL\" is not a documented project role (did you mean GROUP_READ_ONLY?); "
                    "the API may refuse it when the plan is applied");
}

TEST_CASE("a suggestion only for a likely typo") {
  CHECK(closest_documented_role("GROUP_OWNR") == std::optional<std::string_view>("GROUP_OWNER"));
  CHECK(closest_documented_role("GROUP_CLUSTER_MANGER") == std::optional<std::string_view>("GROUP_CLUSTER_MANAGER"));
  CHECK_FALSE(closest_documented_role("GROUP_SOMETHING_ELSE_ENTIRELY").has_value());
  CHECK(undocumented_role_warning("GROUP_FUTURE_ROLE")->find("did you mean") == std::string::npos);
}

TEST_CASE("the config parser keeps undocumented roles (the service decides) and warns at their position") {
  const std::string text =
      "[target]\napi = \"atlas-v2\"\norg_id = \"5a0a1e7e0f2912c554080adc\"\n\n"
      "[[keys]]\npublic_key = \"zmmrboas\"\n[keys.projects]\n"
      "\"payments-prod\" = [\"GROUP_OWNER\", \"GROUP_READ_ONYL\"]\n";
  const ConfigParseResult result = parse_config(text, "k.toml");
  REQUIRE(result.errors.empty());
  REQUIRE(result.config->warnings.size() == 1);
  const ConfigError& w = result.config->warnings[0];
  CHECK(w.pos.line == 8);
  CHECK(w.pos.column == 35);
  CHECK(format_error(w).rfind("k.toml:8:35: role \"GROUP_READ_ONYL\"", 0) == 0);
  CHECK(w.message.find("payments-prod") != std::string::npos);
  CHECK(result.config->keys[0].projects[0].roles ==
        std::vector<std::string>{"GROUP_OWNER", "GROUP_READ_ONYL"});
}

TEST_CASE("the documented org roles: the v2 spec's enumeration") {
  CHECK(documented_org_roles() == std::vector<std::string_view>{
                                      "ORG_BILLING_ADMIN", "ORG_BILLING_READ_ONLY", "ORG_GROUP_CREATOR", "ORG_MEMBER",
                                      "ORG_OWNER", "ORG_READ_ONLY", "ORG_STREAM_PROCESSING_ADMIN"});
  for (auto role : documented_org_roles()) {
    CHECK(is_documented_org_role(role));
    CHECK(is_org_role(role));
    CHECK_FALSE(undocumented_org_role_warning(role).has_value());
  }
  // The two lists do not mix: a project role is no org role, and the other way round.
  CHECK_FALSE(is_documented_org_role("GROUP_OWNER"));
  CHECK_FALSE(is_documented_project_role("ORG_OWNER"));
  CHECK(undocumented_org_role_warning("GROUP_OWNER").has_value());
}

TEST_CASE("is_org_role: ORG_ followed by capitals and underscores") {
  CHECK(is_org_role("ORG_MEMBER"));
  CHECK(is_org_role("ORG_SOMETHING_NEW"));
  CHECK(is_org_role("ORG__"));
  CHECK_FALSE(is_org_role("ORG_"));
  CHECK_FALSE(is_org_role("ORG"));
  CHECK_FALSE(is_org_role(""));
  CHECK_FALSE(is_org_role("org_member"));
  CHECK_FALSE(is_org_role("ORG_member"));
  CHECK_FALSE(is_org_role("ORG_MEMBER "));
  CHECK_FALSE(is_org_role("ORG_MEMBER1"));
  CHECK_FALSE(is_org_role("GROUP_OWNER"));
  CHECK_FALSE(is_org_role("XORG_MEMBER"));
}

TEST_CASE("an undocumented org role gets the closest documented one when it is a likely typo") {
  CHECK(closest_documented_org_role("ORG_MEMBR") == std::optional<std::string_view>("ORG_MEMBER"));
  CHECK(closest_documented_org_role("ORG_READ_ONYL") == std::optional<std::string_view>("ORG_READ_ONLY"));
  CHECK(closest_documented_org_role("ORG_BILING_ADMIN") == std::optional<std::string_view>("ORG_BILLING_ADMIN"));
  CHECK_FALSE(closest_documented_org_role("ORG_SOMETHING_ELSE_ENTIRELY").has_value());
  CHECK(*undocumented_org_role_warning("ORG_OWNR") ==
        "role \"ORG_OWNR\" is not a documented organization role (did you mean ORG_OWNER?); the API may refuse "
        "it when the plan is applied");
  CHECK(*undocumented_org_role_warning("ORG_FUTURE_ROLE") ==
        "role \"ORG_FUTURE_ROLE\" is not a documented organization role; the API may refuse it when the plan is "
        "applied");
}

}  // namespace keyform_test_roles
