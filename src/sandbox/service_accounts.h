// Org service accounts (…/orgs/{O}/serviceAccounts[/{C}[/secrets[/{S}]]]) on atlas-v2 and
// public-v1, as the v2 spec (2024-08-05) shapes them: OrgServiceAccount {clientId, name,
// description, roles, createdAt, secrets}, each secret {id, createdAt, expiresAt, lastUsedAt,
// maskedSecretValue}. A secret's value is in clear only in the answer that creates it (create an
// account: secrets[0].secret; create a secret: secret); it obtains OAuth tokens at once.
// Statuses: list/get/update 200; create account and create secret 201; deletes 204 on atlas-v2
// (the family's delete style elsewhere). Not confirmed by the reference: the error codes
// SERVICE_ACCOUNT_NOT_FOUND and SERVICE_ACCOUNT_SECRET_NOT_FOUND (404), and the bounds of
// secretExpiresAfterHours (the sandbox takes 1 to 2147483647; Atlas applies org settings).
#pragma once

#include "sandbox/fixture.h"
#include "sandbox/operations.h"
#include "sandbox/reply.h"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>

namespace keyform::sandbox {

Reply list_org_service_accounts(const OrgState& state, const Call& call);
Reply get_service_account(const OrgState& state, const Call& call);
Reply create_service_account(OrgState& state, const Call& call);
Reply update_service_account(OrgState& state, const Call& call);
Reply delete_service_account(OrgState& state, const Call& call);
Reply create_service_account_secret(OrgState& state, const Call& call);
Reply delete_service_account_secret(OrgState& state, const Call& call);

// 404 SERVICE_ACCOUNT_NOT_FOUND for an unknown or login-only account.
ServiceAccount& require_service_account(OrgState& state, const std::string& client_id);
const ServiceAccount& require_service_account(const OrgState& state, const std::string& client_id);

// {id, createdAt, expiresAt, lastUsedAt: null, maskedSecretValue}: never the secret itself.
nlohmann::json secret_json(const ServiceAccountSecret& secret);
// The first 10 characters ("mdb_sa_sk_"), "****", the last 4.
std::string masked_secret(std::string_view secret);
// {clientId, name, description, roles, createdAt, secrets} with `roles` given (org roles for the
// org resource, one project's roles for the project resource).
nlohmann::json account_json(const ServiceAccount& account, const nlohmann::json& roles);

// A name (1-64) or description (1-250) of the spec's character set (ids.h is_account_text).
// Else 400 INVALID_JSON_ATTRIBUTE naming the attribute.
std::string account_text_value(const nlohmann::json& value, const std::string& attribute,
                               std::size_t max);

// The reply for a service-account operation: the family's body style, atlas-v2's 2024-08-05 type.
Reply account_reply(const Call& call, nlohmann::json body, int status = 200);

}  // namespace keyform::sandbox
