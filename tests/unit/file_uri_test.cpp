// file:// uris (RFC 8089) wherever a local path is accepted, and --local-root admission.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/errors.hpp"
#include "source/file_uri.hpp"
#include "source/local_roots.hpp"

namespace {

std::string path_of(std::string_view uri) {
  std::string path, error;
  if (!sluice::local_path_from_uri(uri, path, error)) return "ERROR: " + error;
  return path;
}

}  // namespace

TEST_CASE("file_uri: absolute paths, file:///p, file://localhost/p, percent-decoded") {
  CHECK(path_of("/data/x.csv") == "/data/x.csv");
  CHECK(path_of("file:///data/x.csv") == "/data/x.csv");
  CHECK(path_of("file://localhost/data/x.csv") == "/data/x.csv");
  CHECK(path_of("FILE://LocalHost/data/x.csv") == "/data/x.csv");
  CHECK(path_of("file:/data/x.csv") == "/data/x.csv");
  CHECK(path_of("file:///data/a%20b%2Bc.csv") == "/data/a b+c.csv");
  CHECK(path_of("file:///data/x.csv?version=2") == "/data/x.csv");
}

TEST_CASE("file_uri: other hosts, relative paths and broken escapes are errors") {
  CHECK(path_of("file://otherhost/data/x.csv").starts_with("ERROR"));
  CHECK(path_of("file://localhostx/data/x.csv").starts_with("ERROR"));
  CHECK(path_of("relative/x.csv").starts_with("ERROR"));
  CHECK(path_of("file://").starts_with("ERROR"));
  CHECK(path_of("file:///data/%zz.csv").starts_with("ERROR"));
  CHECK(path_of("file:///data/%2").starts_with("ERROR"));
  CHECK(path_of("file:///data/a%00b").starts_with("ERROR"));
  CHECK(path_of("file:///data/a%2Fb").starts_with("ERROR"));
  CHECK(sluice::is_file_uri("File:///x"));
  CHECK_FALSE(sluice::is_file_uri("/file:/x"));
}

TEST_CASE("local_roots: only files that resolve under a root are admitted, none opened") {
  namespace fs = std::filesystem;
  const fs::path top = fs::temp_directory_path() / ("sluice_roots_" + std::to_string(::getpid()));
  fs::remove_all(top);
  fs::create_directories(top / "root" / "sub");
  fs::create_directories(top / "outside");
  std::ofstream(top / "root" / "sub" / "in.csv") << "x\n";
  std::ofstream(top / "outside" / "secret.csv") << "secret\n";
  fs::create_symlink(top / "outside" / "secret.csv", top / "root" / "link.csv");

  const sluice::LocalRoots roots({(top / "root").string()});
  std::string refusal;
  auto admitted = roots.admit((top / "root" / "sub" / ".." / "sub" / "in.csv").string(), refusal);
  REQUIRE(admitted.has_value());
  CHECK(admitted->uri == fs::canonical(top / "root" / "sub" / "in.csv").string());
  CHECK(admitted->size == 2);
  CHECK(admitted->inode != 0);
  CHECK_FALSE(roots.admit((top / "outside" / "secret.csv").string(), refusal));
  CHECK(refusal.find("not under any --local-root") != std::string::npos);
  CHECK_FALSE(roots.admit((top / "root" / "link.csv").string(), refusal));
  CHECK(refusal.find("not under any --local-root") != std::string::npos);
  CHECK_FALSE(roots.admit((top / "root" / ".." / "outside" / "secret.csv").string(), refusal));
  CHECK_FALSE(roots.admit((top / "root" / "missing.csv").string(), refusal));
  CHECK(refusal.find("no such file") != std::string::npos);
  CHECK_FALSE(roots.admit((top / "root" / "sub").string(), refusal));
  CHECK(refusal.find("not a regular file") != std::string::npos);

  const sluice::LocalRoots none({});
  CHECK_FALSE(none.admit((top / "root" / "sub" / "in.csv").string(), refusal));
  CHECK(refusal.find("refused") != std::string::npos);
  CHECK_THROWS_AS(sluice::LocalRoots({(top / "nope").string()}), sluice::UsageError);
  CHECK(sluice::name_included("s3://b/site/x.csv.gz", {"*.csv.gz"}));
  CHECK_FALSE(sluice::name_included("s3://b/site/_SUCCESS", {"*.csv"}));
  CHECK_FALSE(sluice::name_included("/d/.hidden.csv", {"*.csv"}));
  fs::remove_all(top);
}
