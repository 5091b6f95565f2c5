#include "parse/csv_cursor.hpp"

#include <algorithm>
#include <cstring>

namespace sluice {
namespace {

const char* find_char(const char* begin, const char* end, char c) {
  return static_cast<const char*>(std::memchr(begin, c, static_cast<std::size_t>(end - begin)));
}

}  // namespace

CsvCursor::CsvCursor(std::string_view data, Dialect dialect)
    : pos_(data.data()), end_(data.data() + data.size()), dialect_(dialect) {
  if (data.size() >= 3 && data.substr(0, 3) == "\xEF\xBB\xBF") pos_ += 3;
  // Old Mac files end lines with a lone CR: with no LF anywhere, CR is the line end.
  if (!find_char(pos_, end_, '\n') && find_char(pos_, end_, '\r')) line_end_ = '\r';
}

void CsvCursor::split_plain(const char* begin, const char* end, CsvRecord& record) const {
  const char* field = begin;
  while (const char* delimiter = find_char(field, end, dialect_.delimiter)) {
    record.fields.emplace_back(field, static_cast<std::size_t>(delimiter - field));
    field = delimiter + 1;
  }
  record.fields.emplace_back(field, static_cast<std::size_t>(end - field));
}

// The slow path, for records with a quote: a state machine that may run over line ends.
// Returns the position just past the record's line end.
const char* CsvCursor::split_quoted(const char* begin, CsvRecord& record) {
  struct Span {
    bool in_scratch;
    std::size_t offset, length;
  };
  std::vector<Span> spans;
  scratch_.clear();
  const char* p = begin;
  const char quote = dialect_.quote, delimiter = dialect_.delimiter;
  auto at_line_end = [&](const char* at) {
    return at == end_ || *at == line_end_ || (line_end_ == '\n' && *at == '\r' && at + 1 < end_ && at[1] == '\n') ||
           (line_end_ == '\n' && *at == '\r' && at + 1 == end_);
  };
  while (true) {
    if (p < end_ && *p == quote) {
      const std::size_t start = scratch_.size();
      ++p;
      while (true) {
        const char* close = find_char(p, end_, quote);
        if (!close) {  // unclosed: the rest of the data is this field
          line_ += std::count(p, end_, line_end_);
          scratch_.append(p, end_);
          p = end_;
          record.unclosed_quote = true;
          break;
        }
        line_ += std::count(p, close, line_end_);
        scratch_.append(p, close);
        if (close + 1 < end_ && close[1] == quote) {
          scratch_.push_back(quote);
          p = close + 2;
          continue;
        }
        p = close + 1;
        break;
      }
      // Text between the closing quote and the delimiter is kept as it is (lenient, like PostgreSQL's CSV).
      while (!at_line_end(p) && *p != delimiter) scratch_.push_back(*p++);
      spans.push_back({true, start, scratch_.size() - start});
    } else {
      const char* field = p;
      while (!at_line_end(p) && *p != delimiter) ++p;
      spans.push_back({false, static_cast<std::size_t>(field - begin), static_cast<std::size_t>(p - field)});
    }
    if (p < end_ && *p == delimiter) {
      ++p;
      continue;
    }
    break;
  }
  const char* record_end = p;
  if (p < end_) {
    p += (*p == '\r' && line_end_ == '\n') ? (p + 1 < end_ ? 2 : 1) : 1;
    ++line_;
  }
  record.raw = std::string_view(begin, static_cast<std::size_t>(record_end - begin));
  for (const Span& span : spans)
    record.fields.emplace_back(span.in_scratch ? std::string_view(scratch_).substr(span.offset, span.length)
                                               : std::string_view(begin + span.offset, span.length));
  return p;
}

bool CsvCursor::next(CsvRecord& record) {
  record.fields.clear();
  record.unclosed_quote = false;
  while (pos_ < end_) {
    const char* line_begin = pos_;
    const char* terminator = find_char(pos_, end_, line_end_);
    const char* line_end = terminator ? terminator : end_;
    const char* content_end = line_end;
    if (line_end_ == '\n' && content_end > line_begin && content_end[-1] == '\r') --content_end;
    if (content_end == line_begin) {  // blank line: skipped, not rejected
      pos_ = terminator ? terminator + 1 : end_;
      ++line_;
      continue;
    }
    record.line = line_;
    if (!find_char(line_begin, content_end, dialect_.quote)) {
      split_plain(line_begin, content_end, record);
      record.raw = std::string_view(line_begin, static_cast<std::size_t>(content_end - line_begin));
      pos_ = terminator ? terminator + 1 : end_;
      ++line_;
      return true;
    }
    pos_ = split_quoted(line_begin, record);
    return true;
  }
  return false;
}

}  // namespace sluice
