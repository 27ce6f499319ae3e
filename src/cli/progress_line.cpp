#include "cli/progress_line.h"

#include <unistd.h>

#include <cstdlib>

#include <fmt/format.h>

namespace keyform {
namespace {

std::string clock_text(std::chrono::seconds s) {
  const long total = static_cast<long>(s.count());
  if (total >= 3600) return fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60);
  return fmt::format("{}:{:02}", total / 60, total % 60);
}

// "\r" back to the start of the row, ESC [ K erases it: the line is rewritten in place.
constexpr const char* kEraseRow = "\r\x1b[K";

}  // namespace

std::string progress_text(int done, int total, std::chrono::seconds elapsed) {
  const int width = static_cast<int>(std::to_string(total).size());
  std::string text = fmt::format("[{:>{}}/{}] {} elapsed", done, width, total, clock_text(elapsed));
  if (done > 0 && done < total) {
    // The rate so far: pacing and round trips make an apply's pace steady enough for a guess.
    const auto left = std::chrono::seconds(elapsed.count() * (total - done) / done);
    text += ", about " + clock_text(left) + " left";
  }
  return text;
}

ProgressLine::ProgressLine(std::ostream& out, int total, bool shown, std::chrono::milliseconds tick, Now now)
    : out_(out), total_(total), shown_(shown), now_(std::move(now)), start_(now_()) {
  if (!shown_ || tick <= std::chrono::milliseconds::zero()) return;
  ticker_ = std::thread([this, tick] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, tick, [this] { return stopping_; })) {
      lock.unlock();
      refresh();
      lock.lock();
    }
  });
}

ProgressLine::~ProgressLine() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
  std::lock_guard lock(mutex_);
  erase_locked();
  out_ << std::flush;
}

void ProgressLine::result(const std::string& line) {
  std::lock_guard lock(mutex_);
  ++done_;
  erase_locked();
  out_ << line;
  draw_locked();
  out_ << std::flush;
}

void ProgressLine::refresh() {
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  draw_locked();
  out_ << std::flush;
}

void ProgressLine::erase_locked() {
  if (drawn_) out_ << kEraseRow;
  drawn_ = false;
}

void ProgressLine::draw_locked() {
  const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(now_() - start_);
  if (!shown_ || elapsed < kShownAfter || done_ >= total_) return;
  out_ << kEraseRow << progress_text(done_, total_, elapsed);
  drawn_ = true;
}

bool progress_wanted(int fd) {
  const char* term = std::getenv("TERM");
  if (term && std::string(term) == "dumb") return false;
  return isatty(fd) == 1;
}

}  // namespace keyform
