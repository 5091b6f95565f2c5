// kafka_mock: a Kafka peer for the kafka_* integration tests, built on librdkafka's mock cluster (the
// cluster lives inside this process's producer handle, so it exists only while this program runs).
//
//   kafka_mock --topic T [--partitions P] [--brokers N] [--messages FILE] [--refuse-commits K]
//
// Creates a mock cluster of N brokers (default 1) with topic T of P partitions (default 4), prints the
// bootstrap servers on stdout (one line), produces each line of FILE as one message (line i goes to
// partition i % P, so every partition gets its share; an empty line is an empty message), then produces
// each line read from stdin the same way and exits when stdin closes (or on SIGTERM/SIGINT).
// --refuse-commits K: the first K OffsetCommit requests are answered REBALANCE_IN_PROGRESS, as a coordinator
// does while the group rebalances (a deterministic stand-in for the race of a real rebalance).
// Progress goes to stderr ("kafka_mock: produced N"). KAFKA_MOCK_DEBUG=mock[,...] also logs the mock
// cluster's own debug lines (group states, requests) on stderr.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

namespace {

[[noreturn]] void fail(const std::string& message) {
  std::cerr << "kafka_mock: " << message << "\n";
  std::exit(2);
}

struct Producer {
  rd_kafka_t* handle = nullptr;
  std::string topic;
  int partitions = 4;
  long produced = 0;

  void produce(const std::string& line) {
    const auto partition = static_cast<std::int32_t>(produced % partitions);
    void* value = line.empty() ? nullptr : const_cast<char*>(line.data());
    rd_kafka_resp_err_t error;
    while ((error = rd_kafka_producev(handle, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
                                      RD_KAFKA_V_VALUE(value, line.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                      RD_KAFKA_V_END)) == RD_KAFKA_RESP_ERR__QUEUE_FULL)
      rd_kafka_poll(handle, 100);
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) fail(std::string("produce: ") + rd_kafka_err2str(error));
    ++produced;
  }

  void flush() {
    if (rd_kafka_flush(handle, 30'000) != RD_KAFKA_RESP_ERR_NO_ERROR) fail("flush: messages not delivered in 30 s");
    std::cerr << "kafka_mock: produced " << produced << "\n";
  }
};

void delivery_report(rd_kafka_t*, const rd_kafka_message_t* message, void*) {
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) fail(std::string("delivery: ") + rd_kafka_err2str(message->err));
}

}  // namespace

int main(int argc, char** argv) {
  std::string topic, messages_path, brokers = "1";
  int partitions = 4;
  long refused_commits = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc)
      fail("usage: kafka_mock --topic T [--partitions P] [--brokers N] [--messages FILE] [--refuse-commits K]");
    if (arg == "--topic")
      topic = argv[++i];
    else if (arg == "--partitions")
      partitions = std::atoi(argv[++i]);
    else if (arg == "--brokers")
      brokers = argv[++i];
    else if (arg == "--messages")
      messages_path = argv[++i];
    else if (arg == "--refuse-commits")
      refused_commits = std::atol(argv[++i]);
    else
      fail("unknown argument " + arg);
  }
  if (topic.empty() || partitions < 1 || refused_commits < 0)
    fail("--topic is required, --partitions must be >= 1 and --refuse-commits >= 0");
  std::signal(SIGPIPE, SIG_IGN);

  char error_text[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "test.mock.num.brokers", brokers.c_str(), error_text, sizeof error_text) !=
      RD_KAFKA_CONF_OK)
    fail(error_text);
  rd_kafka_conf_set(conf, "log_level", "3", error_text, sizeof error_text);  // no MOCK notice on stderr
  // KAFKA_MOCK_DEBUG=mock (any librdkafka debug context list) logs the mock coordinator's group states on
  // stderr, to see why a member was refused (Joining/Syncing: REBALANCE_IN_PROGRESS, and so on).
  if (const char* debug = std::getenv("KAFKA_MOCK_DEBUG"); debug != nullptr && *debug != '\0') {
    rd_kafka_conf_set(conf, "log_level", "7", error_text, sizeof error_text);
    if (rd_kafka_conf_set(conf, "debug", debug, error_text, sizeof error_text) != RD_KAFKA_CONF_OK) fail(error_text);
  }
  rd_kafka_conf_set_dr_msg_cb(conf, delivery_report);
  Producer producer;
  producer.handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error_text, sizeof error_text);
  if (producer.handle == nullptr) fail(error_text);
  producer.topic = topic;
  producer.partitions = partitions;
  rd_kafka_mock_cluster_t* cluster = rd_kafka_handle_mock_cluster(producer.handle);
  if (cluster == nullptr) fail("no mock cluster (test.mock.num.brokers ignored?)");
  if (rd_kafka_mock_topic_create(cluster, topic.c_str(), partitions, 1) != RD_KAFKA_RESP_ERR_NO_ERROR)
    fail("cannot create the topic");
  constexpr std::int16_t kOffsetCommit = 8;  // the OffsetCommit request's ApiKey
  for (long i = 0; i < refused_commits; ++i)
    rd_kafka_mock_push_request_errors(cluster, kOffsetCommit, 1, RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS);
  std::cout << rd_kafka_mock_cluster_bootstraps(cluster) << std::endl;

  if (!messages_path.empty()) {
    std::ifstream file(messages_path);
    if (!file) fail("cannot read " + messages_path);
    for (std::string line; std::getline(file, line);) producer.produce(line);
    producer.flush();
  }
  for (std::string line; std::getline(std::cin, line);) {
    producer.produce(line);
    producer.flush();
  }
  rd_kafka_destroy(producer.handle);  // takes the mock cluster with it
  return 0;
}
