// Remembering the /auth choice without destroying the user's config.toml.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "config/config_writer.hpp"
#include "support/temp_dir.hpp"

using qwen::config::set_top_level_string;
using qwen::test::read_file;
using qwen::test::TempDir;

TEST_CASE("an existing top-level key is replaced in place, comments and tables stay") {
  TempDir d;
  auto f = d.write("config.toml",
                   "# my settings\nauth = \"openai\"  # old\nfrontend = \"tty\"\n\n[plugins.openai]\n"
                   "# keep me\nauth = \"not this one\"\n");
  set_top_level_string(f, "auth", "qwen-oauth");
  CHECK(read_file(f) ==
        "# my settings\nauth = \"qwen-oauth\"\nfrontend = \"tty\"\n\n[plugins.openai]\n"
        "# keep me\nauth = \"not this one\"\n");
}

TEST_CASE("a missing key is added before the first table") {
  TempDir d;
  auto f = d.write("config.toml", "# top\n[network]\nmax_retries = 1\n");
  set_top_level_string(f, "auth", "openai");
  CHECK(read_file(f) == "# top\nauth = \"openai\"\n[network]\nmax_retries = 1\n");
}

TEST_CASE("a missing file is created, with its folder") {
  TempDir d;
  set_top_level_string(d.path() / "new/.qwen/config.toml", "auth", "openai");
  CHECK(read_file(d.path() / "new/.qwen/config.toml") == "auth = \"openai\"\n");
}

TEST_CASE("values are escaped as TOML strings") {
  TempDir d;
  auto f = d.path() / "c.toml";
  set_top_level_string(f, "auth", "we\"ird\\id");
  CHECK(read_file(f) == "auth = \"we\\\"ird\\\\id\"\n");
}

TEST_CASE("a file with a syntax error is left untouched") {
  TempDir d;
  const std::string broken = "auth = = \n# keep\n";
  auto f = d.write("c.toml", broken);
  CHECK_THROWS_WITH(set_top_level_string(f, "auth", "openai"), Catch::Contains("syntax error"));
  CHECK(read_file(f) == broken);
}

// Found by fuzz/config_writer_fuzzer: with CRLF line ends no line matched (std::regex's `.` stops at a CR),
// so the key went after the last table: `[network]` silently gained an `auth`, the top level kept the old one.
TEST_CASE("a config.toml with CRLF line ends gets its top-level key replaced") {
  TempDir d;
  auto f = d.write("config.toml", "auth = \"openai\"\r\nfrontend = \"tty\"\r\n[network]\r\nmax_retries = 2\r\n");
  set_top_level_string(f, "auth", "qwen-oauth");
  CHECK(read_file(f) == "auth = \"qwen-oauth\"\nfrontend = \"tty\"\r\n[network]\r\nmax_retries = 2\r\n");
}

// Found by fuzz/config_writer_fuzzer: a line inside a multi-line string was taken for the setting and
// rewritten, changing the user's text and leaving the key unset.
TEST_CASE("a write that would change anything but the key is refused, and the file kept") {
  TempDir d;
  const std::string text = "note = \"\"\"\nauth = \"inside a string\"\n\"\"\"\nfrontend = \"pipe\"\n";
  auto f = d.write("config.toml", text);
  CHECK_THROWS_AS(set_top_level_string(f, "auth", "openai"), std::runtime_error);
  CHECK(read_file(f) == text);
}
