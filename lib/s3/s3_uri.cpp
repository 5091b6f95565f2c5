#include "s3/s3_uri.hpp"

#include <fmt/format.h>

#include "core/errors.hpp"

namespace sluice {
namespace {

constexpr std::string_view kScheme = "s3://";

bool is_lower_or_digit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Why the bucket name is not valid, or empty when it is (the rules every S3 region applies today).
std::string bucket_problem(std::string_view bucket) {
  if (bucket.empty()) return "the bucket name is missing";
  if (bucket.size() < 3 || bucket.size() > 63) return "a bucket name has 3 to 63 characters";
  for (char c : bucket)
    if (!is_lower_or_digit(c) && c != '.' && c != '-')
      return "a bucket name holds only lower-case letters, digits, '.' and '-'";
  if (!is_lower_or_digit(bucket.front()) || !is_lower_or_digit(bucket.back()))
    return "a bucket name starts and ends with a letter or a digit";
  if (bucket.find("..") != std::string_view::npos) return "a bucket name has no two dots in a row";
  return {};
}

}  // namespace

bool is_s3_uri(std::string_view text) { return text.substr(0, kScheme.size()) == kScheme; }

S3Uri parse_s3_uri(std::string_view text) {
  if (!is_s3_uri(text)) throw UsageError(fmt::format("source {}: expected s3://bucket/prefix", text));
  const std::string_view rest = text.substr(kScheme.size());
  const std::size_t slash = rest.find('/');
  S3Uri uri;
  uri.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) uri.key = std::string(rest.substr(slash + 1));
  if (const std::string problem = bucket_problem(uri.bucket); !problem.empty())
    throw UsageError(fmt::format("source {}: {} (expected s3://bucket/prefix)", text, problem));
  return uri;
}

std::string s3_uri_string(std::string_view bucket, std::string_view key) {
  return fmt::format("s3://{}/{}", bucket, key);
}

}  // namespace sluice
