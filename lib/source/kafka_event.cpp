#include "source/kafka_event.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <cctype>
#include <filesystem>
#include <stdexcept>

#include "core/errors.hpp"
#include "source/file_uri.hpp"
#include "source/local_source.hpp"

namespace sluice {
namespace {

namespace ondemand = simdjson::ondemand;

/// A value of the wrong type or a missing field: what makes a message (or one record) poison.
struct ShapeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void add_poison(FileEvent& event, const std::string& reason) {
  event.poison += (event.poison.empty() ? "" : "; ") + reason;
}

std::string read_string(ondemand::value value, std::string_view what) {
  std::string_view text;
  if (value.get_string().get(text)) throw ShapeError(fmt::format("{}: expected a string", what));
  return std::string(text);
}

std::uint64_t read_size(ondemand::value value, std::string_view what) {
  std::uint64_t size = 0;
  if (value.get_uint64().get(size)) throw ShapeError(fmt::format("{}: expected a non-negative integer", what));
  return size;
}

ondemand::object read_object(ondemand::value value, std::string_view what) {
  ondemand::object object;
  if (value.get_object().get(object)) throw ShapeError(fmt::format("{}: expected an object", what));
  return object;
}

struct S3Record {
  std::string event_name, bucket, key;
  bool has_key = false;
  std::uint64_t size = 0;
  std::string etag, sequencer;
};

// S3 writes sequencers as upper-case hex; kept upper-case so that equal values compare equal as text.
std::string read_sequencer(ondemand::value value) {
  std::string text = read_string(value, "s3.object.sequencer");
  for (char& c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c)))
      throw ShapeError(fmt::format("s3.object.sequencer {}: expected hexadecimal digits", text));
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return text;
}

void read_s3(ondemand::value value, S3Record& record) {
  for (auto s3_field : read_object(value, "s3")) {
    const std::string_view name = s3_field.unescaped_key();
    if (name == "bucket") {
      for (auto bucket_field : read_object(s3_field.value(), "s3.bucket"))
        if (std::string_view(bucket_field.unescaped_key()) == "name")
          record.bucket = read_string(bucket_field.value(), "s3.bucket.name");
    } else if (name == "object") {
      for (auto object_field : read_object(s3_field.value(), "s3.object")) {
        const std::string_view key = object_field.unescaped_key();
        if (key == "key") {
          record.key = read_string(object_field.value(), "s3.object.key");
          record.has_key = true;
        } else if (key == "size") {
          record.size = read_size(object_field.value(), "s3.object.size");
        } else if (key == "eTag") {
          record.etag = read_string(object_field.value(), "s3.object.eTag");
        } else if (key == "sequencer") {
          record.sequencer = read_sequencer(object_field.value());
        }
      }
    }
  }
}

// One element of Records: a file to load, a record to ignore, or a ShapeError.
void read_record(ondemand::value value, FileEvent& event) {
  S3Record record;
  for (auto field : read_object(value, "record")) {
    const std::string_view name = field.unescaped_key();
    if (name == "eventName")
      record.event_name = read_string(field.value(), "eventName");
    else if (name == "s3")
      read_s3(field.value(), record);
  }
  if (record.event_name.empty()) throw ShapeError("no eventName");
  if (!record.event_name.starts_with("ObjectCreated:")) {
    event.ignored += 1;  // ObjectRemoved:*, ObjectRestore:*, ...: nothing to load
    return;
  }
  if (record.bucket.empty()) throw ShapeError("no s3.bucket.name");
  if (!record.has_key || record.key.empty()) throw ShapeError("no s3.object.key");
  std::string key;
  if (!decode_s3_key(record.key, key)) throw ShapeError(fmt::format("s3.object.key {}: broken %-escape", record.key));
  // Event notifications give the ETag bare; listings quote it. The ledger keeps it bare.
  std::string etag = record.etag;
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  FileRef file = FileRef::s3(fmt::format("s3://{}/{}", record.bucket, key), record.size, std::move(etag));
  file.sequencer = std::move(record.sequencer);
  event.files.push_back(std::move(file));
}

void read_records(ondemand::value value, FileEvent& event) {
  ondemand::array records;
  if (value.get_array().get(records)) throw ShapeError("Records: expected an array");
  std::size_t index = 0;
  for (auto element : records) {
    try {
      read_record(element.value(), event);
    } catch (const ShapeError& error) {
      add_poison(event, fmt::format("Records[{}]: {}", index, error.what()));
    }
    ++index;
  }
  if (index == 0) throw ShapeError("Records is empty");
}

FileRef uri_ref(const std::string& uri, std::uint64_t size, std::string etag) {
  if (uri.starts_with("s3://")) {
    const auto slash = uri.find('/', 5);
    if (slash == 5 || slash == std::string::npos || slash + 1 == uri.size())
      throw ShapeError(fmt::format("uri {}: expected s3://bucket/key", uri));
    return FileRef::s3(uri, size, std::move(etag));
  }
  std::string path, error;
  if (!local_path_from_uri(uri, path, error)) throw ShapeError(fmt::format("uri {}", error));
  return FileRef::local(std::move(path), 0, 0);  // size and mtime come from stat, like `ingest`
}

struct TopLevel {
  bool has_records = false, has_uri = false, test_event = false;
  std::string uri, etag;
  std::uint64_t size = 0;
};

void read_top_level(ondemand::object root, TopLevel& top, FileEvent& event) {
  for (auto field : root) {
    const std::string_view name = field.unescaped_key();
    if (name == "Records") {
      top.has_records = true;
      read_records(field.value(), event);
    } else if (name == "uri") {
      top.has_uri = true;
      top.uri = read_string(field.value(), "uri");
    } else if (name == "size") {
      top.size = read_size(field.value(), "size");
    } else if (name == "etag") {
      top.etag = read_string(field.value(), "etag");
    } else if (name == "Event") {
      std::string_view text;
      top.test_event = !field.value().get_string().get(text) && text == "s3:TestEvent";
    }
  }
}

}  // namespace

bool decode_s3_key(std::string_view encoded, std::string& decoded) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  decoded.clear();
  decoded.reserve(encoded.size());
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    const char c = encoded[i];
    if (c == '+') {
      decoded += ' ';
    } else if (c == '%') {
      const int high = i + 1 < encoded.size() ? hex(encoded[i + 1]) : -1;
      const int low = i + 2 < encoded.size() ? hex(encoded[i + 2]) : -1;
      if (high < 0 || low < 0) return false;
      decoded += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      decoded += c;
    }
  }
  return true;
}

FileEvent parse_file_event(std::string_view payload) {
  FileEvent event;
  if (payload.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    event.poison = "empty message";
    return event;
  }
  const simdjson::padded_string padded(payload);
  ondemand::parser parser;
  TopLevel top;
  try {
    ondemand::document document = parser.iterate(padded);
    ondemand::object root;
    if (document.get_object().get(root)) {
      event.poison = "not a JSON object";
      return event;
    }
    read_top_level(root, top, event);
    if (!document.current_location().error()) throw ShapeError("not valid JSON: content after the object");
  } catch (const simdjson::simdjson_error& error) {
    return FileEvent{{}, 0, fmt::format("not valid JSON: {}", error.what())};
  } catch (const ShapeError& error) {
    return FileEvent{{}, 0, error.what()};
  }
  if (top.has_records && top.has_uri) return FileEvent{{}, 0, "both Records and uri: ambiguous message"};
  if (top.has_uri) {
    try {
      event.files.push_back(uri_ref(top.uri, top.size, top.etag));
    } catch (const ShapeError& error) {
      event.poison = error.what();
    }
  } else if (top.test_event) {
    event.ignored += 1;
  } else if (!top.has_records) {
    event.poison = R"(unknown message shape: expected an S3 event ({"Records": [...]}) or {"uri": "..."})";
  }
  return event;
}

void stat_local_files(FileEvent& event) {
  namespace fs = std::filesystem;
  std::vector<FileRef> kept;
  for (FileRef& ref : event.files) {
    if (ref.scheme != FileScheme::local) {
      kept.push_back(std::move(ref));
      continue;
    }
    std::error_code error;
    const fs::directory_entry entry(ref.uri, error);
    if (error || !entry.exists(error)) {
      add_poison(event, fmt::format("{}: no such file", ref.uri));
    } else if (!entry.is_regular_file(error)) {
      add_poison(event, fmt::format("{}: not a regular file", ref.uri));
    } else {
      try {
        kept.push_back(local_file_ref(ref.uri, entry));
      } catch (const FileError& stat_error) {
        add_poison(event, stat_error.what());
      }
    }
  }
  event.files = std::move(kept);
}

}  // namespace sluice
