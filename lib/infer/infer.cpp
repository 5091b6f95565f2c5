#include "infer/infer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_set>

#include "core/errors.hpp"
#include "infer/infer_column.hpp"
#include "infer/infer_dialect.hpp"
#include "infer/infer_roles.hpp"
#include "value/number.hpp"

namespace sluice {
namespace {

// The sample's records, split: the header (if any) and the data rows of the expected width.
struct Sample {
  Dialect dialect;
  std::vector<std::string> names;
  std::vector<SampleRecord> rows;
};

std::size_t modal_width(const std::vector<SampleRecord>& records) {
  std::map<std::size_t, std::size_t> counts;
  for (const SampleRecord& record : records) ++counts[record.size()];
  std::size_t width = 0, most = 0;
  for (const auto& [fields, count] : counts)
    if (count > most) std::tie(width, most) = std::tie(fields, count);
  return width;
}

std::vector<std::string_view> column_values(const std::vector<SampleRecord>& rows, std::size_t column) {
  std::vector<std::string_view> values;
  values.reserve(rows.size());
  for (const SampleRecord& row : rows) values.emplace_back(row[column]);
  return values;
}

// A first line is a header unless every field of it fits its column and some column is not text.
bool looks_like_header(const SampleRecord& first, const std::vector<SampleRecord>& rest, bool decimal_comma) {
  if (rest.empty()) return true;
  bool typed = false;
  for (std::size_t column = 0; column < first.size(); ++column) {
    const ColumnProfile profile = profile_column(column_values(rest, column), decimal_comma);
    if (profile.kind == ValueKind::text || profile.kind == ValueKind::empty) continue;
    typed = true;
    if (!fits_profile(profile, first[column], decimal_comma)) return true;
  }
  return !typed;
}

Sample read_sample(const std::vector<std::string_view>& texts, const InferOptions& options) {
  Sample sample;
  sample.dialect = sniff_dialect(texts.front());
  std::vector<std::vector<SampleRecord>> files;
  std::vector<SampleRecord> all;
  for (std::string_view text : texts) {
    files.push_back(read_records(text, sample.dialect, options.max_rows + 1));
    all.insert(all.end(), files.back().begin(), files.back().end());
  }
  if (files.front().empty()) throw UsageError("infer: the first sample has no lines");
  sample.dialect.decimal_comma = sniff_decimal_comma(all, sample.dialect.delimiter);
  const std::size_t width = files.front().size() > 1 ? modal_width({files.front().begin() + 1, files.front().end()})
                                                     : files.front().front().size();
  const SampleRecord& first = files.front().front();
  std::vector<SampleRecord> rest;
  for (std::size_t i = 1; i < files.front().size(); ++i)
    if (files.front()[i].size() == width) rest.push_back(files.front()[i]);
  sample.dialect.header = first.size() != width || looks_like_header(first, rest, sample.dialect.decimal_comma);
  for (std::size_t i = 0; i < first.size(); ++i)
    sample.names.push_back(sample.dialect.header ? std::string(trim_blanks(first[i]))
                                                 : fmt::format("column_{}", i + 1));
  if (!sample.dialect.header) sample.dialect.field_names = sample.names;
  for (const std::vector<SampleRecord>& file : files) {
    const std::size_t skip = sample.dialect.header ? 1 : 0;
    for (std::size_t i = skip; i < file.size() && i < options.max_rows + skip; ++i)
      if (file[i].size() == sample.names.size()) sample.rows.push_back(file[i]);
  }
  return sample;
}

bool is_default_format(const std::vector<std::string>& names) {
  const std::multiset<std::string> expected{"ts", "sensor_id", "temperature", "humidity", "pressure", "battery"};
  return std::multiset<std::string>(names.begin(), names.end()) == expected;
}

std::vector<SampledColumn> profile_columns(const Sample& sample) {
  std::vector<SampledColumn> columns;
  for (std::size_t i = 0; i < sample.names.size(); ++i) {
    const std::vector<std::string_view> values = column_values(sample.rows, i);
    SampledColumn column{sample.names[i], profile_column(values, sample.dialect.decimal_comma), 0};
    std::unordered_set<std::string_view> distinct;
    for (std::string_view value : values)
      if (!trim_blanks(value).empty()) distinct.insert(trim_blanks(value));
    column.distinct = distinct.size();
    columns.push_back(std::move(column));
  }
  return columns;
}

// The range of a numeric column: the suggested one, or 0..100 for a percentage whose values fit.
void set_range(const SampledColumn& sampled, ColumnSpec& spec) {
  const ColumnProfile& profile = sampled.profile;
  spec.min = profile.range.min;
  spec.max = profile.range.max;
  if (spec.min && percent_like_name(sampled.name) && profile.lowest >= 0 && profile.highest <= 100) {
    spec.min = 0;
    spec.max = 100;
  }
}

ColumnSpec column_spec(const SampledColumn& sampled) {
  const ColumnProfile& profile = sampled.profile;
  ColumnSpec spec;
  spec.name = sampled.name;
  spec.required = profile.values > 0 && profile.nulls == 0;
  spec.nulls = profile.null_tokens;
  switch (profile.kind) {
    case ValueKind::boolean: spec.type = ColumnType::boolean; break;
    case ValueKind::integer:
    case ValueKind::real:
      if (phone_like_name(sampled.name)) {  // digits, not a quantity: no range, no aggregate
        spec.type = ColumnType::text;
        break;
      }
      spec.type = profile.kind == ValueKind::integer ? ColumnType::int8 : ColumnType::float8;
      set_range(sampled, spec);
      break;
    case ValueKind::datetime:
    case ValueKind::date:
      spec.type = ColumnType::timestamp;
      spec.timestamp_format = profile.timestamp->format;
      spec.timestamp_pattern = profile.timestamp->pattern;
      if (!profile.timestamp->zoned) spec.zone_offset_seconds = 0;
      break;
    default: spec.type = ColumnType::text; break;
  }
  return spec;
}

std::string examples(const std::vector<double>& values) {
  std::string out;
  for (double value : values) out += fmt::format("{}{}", out.empty() ? "" : ", ", value);
  return out;
}

// What the user should know about a numeric column's nulls and range.
void add_number_notes(const SampledColumn& sampled, const ColumnSpec& spec, std::vector<std::string>& notes) {
  const ColumnProfile& profile = sampled.profile;
  if (profile.kind != ValueKind::integer && profile.kind != ValueKind::real) return;
  if (profile.epoch && !epoch_plausible(sampled))
    notes.push_back(fmt::format(
        "\"{}\": numbers in the epoch range, but not time ({}): not a timestamp", spec.name,
        phone_like_name(spec.name) ? "named like a phone number or code" : "not in time order, no time-like name"));
  if (spec.type == ColumnType::text) {
    notes.push_back(fmt::format("\"{}\": numbers named like a phone number or code: text, not a measure", spec.name));
    return;
  }
  for (const Sentinel& sentinel : profile.sentinels)
    notes.push_back(fmt::format("\"{}\": {} taken as no reading (NULL), {} of {} values: {}", spec.name, sentinel.value,
                                sentinel.count, profile.values, sentinel.reason));
  if (!spec.min) return;
  notes.push_back(fmt::format("\"{}\": range {}..{} holds every sampled value ({}..{}){}", spec.name, *spec.min,
                              *spec.max, profile.lowest, profile.highest,
                              *spec.max == 100 && percent_like_name(spec.name) ? ", a percentage" : ""));
  const Outliers& outliers = profile.outliers;
  if (outliers.count > 0)
    notes.push_back(
        fmt::format("\"{}\": {} sampled {} beyond the usual {:.4g}..{:.4g} (e.g. {}): kept in the range, "
                    "check them (narrow min/max to reject such values)",
                    spec.name, outliers.count, outliers.count == 1 ? "value" : "values", outliers.fence_low,
                    outliers.fence_high, examples(outliers.examples)));
}

std::string unused_name(const std::vector<SampledColumn>& columns, std::initializer_list<const char*> names) {
  for (const char* name : names)
    if (std::none_of(columns.begin(), columns.end(), [&](const SampledColumn& c) { return c.name == name; }))
      return name;
  for (int n = 2;; ++n) {
    const std::string name = fmt::format("{}_{}", *names.begin(), n);
    if (std::none_of(columns.begin(), columns.end(), [&](const SampledColumn& c) { return c.name == name; }))
      return name;
  }
}

// The timestamp column's spec: one column (ISO, pattern, epoch) or assembled from a date and a time.
ColumnSpec timestamp_spec(const std::vector<SampledColumn>& columns, const TimestampSource& source,
                          std::vector<std::string>& notes) {
  ColumnSpec spec = column_spec(columns[source.column]);
  spec.type = ColumnType::timestamp;
  spec.required = true;
  spec.min.reset();
  spec.max.reset();
  spec.timestamp_format = source.format.format;
  spec.timestamp_pattern = source.format.pattern;
  if (source.time_column) {
    spec.name = unused_name(columns, {"ts", "timestamp"});
    spec.date_column = columns[source.column].name;
    spec.time_column = columns[*source.time_column].name;
    for (const std::string& token : columns[*source.time_column].profile.null_tokens)
      if (std::find(spec.nulls.begin(), spec.nulls.end(), token) == spec.nulls.end()) spec.nulls.push_back(token);
    notes.push_back(fmt::format("timestamp \"{}\": \"{}\" + \"{}\" read as \"{}\"", spec.name, spec.date_column,
                                spec.time_column, spec.timestamp_pattern));
  } else {
    notes.push_back(fmt::format("timestamp \"{}\": {}", spec.name,
                                spec.timestamp_format == TimestampFormat::pattern         ? spec.timestamp_pattern
                                : spec.timestamp_format == TimestampFormat::epoch_seconds ? "epoch seconds"
                                : spec.timestamp_format == TimestampFormat::epoch_millis  ? "epoch milliseconds"
                                                                                          : "ISO-8601"));
  }
  if (!source.format.zoned) {
    spec.zone_offset_seconds = 0;
    notes.push_back(fmt::format(
        "timestamp \"{}\" has no zone in the data: taken as UTC (edit \"zone\", e.g. \"+01:00\")", spec.name));
  }
  return spec;
}

// The config's columns in file order: the timestamp at its (date) column, fields without a name or
// without any value left out, the sensor column from the data or a constant added at the end.
void build_columns(const std::vector<SampledColumn>& columns, std::size_t rows, const InferOptions& options,
                   InferResult& result) {
  Config& config = result.config;
  const std::optional<TimestampSource> timestamp = find_timestamp(columns);
  if (!timestamp) {
    std::string kinds;
    for (const SampledColumn& column : columns) kinds += (kinds.empty() ? "" : ", ") + column.name;
    throw UsageError(
        fmt::format("infer: no timestamp column found among {} (expected ISO-8601, a date (and a time) "
                    "like 10/03/2004, or epoch seconds/milliseconds)",
                    kinds));
  }
  const std::optional<std::size_t> sensor = find_sensor(columns, timestamp->column, rows);
  std::set<std::string> seen;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const SampledColumn& column = columns[i];
    if (timestamp->time_column == i) continue;
    if (column.name.empty()) {
      if (column.profile.kind != ValueKind::empty)
        result.notes.push_back(fmt::format("field {} has values but no name in the header: left out", i + 1));
      continue;
    }
    if (!seen.insert(column.name).second) {
      result.notes.push_back(fmt::format("field {}: the header names \"{}\" twice: left out", i + 1, column.name));
      continue;
    }
    ColumnSpec spec = i == timestamp->column ? timestamp_spec(columns, *timestamp, result.notes) : column_spec(column);
    if (i == timestamp->column) config.timestamp_column = config.columns.size();
    if (sensor == i) {
      spec.type = ColumnType::text;
      spec.required = true;
      spec.min.reset();
      spec.max.reset();
      config.sensor_column = config.columns.size();
      result.notes.push_back(fmt::format("sensor id: \"{}\"", spec.name));
    }
    if (i != timestamp->column && sensor != i) add_number_notes(column, spec, result.notes);
    config.columns.push_back(std::move(spec));
  }
  if (!sensor) {
    ColumnSpec spec;
    spec.name = unused_name(columns, {"station", "sensor_id", "sensor"});
    spec.required = true;
    spec.default_value = options.sensor_default;
    config.sensor_column = config.columns.size();
    result.notes.push_back(fmt::format("no sensor id column: added \"{}\" with the default \"{}\" (edit \"default\")",
                                       spec.name, options.sensor_default));
    config.columns.push_back(std::move(spec));
  }
  for (std::size_t i = 0; i < config.columns.size(); ++i)
    if (i != config.timestamp_column &&
        (config.columns[i].type == ColumnType::float8 || config.columns[i].type == ColumnType::int8))
      config.measure_columns.push_back(i);
}

}  // namespace

InferResult infer(const std::vector<std::string_view>& samples, const InferOptions& options) {
  if (samples.empty() || std::all_of(samples.begin(), samples.end(), [](std::string_view s) { return s.empty(); }))
    throw UsageError("infer: nothing to read (empty sample)");
  const Sample sample = read_sample(samples, options);
  InferResult result;
  result.rows = sample.rows.size();
  result.notes.push_back(fmt::format(
      "{} rows sampled; delimiter '{}', decimal {}, {}", sample.rows.size(),
      sample.dialect.delimiter == '\t' ? std::string("\\t") : std::string(1, sample.dialect.delimiter),
      sample.dialect.decimal_comma ? "comma" : "point", sample.dialect.header ? "header line" : "no header line"));
  if (sample.dialect.header && is_default_format(sample.names)) {
    result.config = default_config();
    result.config.dialect = sample.dialect;
    result.notes.push_back("the default sensor format (ts,sensor_id,temperature,humidity,pressure,battery)");
    return result;
  }
  result.config.dialect = sample.dialect;
  result.config.columns.clear();
  result.config.measure_columns.clear();
  build_columns(profile_columns(sample), sample.rows.size(), options, result);
  return result;
}

Config infer_config(std::string_view sample, const InferOptions& options) {
  return infer(std::vector<std::string_view>{sample}, options).config;
}

}  // namespace sluice
