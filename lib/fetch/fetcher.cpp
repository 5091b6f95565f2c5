#include "fetch/fetcher.hpp"

#include "fetch/local_reader.hpp"

namespace sluice {

std::string LocalFetcher::fetch(const FileRef& file) { return read_local_file(file, max_bytes_); }

}  // namespace sluice
