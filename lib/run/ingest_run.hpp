#pragma once
// `sluice ingest`: list the sources, plan the files the ledger does not hold, run the pipeline; once, or pass
// after pass with --watch.
#include "core/fail_points.hpp"
#include "run/run_options.hpp"
#include "run/run_session.hpp"

namespace sluice {

/// The ledger's rules for these options (--force, --max-attempts, a queue folder with --on-success move|delete).
LedgerRules ingest_ledger_rules(const IngestOptions& options);

/// One ingest run inside a session: lists, plans and loads. Throws UsageError/FatalError (the session reports).
void ingest_into(const IngestOptions& options, RunContext& context);

/// A whole `ingest` run: checks the options, opens the session, loads, reports. Returns the exit code.
int run_ingest(const IngestOptions& options, const FailPoints& fail_points);

}  // namespace sluice
