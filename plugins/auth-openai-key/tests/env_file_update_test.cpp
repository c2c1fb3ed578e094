// Keeping typed-in settings in a .env file: the user's other lines survive
// byte for byte, our keys are replaced where they stand, values are quoted so
// dotenv reads them back, and values that cannot be written are refused.
#include <catch2/catch.hpp>

#include "env_file_update.hpp"

using namespace openai_key;

TEST_CASE("an empty or missing file gets the keys, one per line", "[env-file]") {
  CHECK(update_env_text("", {{"OPENAI_API_KEY", "sk-abc123"}, {"OPENAI_MODEL", "qwen3-coder-plus"}}) ==
        "OPENAI_API_KEY=sk-abc123\nOPENAI_MODEL=qwen3-coder-plus\n");
}

TEST_CASE("other lines, comments and blank lines stay byte for byte, keys are replaced in place", "[env-file]") {
  const std::string before =
      "# my tools\nDEBUG=1\n\n  export OPENAI_API_KEY=old-key   # the old one\nOTHER='x y'\nOPENAI_BASE_URL=http://a\n";
  auto after = update_env_text(before, {{"OPENAI_API_KEY", "sk-new"}, {"OPENAI_BASE_URL", "https://b/v1"}});
  REQUIRE(after);
  CHECK(*after == "# my tools\nDEBUG=1\n\nOPENAI_API_KEY=sk-new\nOTHER='x y'\nOPENAI_BASE_URL=https://b/v1\n");
}

TEST_CASE("a later duplicate of a key is dropped, so it cannot win over the new value", "[env-file]") {
  auto after = update_env_text("OPENAI_MODEL=a\nKEEP=1\nOPENAI_MODEL=b\n", {{"OPENAI_MODEL", "c"}});
  REQUIRE(after);
  CHECK(*after == "OPENAI_MODEL=c\nKEEP=1\n");
}

TEST_CASE("CRLF files stay CRLF, and a last line without a newline is not glued to ours", "[env-file]") {
  CHECK(update_env_text("A=1\r\nB=2", {{"OPENAI_MODEL", "m"}}) ==
        std::optional<std::string>("A=1\r\nB=2\r\nOPENAI_MODEL=m\r\n"));
  CHECK(update_env_text("A=1", {{"OPENAI_MODEL", "m"}}) == std::optional<std::string>("A=1\nOPENAI_MODEL=m\n"));
  CHECK(update_env_text("OPENAI_MODEL=x\r\n", {{"OPENAI_MODEL", "m"}}) ==
        std::optional<std::string>("OPENAI_MODEL=m\r\n"));
}

TEST_CASE("lines that only look like our keys are not touched", "[env-file]") {
  const std::string before = "# OPENAI_API_KEY=commented\nOPENAI_API_KEY_BACKUP=keep\nexport\nOPENAI_API_KEYS=z\n";
  auto after = update_env_text(before, {{"OPENAI_API_KEY", "k"}});
  REQUIRE(after);
  CHECK(*after == before + "OPENAI_API_KEY=k\n");
}

TEST_CASE("values are quoted so that dotenv reads back exactly them", "[env-file]") {
  CHECK(quote_env_value("sk-or-v1_ABC.def") == std::optional<std::string>("sk-or-v1_ABC.def"));
  CHECK(quote_env_value("https://api.example.com/v1?x=1&y=2") ==
        std::optional<std::string>("'https://api.example.com/v1?x=1&y=2'"));
  CHECK(quote_env_value("has # hash") == std::optional<std::string>("'has # hash'"));
  CHECK(quote_env_value("it's") == std::optional<std::string>("\"it's\""));
  CHECK(quote_env_value("") == std::optional<std::string>("''"));
}

TEST_CASE("values no quoting can carry are refused, and nothing is produced", "[env-file]") {
  CHECK_FALSE(quote_env_value("two\nlines"));
  CHECK_FALSE(quote_env_value("cr\rhere"));
  CHECK_FALSE(quote_env_value("both ' and \""));
  CHECK_FALSE(quote_env_value("it's a back\\slash"));
  CHECK_FALSE(update_env_text("KEEP=1\n", {{"OPENAI_MODEL", "ok"}, {"OPENAI_API_KEY", "bad\nkey"}}));
}
