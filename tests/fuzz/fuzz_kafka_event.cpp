// libFuzzer target: the Kafka message parser of `sluice consume` (S3 event notifications and plain
// {"uri": ...} messages). parse_file_event promises never to throw: an escaping exception aborts.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "source/kafka_event.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  const sluice::FileEvent event = sluice::parse_file_event(payload);
  for (const sluice::FileRef& file : event.files)
    if (file.uri.empty()) __builtin_trap();
  std::string decoded;
  sluice::decode_s3_key(payload, decoded);
  return 0;
}
