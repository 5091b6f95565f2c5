// MetricsPublisher (lib/run/metrics_publisher.hpp) writing node_exporter textfiles in a temporary folder, and
// last_success_in / prometheus_text (lib/report/metrics.hpp). Each "run" gets a new publisher, as a new process
// would, so the last success time can only survive through the file.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/logger.hpp"
#include "core/run_outcome.hpp"
#include "core/run_stats.hpp"
#include "report/metrics.hpp"
#include "run/metrics_publisher.hpp"

namespace {

namespace fs = std::filesystem;
using sluice::MetricsPublisher;
using sluice::MetricsTargets;
using sluice::RunOutcome;
using sluice::RunStats;

constexpr const char* kLastSuccess = "sluice_run_last_success_timestamp_seconds";

// A fresh folder under the system's temporary one, removed at the end of the test case.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "sluice-metrics-test-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

RunOutcome outcome(const std::string& status, int exit_code) {
  RunOutcome out;
  out.status = status;
  out.exit_code = exit_code;
  return out;
}

MetricsTargets textfile(const fs::path& path) {
  MetricsTargets targets;
  targets.textfile = path.string();
  return targets;
}

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE("metrics: an ok run writes the last success time; a later failed run keeps it") {
  TempDir dir;
  const fs::path file = dir.path() / "sluice.prom";
  sluice::Logger logger(sluice::LogFormat::text, true);
  RunStats stats;
  stats.files_loaded = 2;

  const std::int64_t before = unix_now();
  std::int64_t first = 0;
  {
    MetricsPublisher run1(textfile(file), logger);  // no file yet: nothing known
    CHECK(run1.active());
    CHECK(run1.last_success_unix() == 0);
    run1.publish(stats, outcome("ok", 0), false);
    first = run1.last_success_unix();
  }
  const std::int64_t after = unix_now();
  REQUIRE(fs::exists(file));
  const std::string text1 = read_file(file);
  CHECK(text1.find(std::string(kLastSuccess) + " ") != std::string::npos);
  CHECK(sluice::last_success_in(text1) == first);
  CHECK(first >= before);
  CHECK(first <= after);
  CHECK(has_line(text1, "sluice_run_exit_code 0"));

  // A new process: it reads the earlier time back, and its failure rewrites the file with the same time.
  MetricsPublisher run2(textfile(file), logger);
  CHECK(run2.last_success_unix() == first);
  RunStats failed;
  failed.files_failed = 1;
  run2.publish(failed, outcome("partial", 1), false);
  const std::string text2 = read_file(file);
  CHECK(text2 != text1);  // rewritten
  CHECK(has_line(text2, "sluice_run_exit_code 1"));
  CHECK(has_line(text2, "sluice_run_files{status=\"failed\"} 1"));
  CHECK(sluice::last_success_in(text2) == first);
  CHECK(run2.last_success_unix() == first);
}

TEST_CASE("metrics: a failed run carries an old success time forward exactly; an ok run moves it") {
  TempDir dir;
  const fs::path file = dir.path() / "sluice.prom";
  sluice::Logger logger(sluice::LogFormat::text, true);
  RunStats stats;
  // As an earlier sluice left it, long ago.
  write_file(file,
             "# HELP sluice_run_last_success_timestamp_seconds Unix time.\n"
             "# TYPE sluice_run_last_success_timestamp_seconds gauge\n"
             "sluice_run_last_success_timestamp_seconds 1234567890\n");

  {
    MetricsPublisher failed_run(textfile(file), logger);
    CHECK(failed_run.last_success_unix() == 1234567890);
    failed_run.publish(stats, outcome("fatal", 3), false);
  }
  CHECK(sluice::last_success_in(read_file(file)) == 1234567890);
  CHECK(has_line(read_file(file), "sluice_run_exit_code 3"));

  {
    MetricsPublisher stopped_run(textfile(file), logger);
    stopped_run.publish(stats, outcome("stopped", 130), false);
  }
  CHECK(sluice::last_success_in(read_file(file)) == 1234567890);

  const std::int64_t before = unix_now();
  MetricsPublisher ok_run(textfile(file), logger);
  ok_run.publish(stats, outcome("ok", 0), false);
  CHECK(sluice::last_success_in(read_file(file)) >= before);
}

TEST_CASE("metrics: a first run that fails writes no last success time") {
  TempDir dir;
  const fs::path file = dir.path() / "sluice.prom";
  sluice::Logger logger(sluice::LogFormat::text, true);
  RunStats stats;
  MetricsPublisher run(textfile(file), logger);
  run.publish(stats, outcome("partial", 1), false);
  const std::string text = read_file(file);
  CHECK(text.find(kLastSuccess) == std::string::npos);
  CHECK(sluice::last_success_in(text) == 0);
  CHECK(run.last_success_unix() == 0);
}

TEST_CASE("metrics: a publisher with no targets does nothing") {
  TempDir dir;
  sluice::Logger logger(sluice::LogFormat::text, true);
  RunStats stats;
  MetricsPublisher publisher(MetricsTargets{}, logger);
  CHECK_FALSE(publisher.active());
  CHECK_NOTHROW(publisher.publish(stats, outcome("ok", 0), false));
  CHECK(publisher.last_success_unix() == 0);  // not even the in-memory time moves
  CHECK(fs::is_empty(dir.path()));
}

TEST_CASE("metrics: an unwritable textfile is logged, not thrown") {
  TempDir dir;
  sluice::Logger logger(sluice::LogFormat::text, true);
  RunStats stats;
  MetricsPublisher publisher(textfile(dir.path() / "no-such-folder" / "sluice.prom"), logger);
  CHECK_NOTHROW(publisher.publish(stats, outcome("ok", 0), false));
  CHECK_FALSE(fs::exists(dir.path() / "no-such-folder"));
}

TEST_CASE("metrics: in_progress is written as sluice_run_in_progress 1, and 0 at the end") {
  TempDir dir;
  const fs::path file = dir.path() / "sluice.prom";
  sluice::Logger logger(sluice::LogFormat::text, true);
  RunStats stats;
  MetricsPublisher publisher(textfile(file), logger);
  publisher.publish(stats, outcome("ok", 0), true);
  CHECK(has_line(read_file(file), "sluice_run_in_progress 1"));
  publisher.publish(stats, outcome("ok", 0), false);
  CHECK(has_line(read_file(file), "sluice_run_in_progress 0"));
}

TEST_CASE("metrics: consumer metrics appear only when the consumer is active") {
  TempDir dir;
  const fs::path file = dir.path() / "sluice.prom";
  sluice::Logger logger(sluice::LogFormat::text, true);
  RunStats stats;
  stats.consumer.messages = 12;
  stats.consumer.batches = 4;
  stats.consumer.batches_over_reject_ratio = 2;
  MetricsPublisher publisher(textfile(file), logger);

  publisher.publish(stats, outcome("ok", 0), false);  // `sluice ingest`: counters set, consumer not active
  CHECK(read_file(file).find("sluice_kafka_") == std::string::npos);

  stats.consumer.active = true;
  publisher.publish(stats, outcome("ok", 0), true);
  const std::string text = read_file(file);
  CHECK(has_line(text, "sluice_kafka_messages 12"));
  CHECK(has_line(text, "sluice_kafka_batches{status=\"committed\"} 4"));
  CHECK(has_line(text, "sluice_kafka_batches{status=\"over_reject_ratio\"} 2"));
  CHECK(text.find("sluice_kafka_last_commit_timestamp_seconds") == std::string::npos);  // never committed

  stats.consumer.last_commit_unix = 1'700'000'000;
  publisher.publish(stats, outcome("ok", 0), true);
  CHECK(has_line(read_file(file), "sluice_kafka_last_commit_timestamp_seconds 1700000000"));
}

TEST_CASE("metrics: last_success_in reads the sample, 0 when absent or unreadable") {
  CHECK(sluice::last_success_in("sluice_run_last_success_timestamp_seconds 1700000000\n") == 1700000000);
  CHECK(sluice::last_success_in("sluice_run_exit_code 0\nsluice_run_last_success_timestamp_seconds 42\n") == 42);
  CHECK(sluice::last_success_in("sluice_run_last_success_timestamp_seconds 1.7e+09\n") == 1700000000);
  CHECK(sluice::last_success_in("") == 0);
  CHECK(sluice::last_success_in("sluice_run_exit_code 1\n") == 0);
  // The HELP and TYPE lines name it too, but carry no value.
  CHECK(sluice::last_success_in("# HELP sluice_run_last_success_timestamp_seconds Unix time.\n"
                                "# TYPE sluice_run_last_success_timestamp_seconds gauge\n") == 0);
  // Another metric whose name starts the same is not it.
  CHECK(sluice::last_success_in("sluice_run_last_success_timestamp_seconds_total 5\n") == 0);
  CHECK(sluice::last_success_in("sluice_run_last_success_timestamp_seconds garbage\n") == 0);
}

TEST_CASE("metrics: prometheus_text writes the last success time only when known") {
  RunStats stats;
  sluice::MetricsMoment unknown{outcome("partial", 1), false, 0};
  CHECK(sluice::prometheus_text(stats, unknown).find(kLastSuccess) == std::string::npos);
  sluice::MetricsMoment known{outcome("partial", 1), false, 1234567890};
  CHECK(sluice::last_success_in(sluice::prometheus_text(stats, known)) == 1234567890);
}
