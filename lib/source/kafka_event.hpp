#pragma once
// A Kafka message of `sluice consume` -> the files it announces. Two shapes are understood:
// an S3 event notification ({"Records": [{"eventName": "ObjectCreated:Put", "s3": {...}}]}) and a
// plain {"uri": "/path/or/s3://bucket/key", "size": N, "etag": "..."} for producers without S3.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/file_ref.hpp"

namespace sluice {

/// What one message asks for. A message may announce files and be partly poison at the same time
/// (an S3 event with one good and one broken record): the good files load, the poison is reported.
struct FileEvent {
  std::vector<FileRef> files;  ///< files to load; local paths have size 0 and no etag until stat_local_files
  std::size_t ignored = 0;     ///< records that are not loads (ObjectRemoved:*, s3:TestEvent)
  std::string poison;          ///< why (part of) the message cannot be used; empty when all of it can
};

/// Parses a message payload; never throws. Pure: no file is looked at.
FileEvent parse_file_event(std::string_view payload);

/// Fills size and etag of local files (uri starting with '/') the way `ingest` lists them, so the two
/// share ledger rows. A missing or non-regular file is dropped from `files` and makes the event poison.
void stat_local_files(FileEvent& event);

/// Decodes an S3 event object key: '+' is a space, %XX a byte. Returns false on a broken escape.
bool decode_s3_key(std::string_view encoded, std::string& decoded);

}  // namespace sluice
