// Redaction (lib/core/redact.hpp): no password reaches a log, an error or the runs table.
#include <doctest/doctest.h>

#include <string>

#include "core/redact.hpp"

using sluice::redact_dsn;
using sluice::redact_secrets;

TEST_CASE("redact: URI passwords") {
  CHECK(redact_dsn("postgresql://u:s3cret@h/db") == "postgresql://u:***@h/db");
  CHECK(redact_dsn("postgres://loader:s3cret@db.example.com:5432/sensors?sslmode=require") ==
        "postgres://loader:***@db.example.com:5432/sensors?sslmode=require");
  CHECK(redact_dsn("POSTGRESQL://u:s3cret@h/db") == "POSTGRESQL://u:***@h/db");
  CHECK(redact_dsn("postgresql://:s3cret@h/db") == "postgresql://:***@h/db");
  CHECK(redact_dsn("postgresql://u:p%40ss@h/db") == "postgresql://u:***@h/db");
}

TEST_CASE("redact: key=value passwords, quoted or not") {
  CHECK(redact_dsn("host=h user=u password=s3cret dbname=d") == "host=h user=u password=*** dbname=d");
  CHECK(redact_dsn("password=s3cret") == "password=***");
  CHECK(redact_dsn("password='a b' host=h") == "password=*** host=h");
  CHECK(redact_dsn("host=h password='it\\'s secret'") == "host=h password=***");
  CHECK(redact_dsn("host=h password = s3cret port=5432") == "host=h password = *** port=5432");
  CHECK(redact_dsn("host=h PASSWORD=s3cret") == "host=h PASSWORD=***");
}

TEST_CASE("redact: a password in the URI query") {
  CHECK(redact_dsn("postgresql://u@h/db?password=x&sslmode=require") ==
        "postgresql://u@h/db?password=***&sslmode=require");
  CHECK(redact_dsn("postgresql:///db?host=/tmp&password=s3cret") == "postgresql:///db?host=/tmp&password=***");
}

TEST_CASE("redact: the secret never survives") {
  for (const char* dsn : {"postgresql://u:s3cret@h/db", "password=s3cret", "password='s3cret'",
                          "postgresql://u@h/db?password=s3cret", "postgres://u:s3cret@h/db?password=s3cret"}) {
    INFO("dsn = " << dsn);
    CHECK(redact_dsn(dsn).find("s3cret") == std::string::npos);
  }
}

TEST_CASE("redact: DSNs without a password are unchanged") {
  for (const char* dsn :
       {"postgresql://u@h/db", "postgresql://u@h:5432/db", "postgresql://h:5432/db", "postgresql:///db",
        "host=h user=u dbname=d", "", "service=prod", "postgresql://u@h/db?sslmode=require&application_name=sluice"}) {
    INFO("dsn = " << dsn);
    CHECK(redact_dsn(dsn) == dsn);
  }
}

TEST_CASE("redact: redact_secrets replaces every occurrence of each secret") {
  CHECK(redact_secrets("key AKIA123 and AKIA123 again", {"AKIA123"}) == "key *** and *** again");
  CHECK(redact_secrets("id=AKIA secret=wJalr token=tk9", {"AKIA", "wJalr", "tk9"}) == "id=*** secret=*** token=***");
  CHECK(redact_secrets("aaaa", {"a"}) == "************");
  CHECK(redact_secrets("xyxy", {"xy"}) == "******");
  CHECK(redact_secrets("nothing here", {"s3cret"}) == "nothing here");
  CHECK(redact_secrets("keep", {""}) == "keep");
  CHECK(redact_secrets("", {"s3cret"}) == "");
  CHECK(redact_secrets("a s3cret b", {"", "s3cret"}) == "a *** b");
}
