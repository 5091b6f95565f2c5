#include "report/metrics.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <stdexcept>

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

class Exposition {
 public:
  void gauge(std::string_view name, std::string_view help) {
    text_ += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
    name_ = name;
  }
  void sample(double value, std::string_view label = {}, std::string_view label_text = {}) {
    if (label.empty())
      text_ += fmt::format("{} {}\n", name_, value);
    else
      text_ += fmt::format("{}{{{}=\"{}\"}} {}\n", name_, label, label_value(label_text), value);
  }
  [[nodiscard]] const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::string name_;
};

}  // namespace

std::int64_t last_success_in(std::string_view exposition) {
  constexpr std::string_view kName = "\nsluice_run_last_success_timestamp_seconds ";
  const std::string text = "\n" + std::string(exposition);
  const auto at = text.find(kName);
  if (at == std::string::npos) return 0;
  try {
    return static_cast<std::int64_t>(std::stod(text.substr(at + kName.size())));
  } catch (const std::exception&) {
    return 0;
  }
}

std::string prometheus_text(const RunStats& stats, const MetricsMoment& moment) {
  const RunOutcome& outcome = moment.outcome;
  Exposition out;
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
    if (kafka.last_commit_unix > 0) {
      out.gauge("sluice_kafka_last_commit_timestamp_seconds", "Unix time this consumer last committed offsets.");
      out.sample(static_cast<double>(kafka.last_commit_unix));
    }
  }
  return out.text();
}

void push_to_gateway(const std::string& url, const std::string& shard, const std::string& text) {
  std::string grouping = shard;
  for (char& c : grouping)
    if (c == '/') c = '-';
  std::string base = url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::string target = fmt::format("{}/metrics/job/sluice/shard/{}", base, grouping.empty() ? "0-1" : grouping);
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
