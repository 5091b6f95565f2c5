// The sources of the S3 credential chain, without a network: the INI files, the STS XML and the JSON
// documents of the container and instance endpoints, the variables each source reads, and the chain's order.
// (The HTTP exchanges themselves are tested against loopback stand-ins: tests/integration/s3_credentials_test.sh.)
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "core/errors.hpp"
#include "core/logger.hpp"
#include "s3/aws_ini.hpp"
#include "s3/container_credentials.hpp"
#include "s3/credential_chain.hpp"
#include "s3/credentials_json.hpp"
#include "s3/environment_credentials.hpp"
#include "s3/imds_credentials.hpp"
#include "s3/profile_credentials.hpp"
#include "s3/s3_settings.hpp"
#include "s3/web_identity_credentials.hpp"

using namespace sluice;
namespace fs = std::filesystem;

namespace {

EnvironmentLookup lookup_in(std::map<std::string, std::string> environment) {
  return [environment = std::move(environment)](const char* name) -> std::optional<std::string> {
    auto found = environment.find(name);
    if (found == environment.end()) return std::nullopt;
    return found->second;
  };
}

// A scratch folder, removed at the end of the test case.
struct ScratchFolder {
  fs::path path;
  ScratchFolder() {
    std::string pattern = (fs::temp_directory_path() / "sluice-credentials-test-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~ScratchFolder() { fs::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    fs::create_directories((path / name).parent_path());
    std::ofstream(path / name, std::ios::binary) << text;
    return (path / name).string();
  }
};

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const CredentialError& error) {
    return error.what();
  }
  return "(no CredentialError)";
}

SystemTime at(int year, unsigned month, unsigned day, int hour, int minute, int second) {
  using namespace std::chrono;
  return SystemTime(sys_days(std::chrono::year(year) / month / day) + hours(hour) + minutes(minute) + seconds(second));
}

}  // namespace

TEST_CASE("AWS expirations are read as UTC, with fractions or offsets; anything else is refused") {
  const SystemTime noon = at(2026, 12, 2, 12, 0, 0);
  CHECK(parse_aws_time("2026-12-02T12:00:00Z") == noon);
  CHECK(parse_aws_time("2026-12-02T12:00:00.123Z") == noon);
  CHECK(parse_aws_time(" 2026-12-02T12:00:00Z\n") == noon);
  CHECK(parse_aws_time("2026-12-02T13:30:00+01:30") == noon);
  CHECK(parse_aws_time("2026-12-02T10:00:00-02:00") == noon);
  CHECK_FALSE(parse_aws_time("2026-12-02T12:00:00"));  // no zone
  CHECK_FALSE(parse_aws_time("2026-02-30T12:00:00Z"));
  CHECK_FALSE(parse_aws_time("2026-12-02 12:00:00Z"));
  CHECK_FALSE(parse_aws_time("2026-12-02T12:00:00Zjunk"));
  CHECK_FALSE(parse_aws_time(""));
  CHECK(format_aws_time(noon) == "2026-12-02T12:00:00Z");
}

TEST_CASE("the AWS INI dialect: sections, comments, nested settings, lower-cased keys") {
  const IniSections sections = parse_aws_ini(
      "# comment\n"
      "[default]\n"
      "AWS_Access_Key_Id = AKIDEFAULT\r\n"
      "aws_secret_access_key=secret=with=equals\n"
      "\n"
      "; another comment\n"
      "[profile ci]\n"
      "region = eu-west-3\n"
      "s3 =\n"
      "  max_concurrent_requests = 20\n"
      "output = json\n");
  CHECK(sections.at("default").at("aws_access_key_id") == "AKIDEFAULT");
  CHECK(sections.at("default").at("aws_secret_access_key") == "secret=with=equals");
  CHECK(sections.at("profile ci").at("region") == "eu-west-3");
  CHECK(sections.at("profile ci").at("s3").empty());
  CHECK(sections.at("profile ci").count("max_concurrent_requests") == 0);
  CHECK(sections.at("profile ci").at("output") == "json");
  CHECK(parse_aws_ini("").empty());
}

TEST_CASE("a malformed AWS file names the line, never its text") {
  std::string message;
  try {
    parse_aws_ini("[default]\naws_access_key_id = A\nTopSecretLineWithoutEquals\n");
  } catch (const std::runtime_error& error) {
    message = error.what();
  }
  CHECK(message.find("line 3") != std::string::npos);
  CHECK(message.find("TopSecret") == std::string::npos);
  CHECK_THROWS_AS(parse_aws_ini("aws_access_key_id = A\n"), std::runtime_error);
  CHECK_THROWS_AS(parse_aws_ini("[default\n"), std::runtime_error);
}

TEST_CASE("a profile's keys: the credentials file first, then [profile NAME] of the config file") {
  SharedFiles files;
  files.credentials_path = "/c";
  files.config_path = "/f";
  files.profile = "ci";
  files.profile_named = true;
  const IniSections config = parse_aws_ini(
      "[profile ci]\naws_access_key_id = AKCONFIG\naws_secret_access_key = SCONFIG\naws_session_token = TCONFIG\n"
      "[default]\naws_access_key_id = AKDEFAULT\naws_secret_access_key = SDEFAULT\n");
  const IniSections credentials = parse_aws_ini("[ci]\naws_access_key_id = AKCRED\naws_secret_access_key = SCRED\n");

  auto from_both = credentials_from_profile(credentials, config, files);
  REQUIRE(from_both);
  CHECK(from_both->access_key_id == "AKCRED");
  CHECK(from_both->secret_access_key == "SCRED");
  CHECK(from_both->session_token.empty());
  CHECK_FALSE(from_both->expiration);
  CHECK(from_both->source == "profile ci in /c");

  auto from_config = credentials_from_profile({}, config, files);
  REQUIRE(from_config);
  CHECK(from_config->access_key_id == "AKCONFIG");
  CHECK(from_config->session_token == "TCONFIG");
  CHECK(from_config->source == "profile ci in /f");

  files.profile = "default";
  files.profile_named = false;
  auto by_default = credentials_from_profile({}, config, files);
  REQUIRE(by_default);
  CHECK(by_default->access_key_id == "AKDEFAULT");
  auto profile_default = credentials_from_profile(
      {}, parse_aws_ini("[profile default]\naws_access_key_id = A\naws_secret_access_key = S\n"), files);
  REQUIRE(profile_default);
  CHECK(profile_default->access_key_id == "A");
  CHECK_FALSE(credentials_from_profile({}, {}, files));  // no default profile anywhere: the next source
}

TEST_CASE("a profile set up wrong is an error, not a silent fall-through to another identity") {
  SharedFiles files;
  files.credentials_path = "/home/u/.aws/credentials";
  files.config_path = "/home/u/.aws/config";
  files.profile = "prod";
  files.profile_named = true;
  CHECK(error_of([&] { credentials_from_profile({}, {}, files); }).find("AWS_PROFILE prod: no such profile") !=
        std::string::npos);
  const std::string partial =
      error_of([&] { credentials_from_profile(parse_aws_ini("[prod]\naws_access_key_id = AKONLY\n"), {}, files); });
  CHECK(partial.find("set both aws_access_key_id and aws_secret_access_key") != std::string::npos);
  const std::string assume_role = error_of([&] {
    credentials_from_profile({}, parse_aws_ini("[profile prod]\nrole_arn = arn:aws:iam::1:role/r\n"), files);
  });
  CHECK(assume_role.find("by role_arn, which sluice does not implement") != std::string::npos);
  // A profile with only settings (a region) gives no keys: the next source is asked.
  CHECK_FALSE(credentials_from_profile({}, parse_aws_ini("[profile prod]\nregion = eu-west-1\n"), files));
}

TEST_CASE("the shared files: AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE, AWS_PROFILE, ~ and the region") {
  ScratchFolder scratch;
  const std::string home = scratch.path.string();
  scratch.write(".aws/credentials", "[default]\naws_access_key_id = AKHOME\naws_secret_access_key = SHOME\n");
  scratch.write(".aws/config", "[default]\nregion = eu-north-1\n[profile other]\nregion = ap-south-1\n");
  const std::string elsewhere = scratch.write("elsewhere.ini",
                                              "[other]\naws_access_key_id = AKOTHER\n"
                                              "aws_secret_access_key = SOTHER\n");
  const std::string broken = scratch.write("broken.ini", "[other]\nnot a setting\n");

  auto home_default = ProfileCredentials(lookup_in({{"HOME", home}})).load();
  REQUIRE(home_default);
  CHECK(home_default->access_key_id == "AKHOME");
  CHECK(home_default->source == "profile default in " + home + "/.aws/credentials");

  auto other = ProfileCredentials(
                   lookup_in({{"HOME", home}, {"AWS_SHARED_CREDENTIALS_FILE", elsewhere}, {"AWS_PROFILE", "other"}}))
                   .load();
  REQUIRE(other);
  CHECK(other->access_key_id == "AKOTHER");
  CHECK_THROWS_AS(ProfileCredentials(lookup_in({{"HOME", home}, {"AWS_PROFILE", "missing"}})).load(), CredentialError);
  CHECK(error_of([&] {
          ProfileCredentials(lookup_in({{"AWS_SHARED_CREDENTIALS_FILE", broken}, {"AWS_PROFILE", "other"}})).load();
        }).find("broken.ini: line 2") != std::string::npos);
  CHECK_FALSE(ProfileCredentials(lookup_in({{"HOME", home + "/nowhere"}})).load());

  // The region: AWS_REGION, AWS_DEFAULT_REGION, then the profile's region in the config file.
  CHECK(s3_settings_from(lookup_in({{"HOME", home}}), {}).region == "eu-north-1");
  CHECK(s3_settings_from(lookup_in({{"HOME", home}, {"AWS_PROFILE", "other"}}), {}).region == "ap-south-1");
  CHECK(s3_settings_from(lookup_in({{"HOME", home}, {"AWS_DEFAULT_REGION", "us-west-2"}}), {}).region == "us-west-2");
  CHECK(s3_settings_from(lookup_in({{"HOME", home}}), {"", "sa-east-1"}).region == "sa-east-1");
  CHECK(s3_settings_from(lookup_in({{"AWS_CONFIG_FILE", broken}}), {}).region == "us-east-1");
}

TEST_CASE("the environment source: both keys or neither") {
  CHECK_FALSE(EnvironmentCredentials(lookup_in({})).load());
  auto full = EnvironmentCredentials(
                  lookup_in({{"AWS_ACCESS_KEY_ID", "id"}, {"AWS_SECRET_ACCESS_KEY", "s"}, {"AWS_SESSION_TOKEN", "t"}}))
                  .load();
  REQUIRE(full);
  CHECK(full->session_token == "t");
  CHECK_FALSE(full->expiration);
  CHECK(error_of([] {
          EnvironmentCredentials(lookup_in({{"AWS_ACCESS_KEY_ID", "id"}})).load();
        }).find("set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY") != std::string::npos);
  CHECK_THROWS_AS(EnvironmentCredentials(lookup_in({{"AWS_SECRET_ACCESS_KEY", "s"}})).load(), CredentialError);
}

TEST_CASE("STS AssumeRoleWithWebIdentity: the answer, the error document, the endpoint") {
  const auto credentials = parse_assume_role_with_web_identity(R"(<?xml version="1.0"?>
<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>system:serviceaccount:ns:loader</SubjectFromWebIdentityToken>
    <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/loader/s</Arn></AssumedRoleUser>
    <Credentials>
      <SessionToken>FwoGZXIvYXdzEXAMPLE</SessionToken>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG</SecretAccessKey>
      <Expiration>2026-12-02T13:34:41Z</Expiration>
      <AccessKeyId>ASIAEXAMPLE</AccessKeyId>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
</AssumeRoleWithWebIdentityResponse>)");
  CHECK(credentials.access_key_id == "ASIAEXAMPLE");
  CHECK(credentials.secret_access_key == "wJalrXUtnFEMI/K7MDENG");
  CHECK(credentials.session_token == "FwoGZXIvYXdzEXAMPLE");
  CHECK(credentials.expiration == at(2026, 12, 2, 13, 34, 41));
  CHECK_THROWS_AS(parse_assume_role_with_web_identity("not xml <"), CredentialError);
  CHECK_THROWS_AS(parse_assume_role_with_web_identity(
                      "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>"
                      "<AccessKeyId>A</AccessKeyId><SecretAccessKey>S</SecretAccessKey><SessionToken>T</SessionToken>"
                      "<Expiration>tomorrow</Expiration></Credentials></AssumeRoleWithWebIdentityResult>"
                      "</AssumeRoleWithWebIdentityResponse>"),
                  CredentialError);

  const StsError error = parse_sts_error(
      "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
      "<Code>InvalidIdentityToken</Code><Message>No OpenIDConnect provider found</Message></Error></ErrorResponse>");
  CHECK(error.code == "InvalidIdentityToken");
  CHECK(error.message == "No OpenIDConnect provider found");
  CHECK(parse_sts_error("").code.empty());
  CHECK(sts_error_is_transient("IDPCommunicationError"));
  CHECK(sts_error_is_transient("Throttling"));
  CHECK_FALSE(sts_error_is_transient("AccessDenied"));
  CHECK_FALSE(sts_error_is_transient("InvalidIdentityToken"));

  CHECK(sts_endpoint(lookup_in({})) == "https://sts.amazonaws.com");
  CHECK(sts_endpoint(lookup_in({{"AWS_REGION", "eu-west-3"}})) == "https://sts.eu-west-3.amazonaws.com");
  CHECK(sts_endpoint(lookup_in({{"AWS_DEFAULT_REGION", "cn-north-1"}})) == "https://sts.cn-north-1.amazonaws.com.cn");
  CHECK(sts_endpoint(lookup_in({{"AWS_REGION", "eu-west-3"}, {"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9/"}})) ==
        "http://127.0.0.1:9");
}

TEST_CASE("the web identity source is off without its variables and refuses a half setup or no token file") {
  CHECK_FALSE(WebIdentityCredentials(lookup_in({})).load());
  CHECK(error_of([] {
          WebIdentityCredentials(lookup_in({{"AWS_ROLE_ARN", "arn:aws:iam::1:role/r"}})).load();
        }).find("set both AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN") != std::string::npos);
  CHECK(error_of([] {
          WebIdentityCredentials(lookup_in({{"AWS_ROLE_ARN", "arn:aws:iam::1:role/r"},
                                            {"AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token"},
                                            {"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9"}}))
              .load();
        }).find("cannot read AWS_WEB_IDENTITY_TOKEN_FILE /nonexistent/token") != std::string::npos);
}

TEST_CASE("the container and instance metadata documents") {
  const auto container = parse_credentials_json(
      R"({"AccessKeyId":"ASIACONTAINER","Expiration":"2026-12-02T19:36:42Z","RoleArn":"arn:aws:iam::1:role/t",)"
      R"("SecretAccessKey":"s","Token":"t"})",
      "container");
  CHECK(container.access_key_id == "ASIACONTAINER");
  CHECK(container.secret_access_key == "s");
  CHECK(container.session_token == "t");
  CHECK(container.expiration == at(2026, 12, 2, 19, 36, 42));
  const auto imds = parse_credentials_json(
      R"({"Code":"Success","LastUpdated":"2026-12-02T13:00:00Z","Type":"AWS-HMAC","AccessKeyId":"ASIAIMDS",)"
      R"("SecretAccessKey":"s","Token":"t","Expiration":"2026-12-02T19:00:00Z"})",
      "imds");
  CHECK(imds.access_key_id == "ASIAIMDS");
  CHECK(error_of([] { parse_credentials_json(R"({"Code":"AssumeRoleUnauthorizedAccess"})", "imds"); }) ==
        "imds: the answer says AssumeRoleUnauthorizedAccess");
  CHECK_THROWS_AS(parse_credentials_json("{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\"}", "c"), CredentialError);
  CHECK_THROWS_AS(parse_credentials_json("<html>", "c"), CredentialError);
  CHECK_THROWS_AS(parse_credentials_json(R"({"AccessKeyId":1,"SecretAccessKey":"S","Token":"T"})", "c"),
                  CredentialError);
  CHECK_THROWS_AS(
      parse_credentials_json(R"({"AccessKeyId":"A","SecretAccessKey":"S","Token":"T","Expiration":"soon"})", "c"),
      CredentialError);
}

TEST_CASE("the container token goes only to https or loopback and link-local hosts") {
  CHECK(container_uri_allowed("https://creds.example.com/v1"));
  CHECK(container_uri_allowed("http://127.0.0.1:8080/creds"));
  CHECK(container_uri_allowed("http://127.3.4.5/creds"));
  CHECK(container_uri_allowed("http://localhost:9/x"));
  CHECK(container_uri_allowed("http://[::1]:9/x"));
  CHECK(container_uri_allowed("http://169.254.170.23/v1/credentials"));
  CHECK(container_uri_allowed("http://[fd00:ec2::23]/v1/credentials"));
  CHECK_FALSE(container_uri_allowed("http://creds.example.com/v1"));
  CHECK_FALSE(container_uri_allowed("http://127.0.0.1.example.com/x"));
  CHECK_FALSE(container_uri_allowed("http://10.0.0.1/x"));
  CHECK_FALSE(container_uri_allowed("ftp://127.0.0.1/x"));
  CHECK_FALSE(container_uri_allowed("not a url"));
  CHECK_FALSE(ContainerCredentials(lookup_in({})).load());
  CHECK(error_of([] {
          ContainerCredentials(lookup_in({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://10.0.0.1/creds"},
                                          {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "tok"}}))
              .load();
        }).find("must be https") != std::string::npos);
}

TEST_CASE("instance metadata: the endpoint, the switch, the timeout; no service there means no credentials") {
  const ImdsSettings defaults = imds_settings_from(lookup_in({}));
  CHECK_FALSE(defaults.disabled);
  CHECK(defaults.endpoint == "http://169.254.169.254");
  CHECK(defaults.timeout_ms == 1000);
  CHECK(imds_settings_from(lookup_in({{"AWS_EC2_METADATA_DISABLED", "TRUE"}})).disabled);
  CHECK_FALSE(imds_settings_from(lookup_in({{"AWS_EC2_METADATA_DISABLED", "no"}})).disabled);
  CHECK(imds_settings_from(lookup_in({{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"}})).endpoint ==
        "http://[fd00:ec2::254]");
  CHECK(imds_settings_from(lookup_in({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:5/"}})).endpoint ==
        "http://127.0.0.1:5");
  CHECK(imds_settings_from(lookup_in({{"AWS_METADATA_SERVICE_TIMEOUT", "2.5"}})).timeout_ms == 2500);
  CHECK(imds_settings_from(lookup_in({{"AWS_METADATA_SERVICE_TIMEOUT", "soon"}})).timeout_ms == 1000);
  CHECK_FALSE(ImdsCredentials(lookup_in({{"AWS_EC2_METADATA_DISABLED", "true"}})).load());

  // A loopback port that is bound but not listening refuses connections at once: a machine without the service.
  const int socket_fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(socket_fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(socket_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(socket_fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  CHECK_FALSE(ImdsCredentials(lookup_in({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint}})).load());
  ::close(socket_fd);
}

TEST_CASE("the chain's order: environment, web identity, profile files, container, instance metadata") {
  ScratchFolder scratch;
  const std::string credentials_file =
      scratch.write("credentials", "[default]\naws_access_key_id = AKPROFILE\naws_secret_access_key = S\n");
  Logger logger(LogFormat::text, true);
  const std::map<std::string, std::string> nothing_else = {{"HOME", scratch.path.string() + "/none"},
                                                           {"AWS_EC2_METADATA_DISABLED", "true"}};
  auto with = [&](std::map<std::string, std::string> variables) {
    variables.insert(nothing_else.begin(), nothing_else.end());
    return CredentialCache(default_credential_chain(lookup_in(variables)), logger).current();
  };
  // The environment wins over everything after it (here a web identity setup that would fail if asked).
  const auto from_environment = with({{"AWS_ACCESS_KEY_ID", "AKENV"},
                                      {"AWS_SECRET_ACCESS_KEY", "S"},
                                      {"AWS_ROLE_ARN", "arn:aws:iam::1:role/r"},
                                      {"AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token"},
                                      {"AWS_SHARED_CREDENTIALS_FILE", credentials_file}});
  REQUIRE(from_environment);
  CHECK(from_environment->access_key_id == "AKENV");
  // Web identity is asked before the profile files: its failure shows it was.
  CHECK(error_of([&] {
          with({{"AWS_ROLE_ARN", "arn:aws:iam::1:role/r"},
                {"AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token"},
                {"AWS_SHARED_CREDENTIALS_FILE", credentials_file}});
        }).find("web identity") != std::string::npos);
  // The profile files before the container endpoint (whose FULL_URI here would be refused if asked).
  const auto from_profile = with({{"AWS_SHARED_CREDENTIALS_FILE", credentials_file},
                                  {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://10.0.0.1/creds"}});
  REQUIRE(from_profile);
  CHECK(from_profile->access_key_id == "AKPROFILE");
  CHECK(error_of([&] {
          with({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://10.0.0.1/creds"}});
        }).find("container credentials") != std::string::npos);
  // Nothing set up anywhere: anonymous.
  CHECK(with({}) == nullptr);
}
