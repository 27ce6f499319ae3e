// create_and_deliver: a created key's secret reaches the sink once, and a key whose secret did not
// arrive is taken back (or, when that fails, named as orphaned).
#include "apply/key_creation.h"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace keyform_test_key_creation {

using namespace keyform;

namespace {

const std::string kSecret = "b1946ac9-2f3e-4c1d-9d2a-0123456789ab";

Action create_action() {
  Action a;
  a.kind = ActionKind::create_key;
  a.key = {"", "", "CI deployer"};
  a.after.desc = "CI deployer";
  a.after.org_roles = std::vector<std::string>{"ORG_MEMBER"};
  return a;
}

struct Calls {
  std::vector<std::string> log;
  std::string delivered_secret;
  bool delivery_fails = false;
  std::string delete_failure;  // what take_back answers

  KeyCreationSteps steps() {
    return {[this](const Action& a) {
              log.push_back("create " + a.key.desc);
              return CreatedKey{"65f0c0ffee00000000000001", "newkey01", Secret(std::string(kSecret))};
            },
            [this](const CreatedKey& key, const Action&) {
              log.push_back("deliver " + key.public_key);
              if (delivery_fails) throw std::runtime_error("--secrets-command gh: exited with status 1");
              delivered_secret = key.private_key.reveal();
            },
            [this](const std::string& id) {
              log.push_back("delete " + id);
              return delete_failure;
            }};
  }
};

std::string failure_of(const Action& action, Calls& calls) {
  try {
    create_and_deliver(action, calls.steps());
  } catch (const std::exception& e) {
    return e.what();
  }
  FAIL("create_and_deliver did not fail");
  return "";
}

}  // namespace

TEST_CASE("a created key's secret is delivered once, and the id and public key go to the later actions") {
  Calls calls;
  const ActionOutput out = create_and_deliver(create_action(), calls.steps());
  CHECK(calls.log == std::vector<std::string>{"create CI deployer", "deliver newkey01"});
  CHECK(calls.delivered_secret == kSecret);
  CHECK(out.key_id == "65f0c0ffee00000000000001");
  CHECK(out.public_key == "newkey01");
  CHECK(out.note.empty());  // a note would count the create as "already in effect"
}

TEST_CASE("a failed delivery deletes the key again and fails the action, without the secret in the message") {
  Calls calls;
  calls.delivery_fails = true;
  const std::string message = failure_of(create_action(), calls);
  CHECK(calls.log ==
        std::vector<std::string>{"create CI deployer", "deliver newkey01", "delete 65f0c0ffee00000000000001"});
  CHECK(message.find("delivering its private key failed: --secrets-command gh: exited with status 1") !=
        std::string::npos);
  CHECK(message.find("was deleted again") != std::string::npos);
  CHECK(message.find(kSecret) == std::string::npos);
}

TEST_CASE("when the delete after a failed delivery fails too, the key is named as orphaned") {
  Calls calls;
  calls.delivery_fails = true;
  calls.delete_failure = "DELETE /api/atlas/v2/orgs/o/apiKeys/k: 500 UNEXPECTED_ERROR";
  const std::string message = failure_of(create_action(), calls);
  CHECK(message.find("IS ORPHANED") != std::string::npos);
  CHECK(message.find("65f0c0ffee00000000000001") != std::string::npos);
  CHECK(message.find("500 UNEXPECTED_ERROR") != std::string::npos);
  CHECK(message.find(kSecret) == std::string::npos);
}

TEST_CASE("a failed create delivers nothing and deletes nothing") {
  Calls calls;
  KeyCreationSteps steps = calls.steps();
  steps.create = [](const Action&) -> CreatedKey { throw std::runtime_error("POST …/apiKeys: 503"); };
  CHECK_THROWS_WITH_AS(create_and_deliver(create_action(), steps), "POST …/apiKeys: 503", std::runtime_error);
  CHECK(calls.log.empty());
}

namespace {

const std::string kClientId = "mdb_sa_id_0123456789abcdef01234567";

Action account_action(ActionKind kind) {
  Action a;
  a.kind = kind;
  a.key = {kind == ActionKind::create_secret ? kClientId : "", "", "payments-deployer", PrincipalKind::service_account};
  a.after.expires_after_hours = 2160;
  return a;
}

struct SecretCalls {
  std::vector<std::string> log;
  bool delivery_fails = false;
  std::string delete_failure;

  SecretCreationSteps steps() {
    return {[this](const Action& a) {
              log.push_back(std::string("create ") + std::string(to_string(a.kind)));
              return CreatedSecret{kClientId, "payments-deployer", "6650c0ffee00000000000009", "2027-02-28T00:00:00Z",
                                   Secret(std::string(kSecret))};
            },
            [this](const CreatedSecret& s, const Action&) {
              log.push_back("deliver " + s.secret_id);
              if (delivery_fails) throw std::runtime_error("--secrets-out /x: cannot write to it");
            },
            [this](const CreatedSecret& s, const Action& a) {
              log.push_back(std::string("take back ") + std::string(to_string(a.kind)) + " " + s.secret_id);
              return delete_failure;
            }};
  }
};

}  // namespace

TEST_CASE("service account secrets: a new account hands its client id on, a rotation's secret is named") {
  SecretCalls calls;
  const ActionOutput made = create_and_deliver(account_action(ActionKind::create_service_account), calls.steps());
  CHECK(made.key_id == kClientId);
  const ActionOutput rotated = create_and_deliver(account_action(ActionKind::create_secret), calls.steps());
  CHECK_FALSE(rotated.key_id.has_value());
  CHECK(rotated.note.empty());  // a note would count as "already in effect" in the report
  CHECK(calls.log == std::vector<std::string>{"create create_service_account", "deliver 6650c0ffee00000000000009",
                                              "create create_secret", "deliver 6650c0ffee00000000000009"});
}

TEST_CASE("service account secrets: an undelivered secret is taken back, or named loudly as orphaned") {
  for (ActionKind kind : {ActionKind::create_service_account, ActionKind::create_secret}) {
    INFO(to_string(kind));
    SecretCalls calls;
    calls.delivery_fails = true;
    std::string error;
    try {
      create_and_deliver(account_action(kind), calls.steps());
    } catch (const std::exception& e) {
      error = e.what();
    }
    CHECK(error.find("delivering its secret failed: --secrets-out /x: cannot write to it") == 0);
    CHECK(error.find("was deleted again") != std::string::npos);
    CHECK(error.find(kSecret) == std::string::npos);
    CHECK(calls.log.back() == "take back " + std::string(to_string(kind)) + " 6650c0ffee00000000000009");

    calls.delete_failure = "DELETE …: 500";
    try {
      create_and_deliver(account_action(kind), calls.steps());
    } catch (const std::exception& e) {
      error = e.what();
    }
    CHECK(error.find("IS ORPHANED") != std::string::npos);
    CHECK(error.find(kind == ActionKind::create_secret ? "SECRET 6650c0ffee00000000000009 OF " + kClientId + " IS ORPHANED"
                                       : "SERVICE ACCOUNT \"payments-deployer\" (" + kClientId + ") IS ORPHANED") !=
          std::string::npos);
  }
}

}  // namespace keyform_test_key_creation
