#pragma once
// One PostgreSQL connection: libpqxx for statements and transactions, raw libpq for binary COPY.
#include <pqxx/pqxx>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/logger.hpp"
#include "core/retry.hpp"

namespace sluice {

/// A server error met outside libpqxx (during COPY), with its SQLSTATE.
struct PgError : std::runtime_error {
  PgError(const std::string& message, std::string sqlstate)
      : std::runtime_error(message), sqlstate(std::move(sqlstate)) {}
  std::string sqlstate;
};

/// True for errors worth retrying the load unit on: lost connections, server shutdown or start-up,
/// serialization failures, deadlocks, too many connections, a commit in doubt.
bool is_transient_db_error(const std::exception& error);

/// What to do about a connection error that retrying cannot fix (no such database or user, a wrong password,
/// no pg_hba.conf entry); empty for errors worth retrying.
std::string permanent_connection_hint(std::string_view message);

/// For an error PostgreSQL raised because of a file's data — a numeric overflow, invalid encoding, a DBA's
/// check constraint or trigger, a missing partition, a row too large — "SQLSTATE 22003: ..."; empty for any
/// other error (those are retried or end the run).
std::string data_error_reason(const std::exception& error);

class PgSession {
 public:
  /// Connects and sets the session's time zone and encodings; throws FatalError for an error retrying cannot fix
  /// (permanent_connection_hint), else pqxx::broken_connection, with the password removed from the message.
  explicit PgSession(const std::string& dsn);

  pqxx::connection& connection() { return *connection_; }

  /// Runs `COPY ... FROM STDIN (FORMAT binary)` inside `txn`, sending the header, each part, the trailer.
  /// Returns the number of rows the server reports.
  std::int64_t copy_binary(pqxx::work& txn, const std::string& copy_sql, const std::vector<std::string_view>& parts);

  /// Runs `COPY ... TO STDOUT` inside `txn` and returns everything it sent (binary: header, rows, trailer).
  std::string copy_out(pqxx::work& txn, const std::string& copy_sql);

 private:
  std::unique_ptr<pqxx::connection> connection_;
};

/// A `COPY ... FROM STDIN (FORMAT binary)` sent in parts as they are made (a file too large to hold whole).
/// Destroyed unfinished, it ends the COPY with an error: the transaction is then aborted.
class CopyIn {
 public:
  /// Starts the COPY inside `txn` and sends the binary header.
  CopyIn(pqxx::work& txn, const std::string& copy_sql);
  ~CopyIn();
  CopyIn(const CopyIn&) = delete;
  CopyIn& operator=(const CopyIn&) = delete;

  /// Sends whole binary COPY rows.
  void send(std::string_view rows);
  /// Sends the trailer and ends the COPY; returns the number of rows the server reports, or throws its error.
  std::int64_t finish();

 private:
  struct pg_conn* raw_;
  bool open_ = true;
};

/// Connects with retries; a database that stays unreachable is a FatalError (exit 3).
std::unique_ptr<PgSession> connect_with_retries(const std::string& dsn, const RetryPolicy& retry, Logger& logger);

}  // namespace sluice
