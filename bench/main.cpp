// keyform-bench: keyform against a naive script, on generated orgs served by keyform-sandbox with
// an injected round-trip latency. See README.md, "Performance".
//
//   keyform-bench [--quick] [--latency-ms 50] [--sizes 100x50,1000x200,10000x2000] [--actions 1000]
//                 [--parallelism 1,10,32] [--repeat 3] [--probe-ms 200] [--no-baseline]
//                 [--workdir DIR] [--markdown FILE] [--rate-limit-scenarios]
//
// For every size it generates a fixture and a keyform.toml whose plan has a known number of
// actions, then measures `keyform plan`, `keyform apply --auto-approve --parallelism N` and the
// baseline doing the same two jobs: wall time, CPU time and peak RSS of the child (wait4), and
// requests, digest challenges and connections from the sandbox's request log. Every run is
// checked: the plan's action counts, and after an apply the org itself. --rate-limit-scenarios
// measures rate-limited applies instead (rate_limit_scenarios.h); --quick adds a tiny one.

#include "baseline.h"
#include "process.h"
#include "rate_limit_scenarios.h"
#include "render_timing.h"
#include "workload.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace bench {
namespace {

namespace fs = std::filesystem;

struct Options {
  bool quick = false;
  int latency_ms = 50;
  std::string sizes = "100x50,1000x200,10000x2000";
  int actions = 1000;
  std::string parallelism = "1,10,32";
  int repeat = 3;  // plan runs per tool and size; the median (by wall time) is reported
  int probe_ms = 200;  // latency for counting a plan's round trips (0: do not count)
  bool baseline = true;
  std::string workdir;
  std::string markdown;
  std::string render = "10000x4";  // the plan whose render time is measured: every assignment unassigned
  bool rate_limit_scenarios = false;  // issue 15's rate-limited applies instead of the sizes
};

// keyform apply's --parallelism default (ApplyOptions in src/cli/commands.h): the rate-limit runs pass it.
constexpr int kDefaultParallelism = 10;

struct Size {
  int keys;
  int projects;
};

struct Row {
  Size size;
  long assignments = 0;
  long access_lists = 0;  // keys whose declared access list plan reads
  std::string command;  // "plan" | "apply"
  std::string tool;     // "keyform" | "baseline"
  int parallelism = 0;  // apply only; 0 = not applicable
  int latency_ms = 0;   // the sandbox's
  int actions = 0;
  Measured m;
  LogStats log;
  std::vector<std::string> problems;  // empty when the run did its job
};

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::stringstream stream(text);
  for (std::string item; std::getline(stream, item, separator);) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::vector<Size> parse_sizes(const std::string& text) {
  std::vector<Size> sizes;
  for (const auto& item : split(text, ',')) {
    const auto x = item.find('x');
    const int keys = std::stoi(item.substr(0, x));
    // Without an explicit project count: one project for every five keys.
    const int projects = x == std::string::npos ? std::max(8, keys / 5) : std::stoi(item.substr(x + 1));
    sizes.push_back({keys, projects});
  }
  return sizes;
}

std::vector<int> parse_ints(const std::string& text) {
  std::vector<int> out;
  for (const auto& item : split(text, ',')) out.push_back(std::stoi(item));
  return out;
}

long pages(long items) { return (items + 499) / 500; }

// keyform's read fan-out (kReadConnections in src/cli/session.h).
constexpr long kReadConnections = 24;

std::string self_path() { return fs::read_symlink("/proc/self/exe").string(); }  // the baseline is this binary

// ---- machine ----------------------------------------------------------------------------------

std::string first_line_with(const std::string& file, const std::string& prefix) {
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with(prefix)) {
      const auto colon = line.find(':');
      std::string value = colon == std::string::npos ? line : line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      return value;
    }
  }
  return "unknown";
}

// The 1-minute load average.
std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  in >> one;
  return one.empty() ? "?" : one;
}

std::string machine_description() {
  utsname u{};
  uname(&u);
  const std::string mem = first_line_with("/proc/meminfo", "MemTotal");
  double gib = 0;
  try {
    gib = std::stod(mem) / 1024.0 / 1024.0;
  } catch (...) {
  }
  return fmt::format("{} CPUs (nproc), {}, {:.1f} GiB RAM, Linux {} {}", sysconf(_SC_NPROCESSORS_ONLN),
                     first_line_with("/proc/cpuinfo", "model name"), gib, u.release, u.machine);
}

// ---- checks -----------------------------------------------------------------------------------

std::string tail(const std::string& text, std::size_t n = 400) {
  std::string t = text.size() > n ? "…" + text.substr(text.size() - n) : text;
  std::replace(t.begin(), t.end(), '\n', ' ');
  return t;
}

void check_run(Row& row, const Workload& w) {
  if (row.m.exit_code != 0) {
    row.problems.push_back(fmt::format("exit code {}: {}", row.m.exit_code, tail(row.m.err + row.m.out)));
    return;
  }
  const auto summary = plan_summary(row.m.out);
  if (!summary) {
    row.problems.push_back("no \"Plan: …\" line in the output");
  } else if (!(*summary == w.expected)) {
    row.problems.push_back(fmt::format("plan has {}/{}/{}/{} actions, expected {}/{}/{}/{}", summary->assign,
                                       summary->update, summary->unassign, summary->remove, w.expected.assign,
                                       w.expected.update, w.expected.unassign, w.expected.remove));
  }
  if (row.log.failures > 0) row.problems.push_back(fmt::format("{} failed requests", row.log.failures));
}

// ---- one size ---------------------------------------------------------------------------------

class Bench {
 public:
  Bench(Options options, std::string workdir, bool has_parallelism_flag)
      : o_(std::move(options)), workdir_(std::move(workdir)), has_parallelism_flag_(has_parallelism_flag) {}

  std::vector<Row> run_size(const Size& size) {
    const int actions = std::min(o_.actions, size.keys);
    const std::string dir = fmt::format("{}/{}x{}", workdir_, size.keys, size.projects);
    fs::create_directories(dir);
    progress("{} keys × {} projects: generating ({} actions)", size.keys, size.projects, actions);
    const Workload w = make_workload({size.keys, size.projects, actions, 8});
    fixture_ = dir + "/fixture.json";
    write_file(fixture_, w.fixture.dump());
    write_file(dir + "/keyform.toml", w.config_toml);
    write_file(dir + "/desired.json", w.desired.dump());
    dir_ = dir;

    std::vector<Row> rows;
    {
      SandboxProcess sandbox(fixture_, o_.latency_ms, dir_);
      progress("  sandbox up in {:.2f} s", sandbox.startup_s());
      rows.push_back(median_plan(sandbox, w, "keyform", o_.latency_ms));
      if (o_.baseline) rows.push_back(median_plan(sandbox, w, "baseline", o_.latency_ms));
    }
    if (o_.probe_ms > 0) {
      // The same plan without latency and with a long one: the difference, divided by the
      // latency, is the number of round trips on the plan's critical path. A long latency keeps
      // the noise of a busy machine small next to it.
      for (int latency : {0, o_.probe_ms}) {
        SandboxProcess sandbox(fixture_, latency, dir_);
        rows.push_back(median_plan(sandbox, w, "keyform", latency));
      }
    }
    const std::vector<int> levels = has_parallelism_flag_ ? parse_ints(o_.parallelism) : std::vector<int>{0};
    for (int n : levels) rows.push_back(apply(w, "keyform", n));
    if (o_.baseline) rows.push_back(apply(w, "baseline", 1));
    for (auto& row : rows) {
      row.assignments = w.assignments;
      row.access_lists = w.access_lists;
    }
    return rows;
  }

 private:
  template <typename... Args>
  void progress(fmt::format_string<Args...> format, Args&&... args) {
    std::cerr << fmt::format(format, std::forward<Args>(args)...) << std::endl;
  }

  Env env(const SandboxProcess& sandbox, const Workload& w) const {
    return {{"MONGODB_ATLAS_BASE_URL", sandbox.base_url()},
            {"MONGODB_ATLAS_PUBLIC_API_KEY", w.admin_public_key},
            {"MONGODB_ATLAS_PRIVATE_API_KEY", w.admin_private_key},
            {"NO_COLOR", "1"}};
  }

  std::vector<std::string> argv(const std::string& tool, const std::string& command, int parallelism) const {
    if (tool == "baseline") return {self_path(), "--baseline-worker", command, "--desired", dir_ + "/desired.json"};
    std::vector<std::string> args{KEYFORM_BIN, command, "-c", dir_ + "/keyform.toml", "--no-color"};
    // The apply rows time the writes against their round-trip floor; the verification after them is
    // one more read of the org, which the plan rows already measure.
    if (command == "apply") args.insert(args.end(), {"--auto-approve", "--no-verify"});
    if (parallelism > 0) {
      args.push_back("--parallelism");
      args.push_back(std::to_string(parallelism));
    }
    return args;
  }

  Row measure(SandboxProcess& sandbox, const Workload& w, const std::string& tool, const std::string& command,
              int parallelism, int latency_ms) {
    sandbox.clear_requests();
    Row row;
    row.latency_ms = latency_ms;
    row.size = {w.spec.keys, w.spec.projects};
    row.command = command;
    row.tool = tool;
    row.parallelism = parallelism;
    row.actions = w.expected.total();
    // apply: the "Plan: ..." line is flushed just before the first write, so the time after it is
    // the execution alone.
    row.m = run_measured(argv(tool, command, parallelism), env(sandbox, w), dir_, command == "apply" ? "Plan: " : "");
    row.log = sandbox.request_stats();
    check_run(row, w);
    return row;
  }

  Row median_plan(SandboxProcess& sandbox, const Workload& w, const std::string& tool, int latency_ms) {
    std::vector<Row> runs;
    for (int i = 0; i < std::max(1, o_.repeat); ++i) runs.push_back(measure(sandbox, w, tool, "plan", 0, latency_ms));
    std::sort(runs.begin(), runs.end(), [](const Row& a, const Row& b) { return a.m.wall_s < b.m.wall_s; });
    Row row = runs[runs.size() / 2];
    for (const auto& r : runs) {
      if (!r.problems.empty() && row.problems.empty()) row.problems = r.problems;
    }
    progress("  {:8} plan{}: {:.3f} s wall, {:.3f} s CPU, {:.1f} MiB, {} requests{}", tool,
             latency_ms == o_.latency_ms ? "" : fmt::format(" ({} ms latency)", latency_ms),
             row.m.wall_s, row.m.cpu_s, row.m.maxrss_mib, row.log.requests,
             row.problems.empty() ? "" : "  PROBLEM: " + row.problems[0]);
    return row;
  }

  // Each apply starts from the generated org: a fresh sandbox.
  Row apply(const Workload& w, const std::string& tool, int parallelism) {
    SandboxProcess sandbox(fixture_, o_.latency_ms, dir_);
    Row row = measure(sandbox, w, tool, "apply", tool == "keyform" ? parallelism : 0, o_.latency_ms);
    row.parallelism = parallelism;
    if (row.m.exit_code == 0) {
      const int mismatches = count_mismatches(sandbox.state(), w.desired);
      if (mismatches) row.problems.push_back(fmt::format("{} keys differ from the file after apply", mismatches));
      if (row.log.writes_ok != w.expected.total()) {
        row.problems.push_back(fmt::format("{} successful writes, expected {}", row.log.writes_ok, w.expected.total()));
      }
    }
    progress("  {:8} apply{}: {:.3f} s wall, {:.3f} s CPU, {:.1f} MiB, {} requests{}", tool,
             tool == "keyform" ? fmt::format(" N={}", parallelism) : "", row.m.wall_s, row.m.cpu_s, row.m.maxrss_mib,
             row.log.requests, row.problems.empty() ? "" : "  PROBLEM: " + row.problems[0]);
    return row;
  }

  Options o_;
  std::string workdir_;
  bool has_parallelism_flag_;
  std::string dir_;
  std::string fixture_;
};

// ---- report -----------------------------------------------------------------------------------

const Row* find_row(const std::vector<Row>& rows, const Size& size, const std::string& command, const std::string& tool,
                    int latency_ms) {
  for (const auto& r : rows) {
    if (r.size.keys == size.keys && r.size.projects == size.projects && r.command == command && r.tool == tool &&
        r.latency_ms == latency_ms) {
      return &r;
    }
  }
  return nullptr;
}

std::string run_label(const Row& r) {
  if (r.tool == "baseline") return fmt::format("baseline {}", r.command);
  if (r.command == "plan") return "keyform plan";
  return r.parallelism > 0 ? fmt::format("keyform apply -p {}", r.parallelism) : "keyform apply";
}

std::string results_table(const std::vector<Row>& rows, int latency_ms) {
  std::string t =
      "| org: keys × projects (assignments) | run | actions | wall | CPU | peak RSS | requests | GETs | "
      "challenges | connections | speed-up |\n"
      "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n";
  for (const auto& r : rows) {
    if (r.latency_ms != latency_ms) continue;
    const Row* base = find_row(rows, r.size, r.command, "baseline", latency_ms);
    std::string speedup = "—";
    if (r.tool == "keyform" && base && base->problems.empty() && r.problems.empty()) {
      speedup = fmt::format("{:.1f}×", base->m.wall_s / r.m.wall_s);
    } else if (r.tool == "baseline") {
      speedup = "1×";
    }
    t += fmt::format("| {} × {} ({}) | {} | {} | {:.2f} s | {:.2f} s | {:.0f} MiB | {} | {} | {} | {} | {}{} |\n",
                     r.size.keys, r.size.projects, r.assignments, run_label(r), r.actions, r.m.wall_s, r.m.cpu_s,
                     r.m.maxrss_mib, r.log.requests, r.log.gets_ok, r.log.challenges, r.log.connections, speedup,
                     r.problems.empty() ? "" : " **FAILED: " + r.problems[0] + "**");
  }
  return t;
}

struct Verdicts {
  std::string table;
  int missed = 0;
};

// The floor of an apply: one round trip per batch of N actions in each phase (assigns and
// updates, then unassigns, then deletes).
long apply_round_trips(const Row& r, const ActionMix& mix) {
  if (r.parallelism <= 0) return r.actions;
  const long n = r.parallelism;
  auto batches = [n](long count) { return (count + n - 1) / n; };
  return batches(mix.assign + mix.update) + batches(mix.unassign) + batches(mix.remove);
}

Verdicts targets_table(const std::vector<Row>& rows, const std::vector<Size>& sizes, int latency_ms, int probe_ms) {
  Verdicts v;
  v.table = "| target (issue 8) | measured | verdict |\n|---|---|---|\n";
  auto add = [&](const std::string& target, const std::string& measured, bool met) {
    v.table += fmt::format("| {} | {} | {} |\n", target, measured, met ? "met" : "**missed**");
    v.missed += !met;
  };
  const double rtt = latency_ms / 1000.0;
  for (const auto& size : sizes) {
    const Row* plan = find_row(rows, size, "plan", "keyform", latency_ms);
    if (!plan) continue;
    // Each declared access list here has under 500 entries: one page each.
    const long want = pages(size.keys) + pages(size.projects) + plan->access_lists;
    add(fmt::format("{} × {}: plan makes ⌈K/500⌉ + ⌈P/500⌉ + {} access-list page(s) of the declared keys = {} "
                    "successful GETs",
                    size.keys, size.projects, plan->access_lists, want),
        fmt::format("{} GETs (+ {} digest challenge(s))", plan->log.gets_ok, plan->log.challenges),
        plan->log.gets_ok == want);
    const Row* fast = find_row(rows, size, "plan", "keyform", 0);
    const Row* slow = find_row(rows, size, "plan", "keyform", probe_ms);
    if (probe_ms > 0 && fast && slow) {
      // Round trips on the critical path: what the latency adds to the wall time.
      const double trips = (slow->m.wall_s - fast->m.wall_s) / (probe_ms / 1000.0);
      // The access lists are read after the key listing names their keys, kReadConnections at a time.
      const long list_trips = (plan->access_lists + kReadConnections - 1) / kReadConnections;
      // Connections the listings did not open answer the access-list reads with a digest challenge
      // first: one more round trip when there are any.
      const long list_challenge = plan->access_lists > 0 ? 1 : 0;
      add(fmt::format("{} × {}: plan takes about 2 + ⌈{}/{}⌉ = {} round trips (+1 for the first digest challenge{})",
                      size.keys, size.projects, plan->access_lists, kReadConnections, 2 + list_trips,
                      list_challenge ? ", +1 for new connections' challenges" : ""),
          fmt::format("{:.1f} round trips ({:.2f} s with {} ms latency, {:.2f} s with none)", trips, slow->m.wall_s,
                      probe_ms, fast->m.wall_s),
          trips <= 3.5 + list_trips + list_challenge);
    }
  }
  long worst = 0, connections = 0, challenges = 0;
  for (const auto& r : rows) {
    if (r.tool != "keyform") continue;
    worst = std::max(worst, r.log.max_challenges_per_connection);
    connections += r.log.connections;
    challenges += r.log.challenges;
  }
  add("at most 1 digest challenge per connection (all keyform runs)",
      fmt::format("at most {} ({} challenges on {} connections)", worst, challenges, connections), worst <= 1);
  for (const auto& r : rows) {
    if (r.tool != "keyform" || r.command != "apply" || latency_ms == 0 || r.parallelism <= 0) continue;
    const long trips = apply_round_trips(r, mix_for(r.actions));
    const double floor_s = trips * rtt;
    const double executing = r.m.mark_s >= 0 ? r.m.wall_s - r.m.mark_s : r.m.wall_s;
    // "About": within a quarter, plus one round trip for the digest challenge of new connections.
    add(fmt::format("{} × {}: apply -p {} executes {} actions in about ⌈{}/{}⌉ × {} ms ({} round trips over the 3 "
                    "phases: {:.2f} s)",
                    r.size.keys, r.size.projects, r.parallelism, r.actions, r.actions, r.parallelism, latency_ms, trips,
                    floor_s),
        fmt::format("{:.2f} s ({:.2f}× the floor; {:.2f} s before it: start, read, plan)", executing,
                    executing / floor_s, r.m.mark_s),
        executing <= 1.25 * floor_s + rtt);
  }
  for (const auto& size : sizes) {
    if (size.keys < 10000) continue;
    const Row* plan = find_row(rows, size, "plan", "keyform", latency_ms);
    if (!plan) continue;
    // Issue 8 asked for 1 s and 200 MiB; issue 15 for 0.4 s and 64 MiB.
    add(fmt::format("{} × {} ({} assignments): plan under 0.4 s CPU", size.keys, size.projects, plan->assignments),
        fmt::format("{:.2f} s (user+sys of keyform)", plan->m.cpu_s), plan->m.cpu_s < 0.4);
    add(fmt::format("{} × {}: plan under 64 MiB peak RSS", size.keys, size.projects),
        fmt::format("{:.0f} MiB", plan->m.maxrss_mib), plan->m.maxrss_mib < 64);
  }
  return v;
}

// Issue 15: every renderer linear, so a plan of 40 000 unassigns renders in under 0.1 s per format.
Verdicts render_section(const std::string& size_text) {
  const Size size = parse_sizes(size_text).at(0);
  const auto timings = time_renderers(size.keys, size.projects, 3);
  Verdicts v;
  v.table = fmt::format(
      "\nRender time of a plan of {} keys × {} projects that unassigns every assignment ({} actions), built in "
      "memory (the renderer alone: thread CPU time, the fastest of 3):\n\n"
      "| format | CPU | output | target: under 0.1 s |\n|---|--:|--:|---|\n",
      size.keys, size.projects, static_cast<long>(size.keys) * size.projects);
  for (const auto& t : timings) {
    const bool met = t.cpu_s < 0.1;
    v.table += fmt::format("| {} | {:.3f} s | {:.1f} MiB | {} |\n", t.format, t.cpu_s, t.bytes / 1048576.0,
                           !t.renderer ? "—" : met ? "met" : "**missed**");
    v.missed += t.renderer && !met;
  }
  return v;
}

std::string keyform_version() {
  char scratch[] = "/tmp/keyform-bench-XXXXXX";
  if (!mkdtemp(scratch)) return "?";
  const Measured m = run_measured({KEYFORM_BIN, "--version"}, {}, scratch);
  fs::remove_all(scratch);
  std::string v = m.out;
  while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.pop_back();
  return v;
}

bool keyform_has_parallelism_flag(const std::string& scratch) {
  const Measured m = run_measured({KEYFORM_BIN, "apply", "--help"}, {}, scratch);
  return (m.out + m.err).find("--parallelism") != std::string::npos;
}

// What a part of the run adds to the report.
struct Section {
  std::string text;
  int runs = 0;
  int failed = 0;
  int missed = 0;
};

Section sizes_section(const Options& o, const std::string& workdir) {
  const bool has_flag = keyform_has_parallelism_flag(workdir);
  if (!has_flag) {
    std::cerr << "warning: `keyform apply --help` shows no --parallelism; measuring apply at its default only\n";
  }
  const std::vector<Size> sizes = parse_sizes(o.sizes);
  std::vector<Row> rows;
  Bench bench(o, workdir, has_flag);
  for (const auto& size : sizes) {
    auto more = bench.run_size(size);
    rows.insert(rows.end(), more.begin(), more.end());
  }
  const Verdicts verdicts = targets_table(rows, sizes, o.latency_ms, o.probe_ms);
  const Verdicts render = o.render.empty() ? Verdicts{} : render_section(o.render);
  Section section;
  section.runs = static_cast<int>(rows.size());
  for (const auto& r : rows) section.failed += !r.problems.empty();
  section.missed = verdicts.missed + render.missed;
  section.text = fmt::format(
      "Plans and applies: keyform-sandbox with --latency-ms {} (every API request, 401s included, waits {} ms "
      "before its answer). Plan rows: the median of {} run(s). Apply actions: 50 % assign, 20 % update roles, 25 % "
      "unassign, 5 % delete key. Baseline: one call at a time, a fresh libcurl handle (new connection, new "
      "digest challenge) per call.\n\n",
      o.latency_ms, o.latency_ms, std::max(1, o.repeat));
  section.text += results_table(rows, o.latency_ms);
  section.text +=
      "\nrequests, GETs (successful), challenges (401 with a digest challenge) and connections (distinct client "
      "address:port) come from the sandbox's request log. The baseline opens a connection per call; Linux reuses "
      "loopback ports still in TIME_WAIT, so its connection count can be a little under its challenge count. "
      "CPU is user+sys and peak RSS is ru_maxrss of the measured process alone (wait4), not the sandbox's. "
      "speed-up: the baseline's wall time over this run's, same org and job.\n";
  section.text += "\n" + verdicts.table + render.table;
  return section;
}

Section rate_limits_section(const Options& o, const std::string& workdir) {
  const ScenarioOptions options{o.latency_ms, kDefaultParallelism, workdir};
  const auto runs = run_rate_limit_scenarios(rate_limit_scenarios(o.quick), options);
  const ScenarioReport report = rate_limit_report(runs, options);
  Section section{report.table, static_cast<int>(runs.size()), 0, report.missed};
  for (const auto& r : runs) section.failed += !r.problems.empty();
  return section;
}

int run(Options o) {
  if (o.quick) {
    // About 20 s: the two small sizes, 100 actions, a short latency, and one tiny rate-limited apply.
    o.sizes = "100x50,1000x200";
    o.actions = 100;
    o.parallelism = "1,10";
    o.latency_ms = std::min(o.latency_ms, 10);
    o.repeat = 1;
  }
  const auto started = std::chrono::steady_clock::now();
  const std::string load_before = load_average();
  std::string workdir = o.workdir;
  bool remove_workdir = false;
  if (workdir.empty()) {
    char pattern[] = "/tmp/keyform-bench-XXXXXX";
    if (!mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    workdir = pattern;
    remove_workdir = true;
  }
  fs::create_directories(workdir);
  // A temporary directory goes away however the run ends.
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ignored;
      if (!dir.empty()) fs::remove_all(dir, ignored);
    }
  } cleanup{remove_workdir ? workdir : ""};
  std::vector<Section> sections;
  if (!o.rate_limit_scenarios) sections.push_back(sizes_section(o, workdir));
  if (o.rate_limit_scenarios || o.quick) sections.push_back(rate_limits_section(o, workdir));
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  std::string report = fmt::format("## keyform-bench\n\nMachine: {}. {}.\n\n", machine_description(), keyform_version());
  int runs = 0, failed = 0, missed = 0;
  for (const auto& section : sections) {
    report += section.text;
    runs += section.runs;
    failed += section.failed;
    missed += section.missed;
  }
  report += fmt::format(
      "\nBenchmark run time: {:.0f} s; load average {} at the start, {} at the end (other work on the machine "
      "slows wall times, not CPU times). {} of {} runs failed their checks; {} targets missed.\n",
      total, load_before, load_average(), failed, runs, missed);
  std::cout << report << std::flush;
  if (!o.markdown.empty()) write_file(o.markdown, report);
  return failed ? 1 : 0;
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "--measure-worker") return bench::measure_worker(argc, argv);
  // The baseline is this binary too, so its CPU time and RSS are measured like keyform's.
  if (argc >= 2 && std::string(argv[1]) == "--baseline-worker") {
    if (argc != 5 || std::string(argv[3]) != "--desired") {
      std::cerr << "usage: keyform-bench --baseline-worker plan|apply --desired FILE\n";
      return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const int code = bench::run_baseline(argv[2], argv[4]);
    curl_global_cleanup();
    return code;
  }
  CLI::App app{"keyform-bench: keyform plan/apply against a naive digest-per-call script, on keyform-sandbox"};
  bench::Options o;
  app.add_flag("--quick", o.quick,
               "smoke run (~20 s): sizes 100 and 1000, 100 actions, -p 1,10, latency ≤ 10 ms, and one tiny "
               "rate-limited apply (60 writes, a bucket of 10 at 20/s)");
  app.add_option("--latency-ms", o.latency_ms, "round-trip latency the sandbox adds to every API request")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--sizes", o.sizes, "orgs as KEYSxPROJECTS, comma-separated")->capture_default_str();
  app.add_option("--actions", o.actions, "actions in each plan (at most the org's key count)")->capture_default_str();
  app.add_option("--parallelism", o.parallelism, "keyform apply --parallelism values")->capture_default_str();
  app.add_option("--repeat", o.repeat, "plan runs per tool and size (median reported)")->capture_default_str();
  app.add_option("--probe-ms", o.probe_ms, "latency of the extra plan runs that count its round trips (0: skip)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_flag("!--no-baseline", o.baseline, "skip the naive baseline");
  app.add_option("--workdir", o.workdir, "keep fixtures, configs and outputs here (default: a temporary directory)");
  app.add_option("--markdown", o.markdown, "also write the report to this file");
  app.add_option("--render", o.render, "time the renderers on a plan unassigning every key of KEYSxPROJECTS (\"\": skip)")
      ->capture_default_str();
  app.add_flag("--rate-limit-scenarios", o.rate_limit_scenarios,
               "instead of the sizes: issue 15's rate-limited applies (ORG: 1000 writes, one bucket of 50 at 20/s, "
               "with /rateLimits, learnt from 429s, --no-pacing; GROUP: 20 projects x 25 writes, buckets of 5 at "
               "5/s, with /rateLimits and --no-pacing), about 4 minutes");
  CLI11_PARSE(app, argc, argv);
  try {
    return bench::run(o);
  } catch (const std::exception& e) {
    std::cerr << "keyform-bench: " << e.what() << "\n";
    return 1;
  }
}
