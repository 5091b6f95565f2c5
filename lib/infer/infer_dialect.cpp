#include "infer/infer_dialect.hpp"

#include <algorithm>
#include <array>
#include <map>

#include "parse/csv_cursor.hpp"
#include "value/number.hpp"

namespace sluice {
namespace {

constexpr std::array kDelimiters{',', ';', '\t', '|'};
constexpr std::size_t kSniffRecords = 200;
constexpr std::size_t kSniffBytes = 256 * 1024;

struct DelimiterScore {
  double consistency = 0;  // share of records with the most common field count
  std::size_t fields = 0;  // that field count
};

DelimiterScore score_delimiter(std::string_view head, char delimiter, char quote) {
  std::map<std::size_t, std::size_t> counts;  // field count -> records
  std::size_t records = 0;
  CsvCursor cursor(head, Dialect(delimiter, quote));
  CsvRecord record;
  while (records < kSniffRecords && cursor.next(record)) {
    ++counts[record.fields.size()];
    ++records;
    record.fields.clear();
  }
  DelimiterScore score;
  for (const auto& [fields, count] : counts) {
    const double share = static_cast<double>(count) / static_cast<double>(records);
    if (share > score.consistency || (share == score.consistency && fields > score.fields)) score = {share, fields};
  }
  return score;
}

// A field starts with `quote` right after the start of a line or a delimiter.
std::size_t quoted_fields(std::string_view head, char quote) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < head.size(); ++i) {
    if (head[i] != quote) continue;
    const char before = i == 0 ? '\n' : head[i - 1];
    if (before == '\n' || before == '\r' ||
        std::find(kDelimiters.begin(), kDelimiters.end(), before) != kDelimiters.end())
      ++count;
  }
  return count;
}

// A number written with a decimal comma ("-2,6", ",5") or a decimal point ("2.6").
bool decimal_with(std::string_view text, char separator) {
  text = trim_blanks(text);
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  const std::size_t at = text.find(separator);
  if (at == std::string_view::npos || at + 1 == text.size()) return false;
  auto digits = [](std::string_view part) {
    return std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  return digits(text.substr(0, at)) && digits(text.substr(at + 1));
}

}  // namespace

Dialect sniff_dialect(std::string_view sample) {
  std::string_view head = sample.substr(0, kSniffBytes);
  if (head.size() < sample.size()) {  // whole lines only
    const std::size_t last_line_end = head.find_last_of('\n');
    if (last_line_end != std::string_view::npos) head = head.substr(0, last_line_end + 1);
  }
  const char quote = quoted_fields(head, '\'') > 0 && quoted_fields(head, '"') == 0 ? '\'' : '"';
  Dialect best(',', quote);
  DelimiterScore best_score;
  for (char delimiter : kDelimiters) {
    const DelimiterScore score = score_delimiter(head, delimiter, quote);
    if (score.fields < 2) continue;
    if (score.consistency > best_score.consistency ||
        (score.consistency == best_score.consistency && score.fields > best_score.fields)) {
      best_score = score;
      best.delimiter = delimiter;
    }
  }
  return best;
}

std::vector<SampleRecord> read_records(std::string_view sample, const Dialect& dialect, std::size_t max_records) {
  std::vector<SampleRecord> records;
  CsvCursor cursor(sample, dialect);
  CsvRecord record;
  while (records.size() < max_records && cursor.next(record)) {
    records.emplace_back(record.fields.begin(), record.fields.end());
    record.fields.clear();
  }
  return records;
}

bool sniff_decimal_comma(const std::vector<SampleRecord>& records, char delimiter) {
  if (delimiter == ',') return false;
  std::size_t commas = 0, points = 0;
  for (const SampleRecord& record : records)
    for (const std::string& field : record) {
      commas += decimal_with(field, ',') ? 1 : 0;
      points += decimal_with(field, '.') ? 1 : 0;
    }
  return commas > points;
}

}  // namespace sluice
