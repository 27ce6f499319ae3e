// Parsing what the Admin API answers about service accounts (OrgServiceAccount,
// ServiceAccountGroup, GroupServiceAccount, ServiceAccountSecret of the v2 spec; Cloud Manager
// answers the same shapes). Strict like api/responses.h: a body that is not what the spec
// documents raises ResponseError. A secret's value is read only from the two answers that carry
// it in clear, and every copy the parse made is wiped.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/responses.h"
#include "core/created_key.h"
#include "core/live_state.h"

namespace keyform {

// A page of GET /orgs/{O}/serviceAccounts: client id, name, description, org roles (sorted,
// unique) and each secret's id, createdAt and expiresAt. Project roles and access list unset.
Page<LiveServiceAccount> parse_service_accounts_page(std::string_view body);

// One account: GET /orgs/{O}/serviceAccounts/{C}.
LiveServiceAccount parse_service_account_response(std::string_view body);

// One project of an account, or one account of a project, with the roles it holds there
// (sorted, unique). `id` is what the listing checks find repeats by: the project id in a page of
// GET /orgs/{O}/serviceAccounts/{C}/groups, the client id in a page of GET /groups/{G}/serviceAccounts.
struct RolesIn {
  std::string id;
  std::vector<std::string> roles;
};
Page<RolesIn> parse_service_account_projects_page(std::string_view body);
Page<RolesIn> parse_project_service_accounts_page(std::string_view body);

// The 201 to POST /orgs/{O}/serviceAccounts: the new account and secrets[0] with its value in
// clear (client_id, name, secret_id, expires_at, secret). Throws ResponseError, never naming the
// secret, when any of them is missing or the value is masked.
CreatedSecret parse_created_service_account(std::string_view body);

// The 201 to POST …/serviceAccounts/{C}/secrets (a ServiceAccountSecret with `secret`); the
// account's client id and name are the caller's.
CreatedSecret parse_created_secret(std::string_view body, const std::string& client_id, const std::string& name);

// The client id in an answer that should have been a created account, "" when there is none:
// to take back an account whose answer could not be used.
std::string created_client_id(std::string_view body);
// Likewise the secret id in an answer that should have been a created secret.
std::string created_secret_id(std::string_view body);

}  // namespace keyform
