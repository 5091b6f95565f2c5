#include "s3/s3_error.hpp"

#include <pugixml.hpp>

namespace sluice {

S3ErrorBody parse_s3_error_body(std::string_view xml) {
  S3ErrorBody body;
  pugi::xml_document document;
  if (xml.empty() || !document.load_buffer(xml.data(), xml.size())) return body;
  const pugi::xml_node error = document.child("Error");
  body.code = error.child("Code").text().get();
  body.message = error.child("Message").text().get();
  return body;
}

bool s3_status_is_transient(int http_status, std::string_view code) {
  return http_status >= 500 || http_status == 429 || (http_status == 400 && code == "RequestTimeout");
}

bool is_transient_s3_error(const std::exception& error) {
  const auto* s3_error = dynamic_cast<const S3RequestError*>(&error);
  return s3_error != nullptr && s3_error->transient;
}

bool s3_error_is_environmental(const S3RequestError& error) {
  if (error.http_status == 0 || error.http_status == 407) return true;
  static constexpr std::string_view kEnvironmentCodes[] = {"ExpiredToken",
                                                           "TokenRefreshRequired",
                                                           "InvalidToken",
                                                           "InvalidAccessKeyId",
                                                           "SignatureDoesNotMatch",
                                                           "RequestTimeTooSkewed",
                                                           "AuthorizationHeaderMalformed",
                                                           "InvalidSecurity",
                                                           "AccountProblem",
                                                           "AllAccessDisabled"};
  for (std::string_view code : kEnvironmentCodes)
    if (error.code == code) return true;
  return false;
}

}  // namespace sluice
