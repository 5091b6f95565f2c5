// sluice: load sensor files into PostgreSQL, validated, aggregated, exactly once.
#include <malloc.h>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>
#include <pqxx/except>

#include "admin_commands.hpp"
#include "consume_command.hpp"
#include "core/errors.hpp"
#include "core/redact.hpp"
#include "infer_command.hpp"
#include "ingest_command.hpp"
#include "pipeline/pipeline.hpp"
#include "plan_command.hpp"
#include "retention_command.hpp"
#include "run/signals.hpp"
#include "shared_options.hpp"

int main(int argc, char** argv) {
  using sluice::ExitCode;
  // glibc gives each thread up to 8 x cores malloc arenas, and each keeps the high-water mark of what was freed
  // in it: with the pipeline's threads that multiplied peak RSS (270 MB for 100,000 small files, 280 MB for a
  // dry run of 56 MB files) for no measurable speed. Two arenas held every shape under 200 MiB (a little more with
  // the heap kept below); set before any thread starts. MALLOC_ARENA_MAX in the environment still wins.
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) mallopt(M_ARENA_MAX, 2);
  // glibc maps every allocation above a threshold (128 KiB, raised as such blocks are freed, to 32 MiB at most)
  // on its own and unmaps it when freed, and hands a heap's free top back past twice that: a large file's
  // buffers and per-sensor-hour tables (tens of MB) came back as fresh pages for every file, each faulted in and
  // zeroed by the kernel (~100,000 faults, a fifth of the client's CPU on 10 files of 56 MB). Up to kHeapKeptBytes they
  // now stay in the heap for the next file; the pipeline trims the heap when the process holds more than that.
  // MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_ (or GLIBC_TUNABLES) in the environment still win.
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") == nullptr && std::getenv("GLIBC_TUNABLES") == nullptr)
    mallopt(M_MMAP_THRESHOLD, static_cast<int>(sluice::kHeapKeptBytes));
  if (std::getenv("MALLOC_TRIM_THRESHOLD_") == nullptr && std::getenv("GLIBC_TUNABLES") == nullptr)
    mallopt(M_TRIM_THRESHOLD, static_cast<int>(sluice::kHeapKeptBytes));
  sluice::block_stop_signals();
  const std::vector<std::string> args(argv, argv + argc);
  CLI::App app{"sluice: load sensor data files into PostgreSQL, fast, validated and exactly once"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "sluice 0.1.0");
  int exit_code = 0;
  // Fail points are off unless a test arms them through the environment; read here, once.
  const sluice::FailPoints fail_points = [] {
    try {
      return sluice::FailPoints::from_environment();
    } catch (const sluice::UsageError& error) {
      std::cerr << "sluice: " << error.what() << "\n";
      std::exit(static_cast<int>(sluice::ExitCode::usage));
    }
  }();
  sluice::IngestOptions ingest;
  sluice::DatabaseOptions admin;
  sluice::add_ingest_command(app, ingest, args, fail_points, exit_code);
  sluice::add_schema_command(app, admin, exit_code);
  sluice::add_status_command(app, admin, exit_code);
  sluice::RetryOptions retry;
  sluice::add_retry_command(app, retry, exit_code);
  sluice::ConsumeOptions consume;
  sluice::add_consume_command(app, consume, args, fail_points, exit_code);
  sluice::PlanOptions plan;
  sluice::add_plan_command(app, plan, exit_code);
  sluice::RetentionOptions retention;
  sluice::add_retention_command(app, retention, exit_code);
  sluice::InferCommandOptions infer;
  sluice::add_infer_command(app, infer, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : static_cast<int>(ExitCode::usage);
  } catch (const sluice::UsageError& error) {
    std::cerr << "sluice: " << error.what() << "\n";
    return static_cast<int>(ExitCode::usage);
  } catch (const sluice::FatalError& error) {
    std::cerr << "sluice: fatal: " << sluice::redact_dsn(error.what()) << "\n";
    return static_cast<int>(ExitCode::fatal);
  } catch (const pqxx::broken_connection& error) {
    std::cerr << "sluice: fatal: cannot reach PostgreSQL: " << sluice::redact_dsn(error.what()) << "\n";
    return static_cast<int>(ExitCode::fatal);
  } catch (const std::exception& error) {
    std::cerr << "sluice: fatal: " << sluice::redact_dsn(error.what()) << "\n";
    return static_cast<int>(ExitCode::fatal);
  }
  return exit_code;
}
