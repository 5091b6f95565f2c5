#pragma once
// `sluice infer`: a config guessed from sample files — dialect, header, column types, null sentinels,
// timestamp format, sensor column, suggested ranges — for the user to review and pass to --config.
// Pure: text in, Config out (no files, no database), so every rule is unit-tested on strings.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace sluice {

struct InferOptions {
  std::size_t max_rows = 10'000;  ///< data rows read from each sample
  std::string sensor_default =
      "sensor-1";  ///< the sensor id when no column holds one (`infer` uses the file name stem)
};

/// A guessed config and what the user should know about the guesses (one sentence each).
struct InferResult {
  Config config;
  std::size_t rows = 0;  ///< data rows sampled
  std::vector<std::string> notes;
};

/// Infers a config from the beginnings of one or more files of the same format. The first sample
/// decides the dialect and the header; rows of every sample are pooled. Throws UsageError when no
/// config can be made (an empty sample, no timestamp column).
InferResult infer(const std::vector<std::string_view>& samples, const InferOptions& options = {});

/// infer() of one sample, config only.
Config infer_config(std::string_view sample, const InferOptions& options = {});

}  // namespace sluice
