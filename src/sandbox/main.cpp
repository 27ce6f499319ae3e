// keyform-sandbox: serve a fixture org as the MongoDB Admin API on loopback.
//
//   keyform-sandbox --fixture FILE [--host 127.0.0.1] [--port N] [--port-file F]
//                   [--latency-ms N] [--nonce-ttl SECONDS] [--token-ttl SECONDS]
//                   [--fault METHOD:PATH_REGEX:STATUS:COUNT[:RETRY_AFTER]]...   (see faults.h)

#include "sandbox/fixture.h"
#include "sandbox/server.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <pthread.h>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

using keyform::sandbox::Sandbox;
using keyform::sandbox::SandboxOptions;

struct Arguments {
  std::string fixture;
  std::string host = "127.0.0.1";
  int port = 0;
  std::string port_file;
  int latency_ms = 0;
  int nonce_ttl = 300;
  int token_ttl = 3600;
  std::vector<std::string> faults;
};

void define_options(CLI::App& app, Arguments& args) {
  app.add_option("--fixture", args.fixture, "JSON file with the org's initial state")->required();
  app.add_option("--host", args.host, "loopback address to listen on")->capture_default_str();
  app.add_option("--port", args.port, "port; 0 picks a free one")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  app.add_option("--port-file", args.port_file, "write the port here once listening (atomically)");
  app.add_option("--latency-ms", args.latency_ms, "sleep before answering each API request")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--nonce-ttl", args.nonce_ttl, "seconds before a digest nonce is stale")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--token-ttl", args.token_ttl, "lifetime of OAuth tokens in seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--fault", args.faults,
                 "METHOD:PATH_REGEX:STATUS:COUNT[:RETRY_AFTER]: the first COUNT API requests with "
                 "this method (* any) whose path matches the regex answer STATUS (429, 500, 502, "
                 "503, 504; 0 drops the connection; a '+' suffix applies the request first), with "
                 "Retry-After when given. Repeatable.")
      ->take_all()
      ->allow_extra_args(false);
}

// Write-then-rename, so a script polling for the file never reads a partial number.
void write_port_file(const std::string& path, int port) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << port << '\n';
    if (!out.flush()) throw std::runtime_error(fmt::format("cannot write {}", temporary));
  }
  std::filesystem::rename(temporary, path);
}

std::string url_host(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

// SIGINT/SIGTERM are blocked in every thread and collected with sigwait() in main, so no signal
// handler (and no global state) is needed to stop the server.
sigset_t termination_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  return signals;
}

int serve(const Arguments& args) {
  SandboxOptions options;
  options.latency = std::chrono::milliseconds(args.latency_ms);
  options.nonce_ttl = std::chrono::seconds(args.nonce_ttl);
  options.token_ttl = std::chrono::seconds(args.token_ttl);
  for (const std::string& spec : args.faults) options.faults.push_back(keyform::sandbox::parse_fault(spec));
  Sandbox sandbox(keyform::sandbox::load_fixture(args.fixture), options);
  // If serving ends on its own (the listening socket failed), wake main as a signal would.
  std::atomic<bool> failed{false};
  const int port = sandbox.start(args.host, args.port, [&failed](bool ok) {
    failed = !ok;
    kill(getpid(), SIGTERM);
  });
  std::cout << "keyform-sandbox listening on http://" << url_host(args.host) << ':' << port
            << std::endl;
  if (!args.port_file.empty()) write_port_file(args.port_file, port);
  const sigset_t signals = termination_signals();
  int received = 0;
  sigwait(&signals, &received);
  sandbox.stop();
  if (failed) std::cerr << "keyform-sandbox: the listening socket failed\n";
  return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"keyform-sandbox: a local stand-in for the MongoDB Admin API (org API keys)"};
  Arguments args;
  define_options(app, args);
  CLI11_PARSE(app, argc, argv);
  const sigset_t signals = termination_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread exists, so all inherit it
  try {
    return serve(args);
  } catch (const std::exception& error) {
    std::cerr << "keyform-sandbox: " << error.what() << '\n';
    return 1;
  }
}
