#include "apply/executor.h"

#include <doctest/doctest.h>

#include <stdexcept>

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
      three_phase_plan(), [&](const Action& a) { ran.push_back(a.key.id); },
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
  const ApplyReport report = execute_plan(Plan{}, [&](const Action&) { ++calls; }, nullptr);
  CHECK(report.succeeded());
  CHECK(calls == 0);
}
