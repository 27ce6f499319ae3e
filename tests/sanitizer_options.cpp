// Linked into every executable of a KEYFORM_SANITIZE=ON build (see CMakeLists.txt): the sanitizer
// options tests/sanitizers.sh wants, built in. The end-to-end harness runs keyform and
// keyform-sandbox with an environment of its own choosing, without ASAN_OPTIONS; built in, a report
// in those child processes still aborts them (exit 134 to the harness) instead of exiting 1, which
// keyform's own errors also do and the bad-input tests expect. ASAN_OPTIONS / UBSAN_OPTIONS in the
// environment still take precedence.
extern "C" {

__attribute__((used, visibility("default"))) const char* __asan_default_options() {
  return "detect_leaks=1:abort_on_error=1";
}

__attribute__((used, visibility("default"))) const char* __ubsan_default_options() {
  return "halt_on_error=1:print_stacktrace=1";
}

}  // extern "C"
