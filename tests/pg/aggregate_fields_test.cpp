// The binary `numeric` fields of the aggregate store (lib/parse/aggregate_fields.hpp), read back by a real
// PostgreSQL (label "pg"): a float sum must come back as the shortest decimal of the double (and cast back to
// the same double), an integer sum as its exact decimal, whatever its size and sign.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <pqxx/pqxx>

#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "encode/copy_buffer.hpp"
#include "load/block_schema.hpp"
#include "load/pg_session.hpp"
#include "parse/aggregate_fields.hpp"
#include "parse/block_format.hpp"

namespace {

// COPYs one numeric per row into a temp table and returns the values as PostgreSQL prints them.
std::vector<std::string> round_trip(const std::vector<std::string>& fields) {
  sluice::PgSession session("");
  pqxx::nontransaction(session.connection()).exec("CREATE TEMP TABLE numeric_check (n numeric, position int)");
  sluice::CopyBuffer rows;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    rows.begin_row(2);
    rows.add_text(fields[i]);
    rows.add_int4(static_cast<std::int32_t>(i));
  }
  pqxx::work txn(session.connection());
  session.copy_binary(txn, "COPY numeric_check FROM STDIN (FORMAT binary)", {rows.bytes()});
  std::vector<std::string> out;
  for (const auto& row : txn.exec("SELECT n::text FROM numeric_check ORDER BY position")) out.push_back(row[0].c_str());
  return out;
}

std::string shortest(double value) {
  char text[64];
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;
  return std::string(text, end);
}

}  // namespace

TEST_CASE("pg numeric field: doubles come back as their shortest decimal and cast back to the same double") {
  const std::vector<double> values = {0.0,
                                      -0.0,
                                      1.0,
                                      -1.0,
                                      0.1,
                                      0.1 + 0.2,
                                      20.5,
                                      1234.5678,
                                      -42.74,
                                      1e-5,
                                      123456789012345678.0,
                                      1e308,
                                      -1e308,
                                      5e-324,
                                      std::numeric_limits<double>::max(),
                                      2.2250738585072014e-308,
                                      100.0,
                                      1e22};
  std::vector<std::string> fields;
  for (double value : values) fields.push_back(sluice::numeric_from_double(value));
  const std::vector<std::string> back = round_trip(fields);
  REQUIRE(back.size() == values.size());
  pqxx::connection check("");
  pqxx::nontransaction txn(check);
  for (std::size_t i = 0; i < values.size(); ++i) {
    CAPTURE(values[i]);
    CAPTURE(back[i]);
    // Equal as numbers to the shortest form (PostgreSQL parses it exactly), and the same double when cast.
    CHECK(txn.exec_params1("SELECT $1::numeric = $2::numeric", back[i], shortest(values[i]))[0].as<bool>());
    CHECK(txn.exec_params1("SELECT $1::numeric::float8 = $2::float8", back[i], shortest(values[i]))[0].as<bool>());
  }
  CHECK(back[4] == "0.1");
  CHECK(back[5] == "0.30000000000000004");
  CHECK(back[6] == "20.5");
  CHECK(back[16] == "100");
}

TEST_CASE("pg numeric field: integer sums come back exactly, past 64 bits") {
  using sluice::IntegerSum;
  const IntegerSum big = static_cast<IntegerSum>(std::numeric_limits<std::int64_t>::max()) * 3 + 7;
  const std::vector<IntegerSum> values = {
      0, 1, -1, 9999, 10000, -10001, 9007199254740993, big, -big, std::numeric_limits<IntegerSum>::min()};
  std::vector<std::string> fields;
  for (IntegerSum value : values) fields.push_back(sluice::numeric_from_integer(value));
  const std::vector<std::string> back = round_trip(fields);
  REQUIRE(back.size() == values.size());
  CHECK(back[0] == "0");
  CHECK(back[1] == "1");
  CHECK(back[2] == "-1");
  CHECK(back[3] == "9999");
  CHECK(back[4] == "10000");
  CHECK(back[5] == "-10001");
  CHECK(back[6] == "9007199254740993");
  CHECK(back[7] == "27670116110564327428");
  CHECK(back[8] == "-27670116110564327428");
  CHECK(back[9] == "-170141183460469231731687303715884105728");
}

namespace {

// The packed form of a measure whose min, max and sum are all `value` (count 1), or "" when it has none.
std::string packed_of(double value) {
  sluice::MeasureAggregate measure;
  measure.add(value);
  std::string out(sluice::kPackedMeasureBytes, '\0');
  return sluice::pack_float_measure(measure, out.data()) ? out : std::string();
}

}  // namespace

TEST_CASE("pg packed aggregate: the view's expressions give back the bounds bit for bit and the sums' numerics") {
  // Packed: a few decimals, the end of the scales (10^-22) and of the 32-bit mantissas.
  const std::vector<double> packed = {0.0,        21.37, -19.59, 0.1,    1e-22,           2147483647.0, -2147483647.0,
                                      123.456789, 960.1, -0.001, 4.5e-7, 2.147483647e-13, 3.027};
  // Not packed: -0, a 17-digit bound, a scale past 22, mantissas of 2^31 and more, values no decimal holds.
  const std::vector<double> unpacked = {-0.0,          0.1 + 0.2, 1e-23,  2147483648.0,
                                        -2147483648.0, 1e22,      5e-324, std::numeric_limits<double>::infinity(),
                                        std::nan("")};
  for (double value : unpacked) {
    CAPTURE(value);
    CHECK(packed_of(value).empty());
  }
  sluice::PgSession session("");
  pqxx::nontransaction(session.connection()).exec("CREATE TEMP TABLE packed_check (p bytea, position int)");
  sluice::CopyBuffer rows;
  for (std::size_t i = 0; i < packed.size(); ++i) {
    const std::string bytes = packed_of(packed[i]);
    REQUIRE(bytes.size() == sluice::kPackedMeasureBytes);
    rows.begin_row(2);
    rows.add_text(bytes);
    rows.add_int4(static_cast<std::int32_t>(i));
  }
  // A measure without values: its three fields NULL.
  sluice::MeasureAggregate empty;
  std::string none(sluice::kPackedMeasureBytes, 'x');
  REQUIRE(sluice::pack_float_measure(empty, none.data()));
  rows.begin_row(2);
  rows.add_text(none);
  rows.add_int4(static_cast<std::int32_t>(packed.size()));
  pqxx::work txn(session.connection());
  session.copy_binary(txn, "COPY packed_check FROM STDIN (FORMAT binary)", {rows.bytes()});
  const pqxx::result back = txn.exec(fmt::format(
      "SELECT encode(float8send({0}), 'hex'), encode(float8send({1}), 'hex'), ({2})::text FROM packed_check "
      "ORDER BY position",
      sluice::packed_bound_sql("p", 0), sluice::packed_bound_sql("p", 5), sluice::packed_sum_sql("p", 10)));
  REQUIRE(back.size() == packed.size() + 1);
  std::vector<std::string> numerics;
  for (double value : packed) numerics.push_back(sluice::numeric_from_double(value));
  const std::vector<std::string> expected_sums = round_trip(numerics);
  for (std::size_t i = 0; i < packed.size(); ++i) {
    CAPTURE(packed[i]);
    const std::string bits =
        txn.exec_params1("SELECT encode(float8send($1::float8), 'hex')", shortest(packed[i]))[0].c_str();
    CHECK(back[i][0].c_str() == bits);
    CHECK(back[i][1].c_str() == bits);
    CHECK(back[i][2].c_str() == expected_sums[i]);  // the same digits and scale as file_hourly's numeric
  }
  CHECK(back[packed.size()][0].is_null());
  CHECK(back[packed.size()][1].is_null());
  CHECK(back[packed.size()][2].is_null());
  // Sums keep all 17 digits (a bound would not): 0.1 + 0.2 and a large sum.
  sluice::MeasureAggregate sums;
  sums.add(0.1);
  sums.add(0.2);
  sums.min = sums.max = 0.5;
  std::string bytes(sluice::kPackedMeasureBytes, '\0');
  REQUIRE(sluice::pack_float_measure(sums, bytes.data()));
  std::string hex;
  for (char c : bytes) hex += fmt::format("{:02x}", static_cast<unsigned char>(c));
  CHECK(txn.exec_params1(fmt::format("SELECT ({})::text", sluice::packed_sum_sql("decode($1, 'hex')", 10)), hex)[0]
            .c_str() == std::string("0.30000000000000004"));
}
