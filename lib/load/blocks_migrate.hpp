#pragma once
// `sluice schema migrate` with "layout": "blocks" on a schema that stores rows: every reading moves into blocks
// (encoded by the same builder as a load), in one transaction.
#include <cstdint>

#include "config/config.hpp"
#include "load/pg_session.hpp"

namespace sluice {

struct BlocksMigration {
  bool moved = false;         ///< false: the schema already stored blocks
  std::int64_t readings = 0;  ///< readings moved
  double seconds = 0;
};

/// Moves the readings of the config's schema (at the current version) from the rows table into blocks and
/// records the layout. Throws UsageError when the tables do not match the config.
BlocksMigration migrate_rows_to_blocks(PgSession& session, const Config& config);

}  // namespace sluice
