#include "parse/csv_cursor.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sluice {
namespace {

constexpr std::ptrdiff_t kBlock = 64;

const char* find_char(const char* begin, const char* end, char c) {
  return static_cast<const char*>(std::memchr(begin, c, static_cast<std::size_t>(end - begin)));
}

}  // namespace

CsvCursor::CsvCursor(std::string_view data, Dialect dialect, CsvPiece piece)
    : start_(data.data()),
      pos_(data.data()),
      end_(data.data() + data.size()),
      dialect_(dialect),
      last_(piece.last),
      line_end_(piece.line_end),
      line_(piece.first_line) {
  if (piece.file_start) {
    if (data.size() >= 3 && data.substr(0, 3) == "\xEF\xBB\xBF") pos_ += 3;
    // Old Mac files end lines with a lone CR: with no LF anywhere (in a file's first piece), CR is the line end.
    line_end_ = !find_char(pos_, end_, '\n') && find_char(pos_, end_, '\r') ? '\r' : '\n';
  }
  rescan_from(pos_);
}

// Bit i set: block[i] is a delimiter, quote, LF or CR. Past end_ the bits stay clear.
std::uint64_t CsvCursor::special_mask(const char* block) const {
  std::uint64_t mask = 0;
#if defined(__SSE2__)
  if (end_ - block >= kBlock) {
    const __m128i delimiter = _mm_set1_epi8(dialect_.delimiter), quote = _mm_set1_epi8(dialect_.quote);
    const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
    for (int i = 0; i < 4; ++i) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * i));
      const __m128i hits = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, delimiter), _mm_cmpeq_epi8(bytes, quote)),
                                        _mm_or_si128(_mm_cmpeq_epi8(bytes, lf), _mm_cmpeq_epi8(bytes, cr)));
      mask |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(hits))) << (16 * i);
    }
    return mask;
  }
#endif
  const std::ptrdiff_t length = std::min(kBlock, end_ - block);
  for (std::ptrdiff_t i = 0; i < length; ++i) {
    const char c = block[i];
    if (c == dialect_.delimiter || c == dialect_.quote || c == '\n' || c == '\r') mask |= std::uint64_t{1} << i;
  }
  return mask;
}

void CsvCursor::rescan_from(const char* from) {
  block_ = from;
  mask_ = from < end_ ? special_mask(from) : 0;
}

inline const char* CsvCursor::next_special() {
  while (mask_ == 0) {
    if (end_ - block_ <= kBlock) return end_;
    block_ += kBlock;
    mask_ = special_mask(block_);
  }
  const char* at = block_ + std::countr_zero(mask_);
  mask_ &= mask_ - 1;
  return at;
}

// Whether a record split_quoted just read ended with a line end inside the data (not at its end).
bool CsvCursor::ends_line(const CsvRecord& record) const {
  const char* record_end = record.raw.data() + record.raw.size();
  if (record.unclosed_quote || record_end >= end_) return false;
  // An LF file's CR at the very end may be the first half of a CRLF.
  return !(line_end_ == '\n' && *record_end == '\r' && record_end + 1 == end_);
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
  const char delimiter = dialect_.delimiter, quote = dialect_.quote;
  while (pos_ < end_) {
    const char* const begin = pos_;
    const char* field = begin;
    const char* content_end = end_;  // the record's text ends here ...
    const char* after = end_;        // ... and the next one starts here
    for (;;) {
      const char* at = next_special();
      if (at == end_) {
        if (!last_) {  // its line end is in the next piece: read it again from there
          rescan_from(begin);
          return false;
        }
        // The data's last line has no line end; a CR just before the end of an LF file is one.
        if (line_end_ == '\n' && content_end > field && content_end[-1] == '\r') --content_end;
        break;
      }
      const char c = *at;
      if (c == delimiter) {
        record.fields.emplace_back(field, static_cast<std::size_t>(at - field));
        field = at + 1;
      } else if (c == quote) {
        record.fields.clear();
        const std::int64_t line = line_;
        record.line = line;
        const char* after_quoted = split_quoted(begin, record);
        if (!last_ && !ends_line(record)) {
          line_ = line;
          record.fields.clear();
          rescan_from(begin);
          return false;
        }
        pos_ = after_quoted;
        rescan_from(pos_);
        return true;
      } else if (c == line_end_) {
        content_end = at;
        if (line_end_ == '\n' && at > field && at[-1] == '\r') --content_end;  // CRLF
        after = at + 1;
        break;
      }
      // Otherwise a lone CR inside an LF file's line: data.
    }
    if (content_end == begin) {  // blank line: skipped, not rejected
      pos_ = after;
      ++line_;
      continue;
    }
    record.line = line_;
    record.fields.emplace_back(field, static_cast<std::size_t>(content_end - field));
    record.raw = std::string_view(begin, static_cast<std::size_t>(content_end - begin));
    pos_ = after;
    ++line_;
    return true;
  }
  return false;
}

}  // namespace sluice
