// The naive baseline: the job keyform does, done the way a shell script with `curl --digest`
// would do it. One call at a time; every call gets a fresh libcurl easy handle, hence a new TCP
// connection and a new digest challenge (two round trips per call). It reads the org's keys and
// projects page by page, diffs them against the desired state, and (in apply mode) makes each
// write in keyform's phase order. It runs as a child process of keyform-bench
// (`keyform-bench --baseline-worker ...`) so its CPU time and peak RSS are measured alike.
#pragma once

#include <string>

namespace bench {

// mode: "plan" or "apply". Reads MONGODB_ATLAS_BASE_URL, MONGODB_ATLAS_PUBLIC_API_KEY and
// MONGODB_ATLAS_PRIVATE_API_KEY. Prints keyform's "Plan: ..." summary line. Returns the exit code.
int run_baseline(const std::string& mode, const std::string& desired_file);

}  // namespace bench
