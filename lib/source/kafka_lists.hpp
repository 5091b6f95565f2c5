#pragma once
// librdkafka partition lists as the consumer's two files use them: owned, and described for log lines.
#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>

namespace sluice::kafka_lists {

using PartitionList =
    std::unique_ptr<rd_kafka_topic_partition_list_t, decltype(&rd_kafka_topic_partition_list_destroy)>;

inline PartitionList new_list(int size) {
  return PartitionList(rd_kafka_topic_partition_list_new(size), &rd_kafka_topic_partition_list_destroy);
}

/// "topic[0] topic[2]", or "nothing".
inline std::string describe(const rd_kafka_topic_partition_list_t* partitions) {
  std::string out;
  for (int i = 0; i < partitions->cnt; ++i)
    out += fmt::format("{}{}[{}]", out.empty() ? "" : " ", partitions->elems[i].topic, partitions->elems[i].partition);
  return out.empty() ? "nothing" : out;
}

/// "topic[0]@12 topic[2]@7", or "nothing".
inline std::string describe(const std::map<std::pair<std::string, std::int32_t>, std::int64_t>& offsets) {
  std::string out;
  for (const auto& [partition, offset] : offsets)
    out += fmt::format("{}{}[{}]@{}", out.empty() ? "" : " ", partition.first, partition.second, offset);
  return out.empty() ? "nothing" : out;
}

}  // namespace sluice::kafka_lists
