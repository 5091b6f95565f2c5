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

#include "core/errors.hpp"
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

// The line of `metric` with the labels every sample of a default (unsharded) run carries, then `labels`.
std::string sample(const std::string& metric, const std::string& labels, const std::string& value) {
  return metric + "{shard=\"0-1\"" + (labels.empty() ? "" : "," + labels) + "} " + value;
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
  CHECK(has_line(text1, sample("sluice_run_exit_code", "", "0")));

  // A new process: it reads the earlier time back, and its failure rewrites the file with the same time.
  MetricsPublisher run2(textfile(file), logger);
  CHECK(run2.last_success_unix() == first);
  RunStats failed;
  failed.files_failed = 1;
  run2.publish(failed, outcome("partial", 1), false);
  const std::string text2 = read_file(file);
  CHECK(text2 != text1);  // rewritten
  CHECK(has_line(text2, sample("sluice_run_exit_code", "", "1")));
  CHECK(has_line(text2, sample("sluice_run_files", "status=\"failed\"", "1")));
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
  CHECK(has_line(read_file(file), sample("sluice_run_exit_code", "", "3")));

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
  CHECK(has_line(read_file(file), sample("sluice_run_in_progress", "", "1")));
  publisher.publish(stats, outcome("ok", 0), false);
  CHECK(has_line(read_file(file), sample("sluice_run_in_progress", "", "0")));
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
  CHECK(has_line(text, sample("sluice_kafka_messages", "", "12")));
  CHECK(has_line(text, sample("sluice_kafka_batches", "status=\"committed\"", "4")));
  CHECK(has_line(text, sample("sluice_kafka_batches", "status=\"over_reject_ratio\"", "2")));
  CHECK(text.find("sluice_kafka_last_commit_timestamp_seconds") == std::string::npos);  // never committed

  stats.consumer.last_commit_unix = 1'700'000'000;
  publisher.publish(stats, outcome("ok", 0), true);
  CHECK(has_line(read_file(file), sample("sluice_kafka_last_commit_timestamp_seconds", "", "1700000000")));
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
  sluice::MetricsMoment unknown{outcome("partial", 1), false, 0, 0, {}};
  CHECK(sluice::prometheus_text(stats, unknown).find(kLastSuccess) == std::string::npos);
  sluice::MetricsMoment known{outcome("partial", 1), false, 1234567890, 0, {}};
  CHECK(sluice::last_success_in(sluice::prometheus_text(stats, known)) == 1234567890);
}

TEST_CASE("metrics: every sample carries shard and the --metrics-label labels, in the order given") {
  TempDir dir;
  const fs::path file = dir.path() / "sluice.prom";
  sluice::Logger logger(sluice::LogFormat::text, true);
  RunStats stats;
  stats.rows_loaded = 7;
  stats.add_rejects({{"range:temperature", 2}});
  MetricsTargets targets = textfile(file);
  targets.shard = "3/8";
  targets.labels = {"pipeline=weather", "region=eu-1"};
  MetricsPublisher publisher(targets, logger);
  publisher.publish(stats, outcome("ok", 0), false);
  const std::string text = read_file(file);
  const std::string ids = "shard=\"3-8\",pipeline=\"weather\",region=\"eu-1\"";
  CHECK(has_line(text, "sluice_run_rows{" + ids + ",status=\"loaded\"} 7"));
  CHECK(has_line(text, "sluice_run_rejected_rows{" + ids + ",reason=\"range:temperature\"} 2"));
  CHECK(has_line(text, "sluice_run_exit_code{" + ids + "} 0"));
  std::istringstream lines(text);
  int samples = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    ++samples;
    CHECK_MESSAGE(line.find("{" + ids) != std::string::npos, line);
  }
  CHECK(samples > 10);
  // The next run (a new process) reads its last success back from the labelled sample.
  CHECK(MetricsPublisher(targets, logger).last_success_unix() == publisher.last_success_unix());
}

TEST_CASE("metrics: identity_labels and parse_metrics_label accept Prometheus label names, refuse clashes") {
  const sluice::MetricsLabels plain = sluice::identity_labels("0/1", {});
  REQUIRE(plain.size() == 1);
  CHECK(plain[0].name == "shard");
  CHECK(plain[0].value == "0-1");
  CHECK(sluice::identity_labels("", {})[0].value == "0-1");
  const sluice::MetricsLabels labelled = sluice::identity_labels("12/16", {"team=data_eng", "_x=a.b:c-9"});
  REQUIRE(labelled.size() == 3);
  CHECK(labelled[0].value == "12-16");
  CHECK(labelled[1].name == "team");
  CHECK(labelled[1].value == "data_eng");
  CHECK(labelled[2].name == "_x");
  CHECK(labelled[2].value == "a.b:c-9");
  for (const char* bad : {"", "novalue", "=x", "9a=x", "a-b=x", "__a=x", "job=x", "instance=x", "shard=x", "status=x",
                          "reason=x", "kind=x", "stage=x", "a=", "a=x y", "a=x/y", "a=\"x\"", "a=é", "a=b=c"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(sluice::parse_metrics_label(bad), sluice::UsageError);
  }
  CHECK_THROWS_AS(sluice::parse_metrics_label("a=" + std::string(129, 'x')), sluice::UsageError);
  CHECK_NOTHROW(sluice::parse_metrics_label("a=" + std::string(128, 'x')));
  CHECK_THROWS_AS(sluice::identity_labels("0/1", {"a=1", "a=2"}), sluice::UsageError);
  // A bad label stops the run before it starts: the publisher is built at the start of the session.
  TempDir dir;
  sluice::Logger logger(sluice::LogFormat::text, true);
  MetricsTargets targets = textfile(dir.path() / "sluice.prom");
  targets.labels = {"status=x"};
  CHECK_THROWS_AS(MetricsPublisher(targets, logger), sluice::UsageError);
}

TEST_CASE("metrics: a consumer's last commit time survives a restart that has not committed yet") {
  TempDir dir;
  const fs::path file = dir.path() / "sluice.prom";
  sluice::Logger logger(sluice::LogFormat::text, true);
  {
    RunStats stats;
    stats.consumer.active = true;
    stats.consumer.last_commit_unix = 1'700'000'000;
    MetricsPublisher first(textfile(file), logger);
    first.publish(stats, outcome("ok", 0), true);
  }
  {
    RunStats stats;  // a new process: no commit yet
    stats.consumer.active = true;
    MetricsPublisher restarted(textfile(file), logger);
    restarted.publish(stats, outcome("ok", 0), true);
    CHECK(has_line(read_file(file), sample("sluice_kafka_last_commit_timestamp_seconds", "", "1700000000")));
    stats.consumer.last_commit_unix = 1'700'000'500;  // its own first commit wins
    restarted.publish(stats, outcome("ok", 0), true);
    CHECK(has_line(read_file(file), sample("sluice_kafka_last_commit_timestamp_seconds", "", "1700000500")));
  }
  {
    RunStats stats;  // `sluice ingest` with the same file: no consumer, no Kafka metrics
    MetricsPublisher ingest(textfile(file), logger);
    ingest.publish(stats, outcome("ok", 0), false);
    CHECK(read_file(file).find("sluice_kafka_") == std::string::npos);
  }
}

TEST_CASE("metrics: timestamp_in reads a labelled sample of the named metric only") {
  const std::string text =
      "# TYPE sluice_kafka_last_commit_timestamp_seconds gauge\n"
      "sluice_kafka_last_commit_timestamp_seconds_x{shard=\"0-1\"} 5\n"
      "sluice_kafka_last_commit_timestamp_seconds{shard=\"0-1\",pipeline=\"a\"} 1700000000\n";
  CHECK(sluice::timestamp_in(text, "sluice_kafka_last_commit_timestamp_seconds") == 1700000000);
  CHECK(sluice::timestamp_in(text, "sluice_run_last_success_timestamp_seconds") == 0);
  CHECK(sluice::last_success_in("sluice_run_last_success_timestamp_seconds{shard=\"1-2\"} 42\n") == 42);
}
