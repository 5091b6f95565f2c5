#include "consume_command.hpp"

#include "run/consume_run.hpp"
#include "shared_options.hpp"

namespace sluice {

void add_consume_command(CLI::App& app, ConsumeOptions& options, const std::vector<std::string>& argv,
                         const FailPoints& fail_points, int& exit_code) {
  CLI::App* command =
      app.add_subcommand("consume", "Load the files announced on a Kafka topic (S3 event notifications)");
  command->add_option("--brokers", options.brokers, "Kafka bootstrap servers, host:port[,host:port...]")->required();
  command->add_option("--topic", options.topic, "topic carrying S3 event notifications or {\"uri\": ...} messages")
      ->required();
  command->add_option("--group", options.group, "consumer group id; members of a group share the partitions")
      ->required();
  command->add_option("--kafka-property", options.kafka_properties,
                      "KEY=VALUE librdkafka setting (security.protocol, sasl.*, session.timeout.ms, ...); repeatable");
  options.run.batch_files = 1000;
  add_run_options(*command, options.run, "files (or messages) loaded and committed together at most");
  command->add_option("--batch-wait", options.batch_wait, "seconds a batch waits for more messages before loading")
      ->check(CLI::Range(0.0, 3600.0));
  command
      ->add_option("--exit-when-idle", options.exit_when_idle,
                   "exit after this many seconds without a message (0: run until a signal)")
      ->check(CLI::Range(0.0, 1e9));
  command->add_option("--local-root", options.local_roots,
                      "folder whose files announced local paths (or file:// uris) may name; repeatable. Without "
                      "one, local paths are refused unopened");
  command->add_option("--allow-bucket", options.allowed_buckets,
                      "S3 bucket announced files may be in; repeatable (default: any)");
  command->callback([&options, &argv, &fail_points, &exit_code] {
    options.run.command_line = redacted_command_line(argv);
    exit_code = run_consume(options, fail_points);
  });
}

}  // namespace sluice
