#pragma once
// The JSON document the container endpoint and instance metadata answer with:
// {"AccessKeyId": ..., "SecretAccessKey": ..., "Token": ..., "Expiration": "2026-12-02T19:36:42Z", ...}.
#include <string_view>

#include "s3/aws_credentials.hpp"

namespace sluice {

/// Reads the document (`service` names its origin in messages). A "Code" other than "Success" (instance
/// metadata says why it has none) is an error. Throws CredentialError (not transient) for a document that is
/// not JSON, lacks a key, secret or token (temporary credentials always have one), or has an unreadable
/// Expiration; the message never quotes the document.
AwsCredentials parse_credentials_json(std::string_view json, std::string_view service);

}  // namespace sluice
