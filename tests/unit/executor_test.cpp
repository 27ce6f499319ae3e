#include "apply/executor.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace keyform_test_executor {

using namespace keyform;

namespace {
Action act(ActionKind kind, std::string key) {
  Action a;
  a.kind = kind;
  a.key = {key, key, ""};
  if (kind != ActionKind::delete_key) a.project = ProjectInfo{"p", "p"};
  return a;
}

Plan three_phase_plan() {
  Plan plan;
  plan.actions = {act(ActionKind::assign, "k1"), act(ActionKind::update_roles, "k2"), act(ActionKind::unassign, "k3"),
                  act(ActionKind::delete_key, "k4")};
  return plan;
}
}  // namespace

TEST_CASE("every action runs once, in plan order, and is reported") {
  std::vector<std::string> ran, reported;
  const ApplyReport report = execute_plan(
      three_phase_plan(), [&](const Action& a) { ran.push_back(a.key.id); return ActionOutput{}; },
      [&](const ActionResult& r) { reported.push_back(r.action.key.id); });
  CHECK(ran == std::vector<std::string>{"k1", "k2", "k3", "k4"});
  CHECK(reported == ran);
  CHECK(report.succeeded());
  CHECK(report.count(Outcome::done) == 4);
}

TEST_CASE("after a failure no new action starts, and the report says so") {
  std::vector<std::string> ran;
  const ApplyReport report = execute_plan(
      three_phase_plan(),
      [&](const Action& a) {
        ran.push_back(a.key.id);
        if (a.key.id == "k2") throw std::runtime_error("PATCH x: 500 UNEXPECTED_ERROR");
        return ActionOutput{};
      },
      nullptr);
  CHECK(ran == std::vector<std::string>{"k1", "k2"});
  CHECK_FALSE(report.succeeded());
  CHECK(report.results[0].outcome == Outcome::done);
  CHECK(report.results[1].outcome == Outcome::failed);
  CHECK(report.results[1].error == "PATCH x: 500 UNEXPECTED_ERROR");
  CHECK(report.results[2].outcome == Outcome::not_started);
  CHECK(report.results[3].outcome == Outcome::not_started);
  CHECK(report.count(Outcome::not_started) == 2);
}

TEST_CASE("an empty plan succeeds without running anything") {
  int calls = 0;
  const ApplyReport report = execute_plan(Plan{}, [&](const Action&) { ++calls; return ActionOutput{}; }, nullptr);
  CHECK(report.succeeded());
  CHECK(calls == 0);
}

namespace {
Plan wide_plan(int per_phase) {
  Plan plan;
  for (auto kind : {ActionKind::assign, ActionKind::unassign, ActionKind::delete_key}) {
    for (int i = 0; i < per_phase; ++i) plan.actions.push_back(act(kind, std::string(to_string(kind)) + std::to_string(i)));
  }
  return plan;
}
}  // namespace

TEST_CASE("concurrent apply: phases never overlap, every outcome reported once") {
  for (int parallelism : {1, 4, 32}) {
    CAPTURE(parallelism);
    const Plan plan = wide_plan(40);
    std::mutex m;
    std::vector<int> started_phases;
    std::atomic<int> running{0}, peak{0};
    std::map<std::string, int> reported;
    const ApplyReport report = execute_plan(
        plan,
        [&](const Action& a) {
          int now = ++running;
          int seen = peak.load();
          while (now > seen && !peak.compare_exchange_weak(seen, now)) {}
          {
            std::lock_guard lock(m);
            started_phases.push_back(static_cast<int>(phase_of(a)));
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
          --running;
          return ActionOutput{};
        },
        [&](const ActionResult& r) { ++reported[r.action.key.id]; }, parallelism);
    CHECK(report.succeeded());
    CHECK(std::is_sorted(started_phases.begin(), started_phases.end()));  // a phase starts after the last one ends
    CHECK(reported.size() == 120);
    for (const auto& [id, n] : reported) CHECK(n == 1);
    CHECK(peak.load() <= parallelism);
    if (parallelism > 1) CHECK(peak.load() > 1);
  }
}

TEST_CASE("concurrent apply: a failure stops new work, in-flight work finishes, later phases never start") {
  const Plan plan = wide_plan(50);
  std::atomic<int> ran{0};
  const ApplyReport report = execute_plan(
      plan,
      [&](const Action& a) {
        ++ran;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        if (a.key.id == "assign3") throw std::runtime_error("boom");
        return ActionOutput{};
      },
      nullptr, 8);
  CHECK(report.count(Outcome::failed) == 1);
  CHECK(report.count(Outcome::done) + 1 == ran.load());
  CHECK(report.count(Outcome::not_started) == 150 - ran.load());
  CHECK(ran.load() < 50);
  for (const auto& r : report.results) {
    if (phase_of(r.action) != Phase::grant) CHECK(r.outcome == Outcome::not_started);
  }
}

TEST_CASE("notes from the runner are kept") {
  Plan plan;
  plan.actions = {act(ActionKind::unassign, "k1")};
  const ApplyReport report = execute_plan(plan, [](const Action&) { return ActionOutput{"already gone", std::nullopt, {}}; }, nullptr);
  CHECK(report.results[0].note == "already gone");
  CHECK(report.succeeded());
}

TEST_CASE("a stop request (a first Ctrl-C) starts no new action; the one in flight finishes and is reported") {
  ExecutionControl control;
  std::vector<std::string> ran;
  const ApplyReport report = execute_plan(
      three_phase_plan(),
      [&](const Action& a) {
        ran.push_back(a.key.id);
        CHECK(control.in_flight().size() == 1);
        CHECK(control.in_flight()[0].key.id == a.key.id);
        if (a.key.id == "k2") control.request_stop();  // the signal arrives while k2 is in flight
        return ActionOutput{};
      },
      nullptr, 1, &control);
  CHECK(ran == std::vector<std::string>{"k1", "k2"});
  CHECK(report.count(Outcome::done) == 2);
  CHECK(report.count(Outcome::not_started) == 2);
  CHECK(control.in_flight().empty());
}

TEST_CASE("concurrent apply: a stop request lets every call in flight finish, and nothing else starts") {
  Plan plan;
  for (int i = 0; i < 40; ++i) plan.actions.push_back(act(ActionKind::unassign, "k" + std::to_string(i)));
  ExecutionControl control;
  std::atomic<int> started{0};
  const ApplyReport report = execute_plan(
      plan,
      [&](const Action&) {
        if (++started == 4) control.request_stop();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        return ActionOutput{};
      },
      nullptr, 4, &control);
  CHECK(report.count(Outcome::done) == started.load());
  CHECK(started.load() <= 7);  // at most the 4 workers' current calls, plus those that raced the flag
  CHECK(report.count(Outcome::not_started) == 40 - started.load());
  CHECK(report.count(Outcome::failed) == 0);
}

TEST_CASE("a created key's id and public key reach the later phases' actions that name it by description") {
  Plan plan;
  Action create = act(ActionKind::create_key, "");
  create.key = {"", "", "CI deployer"};
  create.project.reset();
  Action grant = act(ActionKind::assign, "");
  grant.key = {"", "", "CI deployer"};
  Action other = act(ActionKind::unassign, "k9");
  plan.actions = {create, grant, other};
  std::mutex mutex;
  std::vector<std::string> seen;
  const ApplyReport report = execute_plan(
      plan,
      [&](const Action& a) {
        std::lock_guard lock(mutex);
        seen.push_back(a.key.id);
        return a.kind == ActionKind::create_key ? ActionOutput{"", "65f0c0ffee00000000000001", "newkey01"}
                                                : ActionOutput{};
      },
      nullptr, 4);
  REQUIRE(report.succeeded());
  CHECK(seen.front() == "");  // the create runs first, before anything that names its key
  CHECK(std::count(seen.begin(), seen.end(), "65f0c0ffee00000000000001") == 1);
  // The report shows the key as created and as used.
  CHECK(report.results[0].action.key.id == "65f0c0ffee00000000000001");
  CHECK(report.results[0].action.key.public_key == "newkey01");
  CHECK(report.results[1].action.key.id == "65f0c0ffee00000000000001");
  CHECK(report.results[1].action.key.public_key == "newkey01");
  CHECK(report.results[2].action.key.id == "k9");
}

TEST_CASE("a failed create starts none of its key's actions, nor any later action") {
  Plan plan;
  Action create_a = act(ActionKind::create_key, "");
  create_a.key = {"", "", "A"};
  create_a.project.reset();
  Action create_b = create_a;
  create_b.key.desc = "B";
  Action grant_a = act(ActionKind::assign, "");
  grant_a.key = {"", "", "A"};
  Action grant_b = grant_a;
  grant_b.key.desc = "B";
  plan.actions = {create_a, create_b, grant_a, grant_b};
  std::atomic<int> calls{0};
  const ApplyReport report = execute_plan(
      plan,
      [&](const Action& a) {
        ++calls;
        if (a.key.desc == "B") throw std::runtime_error("503 SERVICE_UNAVAILABLE");
        return ActionOutput{"", "65f0c0ffee00000000000002", "newkey02"};
      },
      nullptr, 1);
  CHECK(calls == 2);
  CHECK(report.results[0].outcome == Outcome::done);
  CHECK(report.results[1].outcome == Outcome::failed);
  CHECK(report.results[2].outcome == Outcome::not_started);  // A was created, but the run stopped
  CHECK(report.results[3].outcome == Outcome::not_started);
}

TEST_CASE("an action whose key was never produced fails instead of running without an id") {
  Plan plan;
  Action orphan = act(ActionKind::unassign, "");
  orphan.key = {"", "", "never created"};
  plan.actions = {orphan};
  int calls = 0;
  const ApplyReport report = execute_plan(plan, [&](const Action&) { ++calls; return ActionOutput{}; }, nullptr);
  CHECK(calls == 0);
  REQUIRE(report.results[0].outcome == Outcome::failed);
  CHECK(report.results[0].error.find("\"never created\" has no id") != std::string::npos);
}

TEST_CASE("inside a phase, actions are taken project by project in turn, so every project's rate limit drains at once") {
  Plan plan;
  auto in = [](const std::string& key, const std::string& project) {
    Action a = act(ActionKind::assign, key);
    a.project = ProjectInfo{project, project};
    return a;
  };
  Action org_level = act(ActionKind::update_key, "k9");
  org_level.project.reset();
  // Listed project by project, as a file that declares many keys per project gives them.
  plan.actions = {in("k1", "p1"), in("k2", "p1"), in("k3", "p1"), in("k4", "p2"), in("k5", "p2"), org_level,
                  in("k6", "p3"), act(ActionKind::delete_key, "k7")};
  std::vector<std::string> ran;
  const ApplyReport report = execute_plan(plan, [&](const Action& a) { ran.push_back(a.key.id); return ActionOutput{}; },
                                          nullptr, 1);
  CHECK(ran == std::vector<std::string>{"k1", "k4", "k9", "k6", "k2", "k5", "k3", "k7"});
  REQUIRE(report.results.size() == 8);
  CHECK(report.results[5].action.key.id == "k9");  // the report keeps plan order
}

}  // namespace keyform_test_executor
