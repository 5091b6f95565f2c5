#include "load/pg_session.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <pqxx/largeobject>

#include "core/errors.hpp"
#include "core/redact.hpp"
#include "encode/copy_buffer.hpp"

namespace sluice {
namespace {

// libpqxx 6 keeps the PGconn* private; largeobject exposes it to subclasses, which is the only supported way to reach
// it for PQputCopyData.
struct RawConnection : pqxx::largeobject {
  static PGconn* of(const pqxx::dbtransaction& txn) { return pqxx::largeobject::raw_connection(txn); }
};

[[noreturn]] void throw_result_error(PGconn* raw, PGresult* result, std::string_view what) {
  std::string sqlstate;
  if (const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr) sqlstate = state;
  if (PQstatus(raw) == CONNECTION_BAD && sqlstate.empty()) sqlstate = "08006";
  std::string message = result ? PQresultErrorMessage(result) : PQerrorMessage(raw);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (result) PQclear(result);
  throw PgError(fmt::format("{}: {}", what, message), sqlstate);
}

}  // namespace

bool is_transient_db_error(const std::exception& error) {
  if (dynamic_cast<const pqxx::broken_connection*>(&error) || dynamic_cast<const pqxx::in_doubt_error*>(&error))
    return true;
  std::string sqlstate;
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&error)) sqlstate = sql->sqlstate();
  if (const auto* pg = dynamic_cast<const PgError*>(&error)) sqlstate = pg->sqlstate;
  if (sqlstate.empty()) {
    // libpqxx reports a connection that died mid-statement as a plain sql_error without SQLSTATE.
    const std::string_view message = error.what();
    return message.find("server closed the connection") != std::string_view::npos ||
           message.find("terminating connection") != std::string_view::npos ||
           message.find("no connection to the server") != std::string_view::npos ||
           message.find("Lost connection") != std::string_view::npos;
  }
  return sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03" ||
         sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "53300" || sqlstate == "55P03";
}

std::string permanent_connection_hint(std::string_view message) {
  if (message.find("password authentication failed") != std::string_view::npos)
    return "the password is wrong: check --db, PGPASSWORD or ~/.pgpass";
  if (message.find("no pg_hba.conf entry") != std::string_view::npos)
    return "the server's pg_hba.conf admits no such host, user and database: ask its administrator";
  if (message.find("role \"") != std::string_view::npos && message.find("does not exist") != std::string_view::npos)
    return "no such user: check the user in --db or PGUSER";
  if (message.find("database \"") != std::string_view::npos && message.find("does not exist") != std::string_view::npos)
    return "no such database: create it, or name another in --db or PGDATABASE";
  if (message.find("authentication failed") != std::string_view::npos)
    return "authentication failed: check the credentials in --db";
  return "";
}

std::string data_error_reason(const std::exception& error) {
  std::string sqlstate;
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&error)) sqlstate = sql->sqlstate();
  if (const auto* pg = dynamic_cast<const PgError*>(&error)) sqlstate = pg->sqlstate;
  // Class 22 (data exception), 23 (integrity: a check constraint, no partition for a row) but not 23505 (a
  // duplicate key means sluice's own bookkeeping went wrong, which must not be blamed on a file), P0001 (a
  // trigger's RAISE), 54000 (a value too large).
  const bool data = sqlstate.starts_with("22") || (sqlstate.starts_with("23") && sqlstate != "23505") ||
                    sqlstate == "P0001" || sqlstate == "54000";
  if (!data) return "";
  std::string message = error.what();
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (const auto newline = message.find('\n'); newline != std::string::npos) message.resize(newline);
  return fmt::format("PostgreSQL refused the file's data: SQLSTATE {}: {}", sqlstate, message);
}

PgSession::PgSession(const std::string& dsn) {
  try {
    connection_ = std::make_unique<pqxx::connection>(dsn);
  } catch (const pqxx::broken_connection& error) {
    std::string message = redact_dsn(error.what());
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    // Retrying cannot fix these: the run ends at once (exit 3) with what to do.
    if (const std::string hint = permanent_connection_hint(message); !hint.empty())
      throw FatalError(fmt::format("cannot connect to PostgreSQL: {} ({})", message, hint));
    throw pqxx::broken_connection(message);
  }
  // Hours are UTC hours whatever the server's TimeZone: the client floors timestamps the same way. Text is sent
  // as the UTF-8 it was validated as: the server converts it to its own encoding, or refuses a character that
  // encoding cannot hold (a data error of that file), instead of storing each byte as a character.
  pqxx::nontransaction setup(*connection_);
  setup.exec("SET TimeZone = 'UTC'; SET client_min_messages = warning; SET client_encoding = 'UTF8'");
}

std::unique_ptr<PgSession> connect_with_retries(const std::string& dsn, const RetryPolicy& retry, Logger& logger) {
  return with_retries(retry, "connecting to PostgreSQL", logger, is_transient_db_error,
                      [&] { return std::make_unique<PgSession>(dsn); });
}

CopyIn::CopyIn(pqxx::work& txn, const std::string& copy_sql) : raw_(RawConnection::of(txn)) {
  PGresult* result = PQexec(raw_, copy_sql.c_str());
  if (PQresultStatus(result) != PGRES_COPY_IN) {
    open_ = false;
    throw_result_error(raw_, result, "COPY did not start");
  }
  PQclear(result);
  send(CopyBuffer::header());
}

CopyIn::~CopyIn() {
  if (!open_) return;
  // Abandoned midway (the file failed, or an exception is on its way out): the server drops what it got.
  if (PQputCopyEnd(raw_, "abandoned by sluice") == 1)
    while (PGresult* result = PQgetResult(raw_)) PQclear(result);
}

void CopyIn::send(std::string_view rows) {
  constexpr std::size_t kChunk = 1 << 20;
  for (std::size_t offset = 0; offset < rows.size(); offset += kChunk) {
    const std::size_t length = std::min(kChunk, rows.size() - offset);
    if (PQputCopyData(raw_, rows.data() + offset, static_cast<int>(length)) != 1) {
      // The server may have ended the COPY with an error of its own (a row it refused): report that one.
      // (A connection still in the COPY state would hand out COPY results forever: one look only.)
      open_ = false;
      PGresult* result = PQgetResult(raw_);
      if (result && PQresultStatus(result) != PGRES_FATAL_ERROR) {
        PQclear(result);
        result = nullptr;
      }
      if (result)
        while (PGresult* extra = PQgetResult(raw_)) PQclear(extra);
      throw_result_error(raw_, result, result ? "COPY failed" : "COPY data not sent");
    }
  }
}

std::int64_t CopyIn::finish() {
  send(CopyBuffer::trailer());
  open_ = false;
  if (PQputCopyEnd(raw_, nullptr) != 1) throw_result_error(raw_, nullptr, "COPY end not sent");
  PGresult* result = PQgetResult(raw_);
  if (PQresultStatus(result) != PGRES_COMMAND_OK) {
    while (PGresult* extra = PQgetResult(raw_)) PQclear(extra);
    throw_result_error(raw_, result, "COPY failed");
  }
  const char* tuples = PQcmdTuples(result);
  const std::int64_t rows = tuples && *tuples ? std::stoll(tuples) : 0;
  PQclear(result);
  while (PGresult* extra = PQgetResult(raw_)) PQclear(extra);
  return rows;
}

std::int64_t PgSession::copy_binary(pqxx::work& txn, const std::string& copy_sql,
                                    const std::vector<std::string_view>& parts) {
  CopyIn copy(txn, copy_sql);
  for (std::string_view part : parts) copy.send(part);
  return copy.finish();
}

std::string PgSession::copy_out(pqxx::work& txn, const std::string& copy_sql) {
  PGconn* raw = RawConnection::of(txn);
  PGresult* result = PQexec(raw, copy_sql.c_str());
  if (PQresultStatus(result) != PGRES_COPY_OUT) throw_result_error(raw, result, "COPY did not start");
  PQclear(result);
  std::string out;
  char* buffer = nullptr;
  int length = 0;
  while ((length = PQgetCopyData(raw, &buffer, 0)) > 0) {
    out.append(buffer, static_cast<std::size_t>(length));
    PQfreemem(buffer);
  }
  if (length == -2) throw_result_error(raw, nullptr, "COPY data not received");
  result = PQgetResult(raw);
  if (PQresultStatus(result) != PGRES_COMMAND_OK) {
    while (PGresult* extra = PQgetResult(raw)) PQclear(extra);
    throw_result_error(raw, result, "COPY failed");
  }
  PQclear(result);
  while (PGresult* extra = PQgetResult(raw)) PQclear(extra);
  return out;
}

}  // namespace sluice
