// The load stage against a real PostgreSQL (label "pg"): PgTarget (lib/load/pg_target.hpp) builds the schema,
// pool, sink and ledger; ParsedFile values come from parse_file on in-memory CSV. The server is the one libpq's
// PG* variables name (scripts/run-tests sets them; by hand: scripts/pg-local start && eval
// "$(scripts/pg-local env)"). Each case works in a fresh schema pgunit_<random> and drops it at the end.
// The assertions are about counts (rows, rejects, sensor-hours, ledger rows), not about the SQL sluice runs.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <pqxx/pqxx>

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/errors.hpp"
#include "core/file_outcome.hpp"
#include "core/file_ref.hpp"
#include "core/logger.hpp"
#include "core/run_stats.hpp"
#include "load/pg_target.hpp"
#include "parse/file_parser.hpp"
#include "parse/parsed_file.hpp"
#include "pipeline/ledger.hpp"

namespace {

using sluice::FileRef;
using sluice::FileStatus;
using sluice::ParsedFile;

// clang-format off
// s1: 3 rows (two in 00:00, one in 01:00) and a temperature out of range.
const std::string kA =
    "ts,sensor_id,temperature,humidity,pressure,battery\n"
    "2026-03-01T00:10:00Z,s1,20,50,1000,3.5\n"
    "2026-03-01T00:40:00Z,s1,22,,1010,\n"
    "2026-03-01T01:05:00Z,s1,25,60,,\n"
    "2026-03-01T00:30:00Z,s1,200,,,\n";
// kA rewritten in place: the same length (so the same size), other values.
const std::string kA2 =
    "ts,sensor_id,temperature,humidity,pressure,battery\n"
    "2026-03-01T00:10:00Z,s1,21,51,1001,3.0\n"
    "2026-03-01T00:40:00Z,s1,23,,1011,\n"
    "2026-03-01T01:05:00Z,s1,26,61,,\n"
    "2026-03-01T00:30:00Z,s1,201,,,\n";
// Shorter again: 2 rows, no reject; hour 01:00 of s1 is no longer in it, hour 02:00 is.
const std::string kA3 =
    "ts,sensor_id,temperature,humidity,pressure,battery\n"
    "2026-03-01T00:10:00Z,s1,24,50,1000,3.5\n"
    "2026-03-01T02:00:00Z,s1,26,,,\n";
// Shares s1's 00:00 hour with kA; s2 rows in 2026 and 2025 (two partitions); a bad timestamp.
const std::string kB =
    "ts,sensor_id,temperature,humidity,pressure,battery\n"
    "2026-03-01T00:20:00Z,s1,30,40,990,4\n"
    "2026-03-01T00:25:00Z,s2,-5,10,900,4\n"
    "2025-12-31T23:30:00Z,s2,1.5,,,\n"
    "bad,s2,1,,,\n";
// clang-format on

constexpr std::int64_t kMtime = 1'770'000'000'000'000'000;

std::string random_schema() {
  std::random_device random;
  const std::uint64_t bits = (static_cast<std::uint64_t>(random()) << 32) ^ random();
  return fmt::format("pgunit_{:016x}", bits);
}

// Drops the schema when the case ends, whatever happened.
class SchemaGuard {
 public:
  SchemaGuard(pqxx::connection& connection, std::string schema) : connection_(connection), schema_(std::move(schema)) {}
  SchemaGuard(const SchemaGuard&) = delete;
  SchemaGuard& operator=(const SchemaGuard&) = delete;
  ~SchemaGuard() {
    try {
      pqxx::nontransaction txn(connection_);
      txn.exec("DROP SCHEMA IF EXISTS " + connection_.quote_name(schema_) + " CASCADE");
    } catch (const std::exception& error) {
      MESSAGE("could not drop schema " << schema_ << ": " << error.what());
    }
  }

 private:
  pqxx::connection& connection_;
  std::string schema_;
};

// What a test commits: a file version, its id and content, and what parsing it gave.
struct Spec {
  FileRef ref;
  std::int64_t file_id = 0;
  std::string content;
  std::string failure;
  std::int64_t rows = 0, rejects = 0;

  [[nodiscard]] bool failed() const { return !failure.empty(); }
  [[nodiscard]] std::int64_t rows_loaded() const { return rows; }
  [[nodiscard]] std::int64_t rows_rejected() const { return rejects; }
};

// A PgTarget in a fresh schema, and a connection of our own to look at the tables.
struct PgFixture {
  sluice::Config config = [] {
    sluice::Config c = sluice::default_config();
    c.schema = random_schema();
    return c;
  }();
  pqxx::connection check{""};               // libpq's PG* environment
  SchemaGuard guard{check, config.schema};  // destroyed after target (declared before it)
  sluice::Logger logger{sluice::LogFormat::text, true};
  sluice::RunStats stats;
  std::unique_ptr<sluice::PgTarget> target;

  PgFixture() {
    pqxx::nontransaction(check).exec("SET TimeZone = 'UTC'");  // hours are UTC hours, as in sluice's sessions
    sluice::PgTargetOptions options;
    options.retry.retries = 0;  // a fault is a failure here, not a reason to wait
    options.command_line = "pg_unit_tests";
    target = std::make_unique<sluice::PgTarget>(config, options, logger, stats);
  }
  ~PgFixture() {
    if (target) target->finish("ok", 0);
    target.reset();  // closes the pool before the schema goes
  }

  std::string table(std::string_view name) {
    return check.quote_name(config.schema) + "." + check.quote_name(std::string(name));
  }
  std::int64_t count(const std::string& sql) {
    pqxx::nontransaction txn(check);
    return txn.exec1(sql)[0].as<std::int64_t>();
  }
  std::int64_t readings() { return count("SELECT count(*) FROM " + table("readings")); }
  std::int64_t readings_of(std::int64_t file_id) {
    return count(fmt::format("SELECT count(*) FROM {} WHERE file_id = {}", table("readings"), file_id));
  }
  std::int64_t rejects() { return count("SELECT count(*) FROM " + table("rejects")); }
  std::int64_t rejects_of(std::int64_t file_id) {
    return count(fmt::format("SELECT count(*) FROM {} WHERE file_id = {}", table("rejects"), file_id));
  }
  std::int64_t ledger_rows(const std::string& uri, const std::string& status) {
    pqxx::nontransaction txn(check);
    return txn
        .exec_params1(fmt::format("SELECT count(*) FROM {} WHERE uri = $1 AND status = $2", table("files")), uri,
                      status)[0]
        .as<std::int64_t>();
  }
  struct LedgerRowSeen {
    std::int64_t file_id = 0, size = 0, rows_loaded = 0, rows_rejected = 0;
    std::string etag, error;
  };
  // The uri's ledger row in `status` (the test makes sure there is exactly one).
  std::optional<LedgerRowSeen> ledger_row(const std::string& uri, const std::string& status) {
    pqxx::nontransaction txn(check);
    const pqxx::result rows = txn.exec_params(
        fmt::format("SELECT file_id, size, etag, rows_loaded, rows_rejected, coalesce(error, '') FROM {} "
                    "WHERE uri = $1 AND status = $2",
                    table("files")),
        uri, status);
    if (rows.size() != 1) return std::nullopt;
    return LedgerRowSeen{rows[0][0].as<std::int64_t>(), rows[0][1].as<std::int64_t>(), rows[0][3].as<std::int64_t>(),
                         rows[0][4].as<std::int64_t>(), rows[0][2].as<std::string>(),  rows[0][5].as<std::string>()};
  }
  // Rows of sensor_hourly that a GROUP BY over readings does not give, and the other way round: 0 when the
  // aggregates match the rows exactly (the test data's sums are exact in binary).
  std::int64_t hourly_mismatches() {
    std::string stored = "sensor_id, hour, rows", computed = "sensor_id, date_trunc('hour', ts), count(*)";
    for (const char* m : {"temperature", "humidity", "pressure", "battery"}) {
      stored += fmt::format(", {0}_count, {0}_min, {0}_max, {0}_sum", m);
      computed += fmt::format(", count({0}), min({0}), max({0}), sum({0})", m);
    }
    const std::string hourly = fmt::format("SELECT {} FROM {}", stored, table("sensor_hourly"));
    const std::string grouped = fmt::format("SELECT {} FROM {} GROUP BY 1, 2", computed, table("readings"));
    return count(
        fmt::format("SELECT (SELECT count(*) FROM ({0} EXCEPT {1}) a) + (SELECT count(*) FROM ({1} EXCEPT {0}) b)",
                    hourly, grouped));
  }
  std::int64_t hourly_rows(const std::string& sensor, const std::string& hour) {
    pqxx::nontransaction txn(check);
    const pqxx::result rows = txn.exec_params(
        fmt::format("SELECT rows FROM {} WHERE sensor_id = $1 AND hour = $2::timestamptz", table("sensor_hourly")),
        sensor, hour);
    return rows.empty() ? 0 : rows[0][0].as<std::int64_t>();
  }

  std::int64_t new_id() { return target->ledger().allocate_ids(1).at(0); }
  // A file to commit, with a new id from the ledger; parsed now for its counts, and again at each commit
  // (ParsedFile is move-only).
  Spec parsed(const FileRef& ref, std::string content) {
    Spec spec{ref, new_id(), std::move(content), {}, 0, 0};
    const ParsedFile file = make(spec);
    REQUIRE_MESSAGE(!file.failed(), file.failure);
    spec.rows = file.rows_loaded();
    spec.rejects = file.rows_rejected();
    return spec;
  }
  // A file that fails as the pipeline makes one (parse_one): no rows, no rejects, the parser's reason.
  Spec failed(const FileRef& ref, std::string content) {
    Spec spec{ref, new_id(), std::move(content), {}, 0, 0};
    spec.failure = make(spec).failure;
    REQUIRE_MESSAGE(!spec.failure.empty(), "expected parse_file to fail");
    return spec;
  }
  ParsedFile make(const Spec& spec) {
    ParsedFile file;
    file.ref = spec.ref;
    file.file_id = spec.file_id;
    try {
      if (spec.ref.scheme == sluice::FileScheme::unloadable) throw sluice::FileError(spec.ref.failure);
      sluice::parse_file(spec.content, config, sluice::ParseLimits{}, file);
    } catch (const sluice::FileError& error) {
      file = ParsedFile();
      file.ref = spec.ref;
      file.file_id = spec.file_id;
      file.failure = error.what();
    }
    return file;
  }
  std::vector<sluice::FileOutcome> commit(const std::vector<Spec>& specs) {
    std::vector<ParsedFile> files;
    for (const Spec& spec : specs) files.push_back(make(spec));
    return target->sink().commit(files);
  }
};

FileRef local(const std::string& uri, const std::string& content, std::int64_t mtime = kMtime) {
  return FileRef::local(uri, content.size(), mtime);
}

const std::string kUriA = "/data/pgunit/a.csv";
const std::string kUriB = "/data/pgunit/b.csv";

}  // namespace

TEST_CASE("pg unit loader: a unit of two files commits rows, rejects, sensor_hourly and ledger rows") {
  PgFixture pg;
  const Spec a = pg.parsed(local(kUriA, kA), kA);
  const Spec b = pg.parsed(local(kUriB, kB), kB);
  REQUIRE(a.rows_loaded() == 3);
  REQUIRE(a.rows_rejected() == 1);
  REQUIRE(b.rows_loaded() == 3);
  REQUIRE(b.rows_rejected() == 1);

  const std::vector<sluice::FileOutcome> outcomes = pg.commit({a, b});

  REQUIRE(outcomes.size() == 2);
  CHECK(outcomes[0].status == FileStatus::loaded);
  CHECK(outcomes[1].status == FileStatus::loaded);
  CHECK_FALSE(outcomes[0].replaced);
  CHECK_FALSE(outcomes[1].replaced);
  CHECK(pg.readings() == 6);
  CHECK(pg.readings_of(a.file_id) == 3);
  CHECK(pg.readings_of(b.file_id) == 3);
  CHECK(pg.rejects() == 2);
  CHECK(pg.rejects_of(a.file_id) == 1);
  CHECK(pg.rejects_of(b.file_id) == 1);
  // sensor_hourly: s1 00:00 has 2 rows of a and 1 of b; s1 01:00 one of a; s2 in 2026 and in 2025 one each.
  CHECK(pg.count("SELECT count(*) FROM " + pg.table("sensor_hourly")) == 4);
  CHECK(pg.count("SELECT sum(rows) FROM " + pg.table("sensor_hourly")) == 6);
  CHECK(pg.hourly_rows("s1", "2026-03-01 00:00:00+00") == 3);
  CHECK(pg.hourly_rows("s1", "2026-03-01 01:00:00+00") == 1);
  CHECK(pg.hourly_rows("s2", "2025-12-31 23:00:00+00") == 1);
  CHECK(pg.hourly_mismatches() == 0);
  // The ledger: one loaded row per file, with its id, version and counts.
  for (const Spec* file : {&a, &b}) {
    CAPTURE(file->ref.uri);
    CHECK(pg.ledger_rows(file->ref.uri, "loaded") == 1);
    const auto row = pg.ledger_row(file->ref.uri, "loaded");
    REQUIRE(row.has_value());
    CHECK(row->file_id == file->file_id);
    CHECK(row->size == static_cast<std::int64_t>(file->ref.size));
    CHECK(row->etag == file->ref.version());
    CHECK(row->rows_loaded == 3);
    CHECK(row->rows_rejected == 1);
  }
  CHECK(pg.count("SELECT count(*) FROM " + pg.table("files")) == 2);
  // What the planner will be told of them next time.
  const auto current = pg.target->ledger().current({a.ref, b.ref});
  REQUIRE(current.size() == 2);
  REQUIRE(current[0].has_value());
  CHECK(current[0]->state == sluice::LedgerState::loaded);
  CHECK(current[0]->file_id == a.file_id);
  CHECK(a.ref.same_version(current[0]->size, current[0]->version));
}

TEST_CASE("pg unit loader: committing the same file version again is skipped, no row doubled") {
  PgFixture pg;
  const Spec a = pg.parsed(local(kUriA, kA), kA);
  const Spec b = pg.parsed(local(kUriB, kB), kB);
  pg.commit({a, b});
  const std::int64_t hourly_sum = pg.count("SELECT sum(rows) FROM " + pg.table("sensor_hourly"));

  // Another run lists the same version, gets a new id and commits it (as when two processes race).
  const Spec again = pg.parsed(local(kUriA, kA), kA);
  REQUIRE(again.file_id != a.file_id);
  const std::vector<sluice::FileOutcome> outcomes = pg.commit({again});

  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].status == FileStatus::skipped);
  CHECK_FALSE(outcomes[0].replaced);
  CHECK(pg.readings() == 6);
  CHECK(pg.readings_of(again.file_id) == 0);
  CHECK(pg.rejects() == 2);
  CHECK(pg.count("SELECT sum(rows) FROM " + pg.table("sensor_hourly")) == hourly_sum);
  CHECK(pg.hourly_mismatches() == 0);
  CHECK(pg.ledger_rows(kUriA, "loaded") == 1);
  CHECK(pg.ledger_row(kUriA, "loaded")->file_id == a.file_id);  // the first load's row stays
  CHECK(pg.count("SELECT count(*) FROM " + pg.table("files")) == 2);

  // A unit mixing the known version with a new file: only the new one loads.
  const std::string c_text = kA3;
  const Spec again_b = pg.parsed(local(kUriB, kB), kB);
  const Spec c = pg.parsed(local("/data/pgunit/c.csv", c_text), c_text);
  const std::vector<sluice::FileOutcome> mixed = pg.commit({again_b, c});
  CHECK(mixed[0].status == FileStatus::skipped);
  CHECK(mixed[1].status == FileStatus::loaded);
  CHECK(pg.readings() == 6 + 2);
  CHECK(pg.hourly_mismatches() == 0);
}

TEST_CASE("pg unit loader: a changed version replaces the rows, rejects and aggregates of the earlier one") {
  PgFixture pg;
  const Spec a = pg.parsed(local(kUriA, kA), kA);
  const Spec b = pg.parsed(local(kUriB, kB), kB);
  pg.commit({a, b});

  SUBCASE("another modification time, same size") {
    REQUIRE(kA2.size() == kA.size());
    const Spec a2 = pg.parsed(local(kUriA, kA2, kMtime + 1'000'000'000), kA2);
    const std::vector<sluice::FileOutcome> outcomes = pg.commit({a2});
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].status == FileStatus::loaded);
    CHECK(outcomes[0].replaced);
    CHECK(pg.readings_of(a.file_id) == 0);
    CHECK(pg.rejects_of(a.file_id) == 0);
    CHECK(pg.readings_of(a2.file_id) == a2.rows_loaded());
    CHECK(pg.rejects_of(a2.file_id) == 1);
    CHECK(pg.readings() == a2.rows_loaded() + b.rows_loaded());
    CHECK(pg.rejects() == 2);
    CHECK(pg.hourly_mismatches() == 0);
    CHECK(pg.hourly_rows("s1", "2026-03-01 00:00:00+00") == 3);  // b's row in the hour kept
    CHECK(pg.ledger_rows(kUriA, "loaded") == 1);
    CHECK(pg.ledger_row(kUriA, "loaded")->file_id == a2.file_id);
    CHECK(pg.ledger_row(kUriA, "loaded")->etag == a2.ref.version());
  }

  SUBCASE("another size, same modification time") {
    const Spec a3 = pg.parsed(local(kUriA, kA3), kA3);
    REQUIRE(a3.ref.size != a.ref.size);
    const std::vector<sluice::FileOutcome> outcomes = pg.commit({a3});
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].status == FileStatus::loaded);
    CHECK(outcomes[0].replaced);
    CHECK(pg.readings_of(a.file_id) == 0);
    CHECK(pg.readings_of(a3.file_id) == 2);
    CHECK(pg.readings() == 2 + b.rows_loaded());
    CHECK(pg.rejects() == 1);  // a's reject is gone, a3 has none
    CHECK(pg.hourly_mismatches() == 0);
    CHECK(pg.hourly_rows("s1", "2026-03-01 01:00:00+00") == 0);  // only a had rows there
    CHECK(pg.hourly_rows("s1", "2026-03-01 02:00:00+00") == 1);
    CHECK(pg.hourly_rows("s1", "2026-03-01 00:00:00+00") == 2);  // a3's one and b's one
    CHECK(pg.ledger_row(kUriA, "loaded")->size == static_cast<std::int64_t>(kA3.size()));
    CHECK(pg.ledger_row(kUriA, "loaded")->rows_rejected == 0);
  }

  SUBCASE("two changes in a row") {
    const Spec a2 = pg.parsed(local(kUriA, kA2, kMtime + 1), kA2);
    pg.commit({a2});
    const Spec a3 = pg.parsed(local(kUriA, kA3, kMtime + 2), kA3);
    pg.commit({a3});
    CHECK(pg.readings() == 2 + b.rows_loaded());
    CHECK(pg.readings_of(a2.file_id) == 0);
    CHECK(pg.hourly_mismatches() == 0);
    CHECK(pg.ledger_rows(kUriA, "loaded") == 1);
  }
  CHECK(pg.ledger_rows(kUriB, "loaded") == 1);
  CHECK(pg.readings_of(b.file_id) == 3);
}

TEST_CASE("pg unit loader: a failed file records a failed ledger row and no rows") {
  PgFixture pg;
  const std::string wrong = "time,device,temp\n2026-03-01T00:00:00Z,s1,20\n";
  const Spec bad = pg.failed(local("/data/pgunit/wrong.csv", wrong), wrong);
  REQUIRE(bad.failed());
  const Spec b = pg.parsed(local(kUriB, kB), kB);

  const std::vector<sluice::FileOutcome> outcomes = pg.commit({bad, b});  // one unit: b still loads

  REQUIRE(outcomes.size() == 2);
  CHECK(outcomes[0].status == FileStatus::failed);
  CHECK(outcomes[1].status == FileStatus::loaded);
  CHECK(pg.readings_of(bad.file_id) == 0);
  CHECK(pg.rejects_of(bad.file_id) == 0);
  CHECK(pg.readings() == 3);
  CHECK(pg.hourly_mismatches() == 0);
  CHECK(pg.ledger_rows(bad.ref.uri, "failed") == 1);
  CHECK(pg.ledger_rows(bad.ref.uri, "loaded") == 0);
  const auto row = pg.ledger_row(bad.ref.uri, "failed");
  REQUIRE(row.has_value());
  CHECK(row->error == bad.failure);
  CHECK(row->rows_loaded == 0);
  CHECK(row->rows_rejected == 0);
  const auto current = pg.target->ledger().current({bad.ref});
  REQUIRE(current[0].has_value());
  CHECK(current[0]->state == sluice::LedgerState::failed);
  CHECK(current[0]->error == bad.failure);

  // An unloadable entry (an unusable Kafka message) fails the same way under its own uri.
  Spec poison{
      FileRef::unloadable("kafka://sensor-events/0/17", "not an S3 event notification"), pg.new_id(), "", {}, 0, 0};
  poison.failure = poison.ref.failure;
  CHECK(pg.commit({poison})[0].status == FileStatus::failed);
  CHECK(pg.ledger_rows(poison.ref.uri, "failed") == 1);
  CHECK(pg.readings() == 3);

  // A fixed version of the failed file (another size) loads its rows.
  const Spec fixed = pg.parsed(local(bad.ref.uri, kA), kA);
  CHECK(pg.commit({fixed})[0].status == FileStatus::loaded);
  CHECK(pg.readings_of(fixed.file_id) == 3);
  CHECK(pg.ledger_rows(bad.ref.uri, "loaded") == 1);
  CHECK(pg.hourly_mismatches() == 0);
}

// CURRENT BEHAVIOUR, under concurrent change (how failed files are retried): the same failed version committed
// again is tried again and fails again, in place: still one failed row for the uri, no rows. Adjust when the
// retry rules (lib/pipeline/ledger_rules.hpp: failed -> given_up after --max-attempts) settle.
TEST_CASE("pg unit loader: the same failed version committed again stays one failed row without rows") {
  PgFixture pg;
  const std::string wrong = "time,device,temp\n2026-03-01T00:00:00Z,s1,20\n";
  const Spec first = pg.failed(local("/data/pgunit/wrong.csv", wrong), wrong);
  pg.commit({first});
  const Spec second = pg.failed(local("/data/pgunit/wrong.csv", wrong), wrong);
  const std::vector<sluice::FileOutcome> outcomes = pg.commit({second});
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].status == FileStatus::failed);
  CHECK(pg.ledger_rows(first.ref.uri, "failed") == 1);
  CHECK(pg.readings() == 0);
  CHECK(pg.rejects() == 0);
}
