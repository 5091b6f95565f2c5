#include "report/metrics.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <stdexcept>

#include "core/errors.hpp"

namespace sluice {
namespace {

// Label values escape backslash, double quote and line feed.
std::string label_value(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

bool is_label_name(std::string_view name) {
  const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (name.empty() || !letter(name.front())) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) { return letter(c) || (c >= '0' && c <= '9'); });
}

// Safe both in the exposition and unescaped in the Pushgateway's URL path.
bool is_plain_value(std::string_view value) {
  return !value.empty() && value.size() <= 128 && std::all_of(value.begin(), value.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == ':' || c == '-';
  });
}

// job and instance belong to Prometheus (a textfile's would become exported_job); the others are sluice's own.
constexpr std::array<std::string_view, 7> kTakenLabels = {"job",    "instance", "shard", "status",
                                                          "reason", "kind",     "stage"};

class Exposition {
 public:
  explicit Exposition(const MetricsLabels& labels) {
    for (const MetricsLabel& label : labels)
      constant_ += fmt::format("{}{}=\"{}\"", constant_.empty() ? "" : ",", label.name, label_value(label.value));
  }
  void gauge(std::string_view name, std::string_view help) {
    text_ += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
    name_ = name;
  }
  void sample(double value, std::string_view label = {}, std::string_view label_text = {}) {
    std::string labels = constant_;
    if (!label.empty()) labels += fmt::format("{}{}=\"{}\"", labels.empty() ? "" : ",", label, label_value(label_text));
    if (labels.empty())
      text_ += fmt::format("{} {}\n", name_, value);
    else
      text_ += fmt::format("{}{{{}}} {}\n", name_, labels, value);
  }
  [[nodiscard]] const std::string& text() const { return text_; }

 private:
  std::string constant_;
  std::string text_;
  std::string name_;
};

}  // namespace

MetricsLabel parse_metrics_label(std::string_view text) {
  const auto equals = text.find('=');
  if (equals == std::string_view::npos)
    throw UsageError(fmt::format("--metrics-label {}: expected NAME=VALUE, e.g. pipeline=weather", text));
  MetricsLabel label{std::string(text.substr(0, equals)), std::string(text.substr(equals + 1))};
  if (!is_label_name(label.name) || label.name.starts_with("__"))
    throw UsageError(
        fmt::format("--metrics-label {}: the name must match [a-zA-Z_][a-zA-Z0-9_]* and not start "
                    "with __",
                    text));
  if (std::find(kTakenLabels.begin(), kTakenLabels.end(), label.name) != kTakenLabels.end())
    throw UsageError(
        fmt::format("--metrics-label {}: {} is a label Prometheus or sluice already sets", text, label.name));
  if (!is_plain_value(label.value))
    throw UsageError(fmt::format("--metrics-label {}: the value must be 1 to 128 of A-Z a-z 0-9 _ . : -", text));
  return label;
}

MetricsLabels identity_labels(std::string_view shard, const std::vector<std::string>& label_args) {
  std::string grouping(shard.empty() ? "0/1" : shard);
  std::replace(grouping.begin(), grouping.end(), '/', '-');
  MetricsLabels labels{{"shard", grouping}};
  for (const std::string& arg : label_args) {
    MetricsLabel label = parse_metrics_label(arg);
    const auto same = [&](const MetricsLabel& other) { return other.name == label.name; };
    if (std::any_of(labels.begin(), labels.end(), same))
      throw UsageError(fmt::format("--metrics-label {}: {} is given twice", arg, label.name));
    labels.push_back(std::move(label));
  }
  return labels;
}

std::int64_t timestamp_in(std::string_view exposition, std::string_view metric) {
  std::size_t line_start = 0;
  while (line_start < exposition.size()) {
    const std::size_t line_end = std::min(exposition.find('\n', line_start), exposition.size());
    const std::string_view line = exposition.substr(line_start, line_end - line_start);
    line_start = line_end + 1;
    if (!line.starts_with(metric) || line.size() == metric.size()) continue;
    const char after = line[metric.size()];
    if (after != ' ' && after != '{') continue;
    const std::size_t value_at = line.rfind(' ');
    try {
      return static_cast<std::int64_t>(std::stod(std::string(line.substr(value_at + 1))));
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

std::int64_t last_success_in(std::string_view exposition) {
  return timestamp_in(exposition, "sluice_run_last_success_timestamp_seconds");
}

std::string prometheus_text(const RunStats& stats, const MetricsMoment& moment) {
  const RunOutcome& outcome = moment.outcome;
  Exposition out(moment.labels);
  out.gauge("sluice_run_files", "Files of the last run by outcome.");
  out.sample(static_cast<double>(stats.files_listed), "status", "listed");
  out.sample(static_cast<double>(stats.files_loaded), "status", "loaded");
  out.sample(static_cast<double>(stats.files_replaced), "status", "replaced");
  out.sample(static_cast<double>(stats.files_skipped), "status", "skipped");
  out.sample(static_cast<double>(stats.files_failed), "status", "failed");
  out.sample(static_cast<double>(stats.files_given_up), "status", "given_up");
  out.gauge("sluice_run_rows", "Rows of the last run by outcome.");
  out.sample(static_cast<double>(stats.rows_loaded), "status", "loaded");
  out.sample(static_cast<double>(stats.rows_rejected), "status", "rejected");
  out.gauge("sluice_run_rejected_rows", "Rejected rows of the last run by reason code.");
  for (const auto& [reason, count] : stats.reject_reasons()) out.sample(static_cast<double>(count), "reason", reason);
  out.gauge("sluice_run_bytes", "Bytes of the last run: listed, read as stored, parsed after decompression.");
  out.sample(static_cast<double>(stats.bytes_listed), "kind", "listed");
  out.sample(static_cast<double>(stats.bytes_read), "kind", "read");
  out.sample(static_cast<double>(stats.bytes_parsed), "kind", "parsed");
  out.gauge("sluice_run_stage_seconds", "Seconds spent per stage in the last run, summed over threads.");
  out.sample(static_cast<double>(stats.fetch_micros) / 1e6, "stage", "fetch");
  out.sample(static_cast<double>(stats.parse_micros) / 1e6, "stage", "parse");
  out.sample(static_cast<double>(stats.load_micros) / 1e6, "stage", "load");
  out.gauge("sluice_run_retries", "Retries after transient database or S3 faults in the last run.");
  out.sample(static_cast<double>(stats.retries));
  out.gauge("sluice_run_duration_seconds", "Wall-clock seconds of the last run.");
  out.sample(stats.elapsed_seconds());
  out.gauge("sluice_run_in_progress", "1 while a long run (consume, --watch) goes on, 0 once it has ended.");
  out.sample(moment.in_progress ? 1 : 0);
  out.gauge("sluice_run_exit_code",
            "Exit code of the last run (0 ok, 1 partial, 2 usage, 3 fatal, 130 stopped); while in progress, the "
            "exit code it would have now.");
  out.sample(outcome.exit_code);
  const double now = static_cast<double>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  out.gauge("sluice_run_last_completion_timestamp_seconds",
            "Unix time the last run ended (while in progress: the time of this update).");
  out.sample(now);
  if (moment.last_success_unix > 0) {
    out.gauge("sluice_run_last_success_timestamp_seconds",
              "Unix time a run (or a pass or batch of a long run) last succeeded.");
    out.sample(static_cast<double>(moment.last_success_unix));
  }
  const ConsumerStats& kafka = stats.consumer;
  if (kafka.active) {
    out.gauge("sluice_kafka_messages", "Kafka messages polled by this consumer in this run.");
    out.sample(static_cast<double>(kafka.messages));
    out.gauge("sluice_kafka_events",
              "Announcements by kind: files, ignored (not ObjectCreated), poison, stale (older than the ledger's).");
    out.sample(static_cast<double>(kafka.files), "kind", "file");
    out.sample(static_cast<double>(kafka.ignored), "kind", "ignored");
    out.sample(static_cast<double>(kafka.poison), "kind", "poison");
    out.sample(static_cast<double>(kafka.stale), "kind", "stale");
    out.gauge("sluice_kafka_batches", "Batches by outcome: committed, offsets not committed, over the reject ratio.");
    out.sample(static_cast<double>(kafka.batches), "status", "committed");
    out.sample(static_cast<double>(kafka.commits_failed), "status", "commit_failed");
    out.sample(static_cast<double>(kafka.batches_over_reject_ratio), "status", "over_reject_ratio");
    const std::int64_t last_commit = std::max<std::int64_t>(kafka.last_commit_unix, moment.last_commit_unix);
    if (last_commit > 0) {
      out.gauge("sluice_kafka_last_commit_timestamp_seconds",
                "Unix time this consumer (this process or an earlier one with the same metrics file) last committed "
                "offsets.");
      out.sample(static_cast<double>(last_commit));
    }
  }
  return out.text();
}

void push_to_gateway(const std::string& url, const MetricsLabels& labels, const std::string& text) {
  std::string base = url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string target = fmt::format("{}/metrics/job/sluice", base);
  for (const MetricsLabel& label : labels) target += fmt::format("/{}/{}", label.name, label.value);
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) throw std::runtime_error("pushgateway: cannot initialise libcurl");
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: text/plain; version=0.0.4");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_guard(headers, &curl_slist_free_all);
  curl_easy_setopt(curl.get(), CURLOPT_URL, target.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_POST, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, text.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(text.size()));
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  const CURLcode result = curl_easy_perform(curl.get());
  if (result != CURLE_OK)
    throw std::runtime_error(fmt::format("pushgateway {}: {}", target, curl_easy_strerror(result)));
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status >= 300) throw std::runtime_error(fmt::format("pushgateway {}: HTTP {}", target, status));
}

}  // namespace sluice
