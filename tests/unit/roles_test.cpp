#include "core/roles.h"

#include <doctest/doctest.h>

#include "core/config.h"

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
