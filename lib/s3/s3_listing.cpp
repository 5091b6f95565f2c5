#include "s3/s3_listing.hpp"

#include <fmt/format.h>
#include <pugixml.hpp>

#include <charconv>
#include <stdexcept>

namespace sluice {
namespace {

std::uint64_t parse_size(std::string_view text, std::string_view key) {
  std::uint64_t size = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), size);
  if (error != std::errc() || end != text.data() + text.size() || text.empty())
    throw std::runtime_error(fmt::format("object {}: Size \"{}\" is not a byte count", key, text));
  return size;
}

}  // namespace

std::string unquote_etag(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  return std::string(etag);
}

S3ListingPage parse_list_objects_v2(std::string_view xml) {
  pugi::xml_document document;
  // parse_ws_pcdata_single keeps a key made only of spaces; entities (&amp; &quot; &#x...;) are decoded.
  const pugi::xml_parse_result parsed =
      document.load_buffer(xml.data(), xml.size(), pugi::parse_default | pugi::parse_ws_pcdata_single);
  if (!parsed) throw std::runtime_error(fmt::format("the listing is not XML: {}", parsed.description()));
  const pugi::xml_node root = document.child("ListBucketResult");
  if (!root) {
    const pugi::xml_node first = document.first_child();
    throw std::runtime_error(fmt::format("expected a ListBucketResult document, got <{}>", first ? first.name() : ""));
  }
  S3ListingPage page;
  for (pugi::xml_node contents : root.children("Contents")) {
    const pugi::xml_node key = contents.child("Key");
    if (!key) throw std::runtime_error("a Contents element has no Key");
    S3Object object;
    object.key = key.text().get();
    object.size = parse_size(contents.child("Size").text().get(), object.key);
    object.etag = unquote_etag(contents.child("ETag").text().get());
    page.objects.push_back(std::move(object));
  }
  page.truncated = std::string_view(root.child("IsTruncated").text().get()) == "true";
  page.next_token = root.child("NextContinuationToken").text().get();
  if (page.truncated && page.next_token.empty())
    throw std::runtime_error("the listing is truncated but has no NextContinuationToken");
  return page;
}

}  // namespace sluice
