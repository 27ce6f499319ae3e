// Role enforcement without HTTP: which operations need which role, for keys and service
// accounts. Over HTTP (the 403 body, roles changing between calls): sandbox_failure_modes_test.cpp.
#include "sandbox/fixture.h"
#include "sandbox/permissions.h"
#include "sandbox/reply.h"

#include <doctest/doctest.h>

#include <string>

namespace keyform_test_sandbox_permissions {

using namespace keyform::sandbox;

namespace {

constexpr const char* mine = "6523b7e0c1b52d0f1a2b3c41";
constexpr const char* other = "6523b7e0c1b52d0f1a2b3c42";

OrgState org() {
  return parse_fixture(R"({
    "org": {"id": "5a0a1e7e0f2912c554080adc", "name": "Example Org"},
    "projects": [{"id": "6523b7e0c1b52d0f1a2b3c41", "name": "mine"},
                 {"id": "6523b7e0c1b52d0f1a2b3c42", "name": "other"}],
    "keys": [
      {"id": "65f0c0ffee00000000000001", "public_key": "orgowner", "private_key": "111111111111",
       "org_roles": ["ORG_OWNER"]},
      {"id": "65f0c0ffee00000000000002", "public_key": "grpowner", "private_key": "222222222222",
       "org_roles": ["ORG_MEMBER", "ORG_READ_ONLY"],
       "projects": {"6523b7e0c1b52d0f1a2b3c41": ["GROUP_OWNER"], "6523b7e0c1b52d0f1a2b3c42": ["GROUP_READ_ONLY"]}},
      {"id": "65f0c0ffee00000000000003", "public_key": "member01", "private_key": "333333333333",
       "org_roles": ["ORG_BILLING_ADMIN"], "projects": {"6523b7e0c1b52d0f1a2b3c41": ["GROUP_CLUSTER_MANAGER"]}}
    ]
  })");
}

// 0 when allowed, else the ApiError's status (403).
int status_of(const OrgState& state, const Principal& principal, Operation operation,
              const std::string& project = "") {
  const Route route{operation, project.empty() ? "5a0a1e7e0f2912c554080adc" : "", project,
                    "65f0c0ffee00000000000003"};
  try {
    require_permission(state, principal, route);
  } catch (const ApiError& error) {
    CHECK(error.code == "USER_UNAUTHORIZED");
    CHECK(error.parameters.empty());
    return error.status;
  }
  return 0;
}

Principal key(const char* public_key) { return Principal{Principal::Kind::api_key, public_key}; }

}  // namespace

TEST_CASE("sandbox permissions: deleting a key needs ORG_OWNER") {
  const OrgState state = org();
  CHECK(status_of(state, key("orgowner"), Operation::delete_org_key) == 0);
  CHECK(status_of(state, key("grpowner"), Operation::delete_org_key) == 403);
  CHECK(status_of(state, key("member01"), Operation::delete_org_key) == 403);
  CHECK(status_of(state, key("nobody00"), Operation::delete_org_key) == 403);  // deleted since login
}

TEST_CASE("sandbox permissions: project writes need ORG_OWNER or GROUP_OWNER in that project") {
  const OrgState state = org();
  for (Operation write : {Operation::assign_key, Operation::update_key_roles, Operation::set_key_roles,
                          Operation::unassign_key}) {
    CHECK(status_of(state, key("orgowner"), write, mine) == 0);
    CHECK(status_of(state, key("orgowner"), write, other) == 0);
    CHECK(status_of(state, key("grpowner"), write, mine) == 0);
    CHECK(status_of(state, key("grpowner"), write, other) == 403);
    CHECK(status_of(state, key("member01"), write, mine) == 403);
  }
}

TEST_CASE("sandbox permissions: key updates and access-list writes need ORG_OWNER") {
  const OrgState state = org();
  for (Operation write : {Operation::update_org_key, Operation::add_access_entries,
                          Operation::delete_access_entry}) {
    CHECK(status_of(state, key("orgowner"), write) == 0);
    CHECK(status_of(state, key("grpowner"), write) == 403);  // GROUP_OWNER is not enough
    CHECK(status_of(state, key("member01"), write) == 403);
    CHECK(status_of(state, Principal{Principal::Kind::service_account, "mdb_sa_id_1"}, write) == 0);
  }
}

TEST_CASE("sandbox permissions: reading an access list needs a role in the org") {
  const OrgState state = org();
  for (Operation read : {Operation::list_access_list, Operation::get_access_entry}) {
    CHECK(status_of(state, key("member01"), read) == 0);  // ORG_BILLING_ADMIN is a member too
    CHECK(status_of(state, key("grpowner"), read) == 0);
    CHECK(status_of(state, key("nobody00"), read) == 403);  // deleted since login: no role left
  }
  const Route list{Operation::list_access_list, "5a0a1e7e0f2912c554080adc", "", "65f0c0ffee00000000000003"};
  CHECK_THROWS_WITH_AS(require_permission(state, key("nobody00"), list),
                       "API key nobody00 has no role in this organization, needed to read an API "
                       "key's access list.",
                       ApiError);
}

TEST_CASE("sandbox permissions: reads need no role; service accounts may do everything") {
  const OrgState state = org();
  for (Operation read : {Operation::list_org_keys, Operation::get_org_key, Operation::list_org_projects}) {
    CHECK(status_of(state, key("member01"), read) == 0);
  }
  CHECK(status_of(state, key("member01"), Operation::list_project_keys, other) == 0);
  const Principal account{Principal::Kind::service_account, "mdb_sa_id_1"};
  CHECK(status_of(state, account, Operation::delete_org_key) == 0);
  CHECK(status_of(state, account, Operation::unassign_key, other) == 0);
}

TEST_CASE("sandbox permissions: the detail names the missing role") {
  const OrgState state = org();
  const Route delete_route{Operation::delete_org_key, "5a0a1e7e0f2912c554080adc", "", "65f0c0ffee00000000000003"};
  CHECK_THROWS_WITH_AS(require_permission(state, key("grpowner"), delete_route),
                       "API key grpowner lacks the Organization Owner role (ORG_OWNER), needed to delete an API key.",
                       ApiError);
  const Route unassign_route{Operation::unassign_key, "", other, "65f0c0ffee00000000000003"};
  CHECK_THROWS_WITH_AS(require_permission(state, key("grpowner"), unassign_route),
                       "API key grpowner lacks the Organization Owner role (ORG_OWNER) or the Project Owner role "
                       "(GROUP_OWNER) in project 6523b7e0c1b52d0f1a2b3c42, needed to change API key assignments "
                       "there.",
                       ApiError);
}

}  // namespace keyform_test_sandbox_permissions
