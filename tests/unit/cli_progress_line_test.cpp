#include "cli/progress_line.h"

#include <doctest/doctest.h>

#include <atomic>
#include <sstream>
#include <thread>

namespace keyform_test_cli_progress_line {

using namespace keyform;
using namespace std::chrono_literals;

namespace {

// A clock the test moves by hand, and no ticker: the test decides when the line is redrawn.
struct Scene {
  ProgressLine::Clock::time_point now{std::chrono::hours(1)};
  std::ostringstream out;
  ProgressLine::Now clock() {
    return [this] { return now; };
  }
};

}  // namespace

TEST_CASE("progress text: done/total, elapsed, and the time left at the pace so far") {
  CHECK(progress_text(0, 120, 2s) == "[  0/120] 0:02 elapsed");  // no pace yet: no guess
  CHECK(progress_text(30, 120, 10s) == "[ 30/120] 0:10 elapsed, about 0:30 left");
  CHECK(progress_text(1, 1000, 75s) == "[   1/1000] 1:15 elapsed, about 20:48:45 left");
  CHECK(progress_text(120, 120, 40s) == "[120/120] 0:40 elapsed");
}

TEST_CASE("progress line: nothing in the first seconds, then a status row that result lines scroll above") {
  Scene s;
  {
    ProgressLine line(s.out, 4, /*shown=*/true, 0ms, s.clock());
    line.result("+ a\n");
    s.now += 1s;
    line.refresh();
    CHECK(s.out.str() == "+ a\n");  // a short apply never sees the line
    s.now += 3s;
    line.refresh();
    CHECK(s.out.str() == "+ a\n\r\x1b[K[1/4] 0:04 elapsed, about 0:12 left");
    line.result("+ b\n");  // the row is erased, the result written, the row drawn again below it
    CHECK(s.out.str() ==
          "+ a\n\r\x1b[K[1/4] 0:04 elapsed, about 0:12 left\r\x1b[K+ b\n\r\x1b[K[2/4] 0:04 elapsed, about 0:04 left");
  }
  // Gone when the apply ends: the summary starts on a clean row.
  CHECK(s.out.str().ends_with("about 0:04 left\r\x1b[K"));
}

TEST_CASE("progress line: not on a log or a pipe, however long the apply") {
  Scene s;
  {
    ProgressLine line(s.out, 2, /*shown=*/false, 0ms, s.clock());
    s.now += 60s;
    line.refresh();
    line.result("- a\n");
    line.result("- b\n");
  }
  CHECK(s.out.str() == "- a\n- b\n");
}

TEST_CASE("progress line: the ticker redraws it while no action finishes (a paced apply waiting for tokens)") {
  std::ostringstream out;
  std::atomic<int> reads{0};
  const ProgressLine::Clock::time_point start{std::chrono::hours(1)};
  // The first read is the start; every later one is 10 s on.
  auto clock = [&] { return reads++ == 0 ? start : start + 10s; };
  {
    ProgressLine line(out, 3, /*shown=*/true, 1ms, clock);
    std::this_thread::sleep_for(200ms);  // two hundred ticks
  }
  CHECK(out.str().starts_with("\r\x1b[K[0/3] 0:10 elapsed"));
}

TEST_CASE("progress line: a dumb terminal or a file gets none") {
  CHECK_FALSE(progress_wanted(-1));
}

}  // namespace keyform_test_cli_progress_line
