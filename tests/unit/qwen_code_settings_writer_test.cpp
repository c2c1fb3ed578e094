// The comment-keeping editor of Qwen Code's settings.json (core/config/qwen_code_settings_writer.*): any
// member named by a JSON pointer set, added or removed as a text edit, everything else left byte for byte;
// and the file function's safety (links, FIFOs, modes, no write when nothing changes, the 1 MiB cap).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <optional>

#include <nlohmann/json.hpp>

#include "config/qwen_code_settings_writer.hpp"
#include "support/temp_dir.hpp"

using namespace qwen::config;
using nlohmann::json;
using qwen::test::read_file;
using qwen::test::TempDir;

namespace {

std::string set(const std::string &text, const std::string &pointer, const json &value) {
  return with_json_value(text, pointer, value, "settings.json");
}

std::string del(const std::string &text, const std::string &pointer) {
  return with_json_value(text, pointer, std::nullopt, "settings.json");
}

// The message of the SettingsWriteError `f` throws, with whether it was a syntax error.
template <typename F>
std::pair<std::string, bool> error_of(F f) {
  try {
    f();
  } catch (const SettingsWriteError &e) {
    return {e.what(), e.syntax_error()};
  }
  FAIL("no SettingsWriteError");
  return {};
}

struct stat stat_of(const std::filesystem::path &p) {
  struct stat st {};
  REQUIRE(::lstat(p.c_str(), &st) == 0);
  return st;
}

}  // namespace

TEST_CASE("settings editor: a member added to an empty object, laid out like the object") {
  CHECK(set("{}", "/a", 1) == "{\n  \"a\": 1\n}");  // an empty root is laid out as Qwen Code writes it
  CHECK(set("{}\n", "/a", json::object({{"b", true}})) == "{\n  \"a\": {\n    \"b\": true\n  }\n}\n");
  CHECK(set("{\"x\": {}}", "/x/a", "v") == "{\"x\": {\"a\": \"v\"}}");
  CHECK(set("{\n  \"x\": {\n  }\n}\n", "/x/a", "v") == "{\n  \"x\": {\n    \"a\": \"v\"\n  }\n}\n");
  // A comment alone in the empty object stays above the new member.
  CHECK(set("{\n  // nothing yet\n}\n", "/a", 1) == "{\n  // nothing yet\n  \"a\": 1\n}\n");
}

TEST_CASE("settings editor: a missing path is created, pretty-printed as JSON.stringify(settings, null, 2) does") {
  const std::string before =
      "{\n"
      "  \"security\": {\n"
      "    \"auth\": {\n"
      "      \"selectedType\": \"openai\"\n"
      "    }\n"
      "  },\n"
      "  \"$version\": 3\n"
      "}\n";
  const json providers = json::array({{{"id", "qwen3-coder-plus"},
                                       {"baseUrl", "https://coding.dashscope.aliyuncs.com/v1"},
                                       {"envKey", "BAILIAN_CODING_PLAN_API_KEY"},
                                       {"generationConfig", {{"extra_body", {{"enable_thinking", true}}}}}}});
  const std::string after = set(before, "/modelProviders/openai", providers);
  CHECK(after ==
        "{\n"
        "  \"security\": {\n"
        "    \"auth\": {\n"
        "      \"selectedType\": \"openai\"\n"
        "    }\n"
        "  },\n"
        "  \"$version\": 3,\n"
        "  \"modelProviders\": {\n"
        "    \"openai\": [\n"
        "      {\n"
        "        \"baseUrl\": \"https://coding.dashscope.aliyuncs.com/v1\",\n"
        "        \"envKey\": \"BAILIAN_CODING_PLAN_API_KEY\",\n"
        "        \"generationConfig\": {\n"
        "          \"extra_body\": {\n"
        "            \"enable_thinking\": true\n"
        "          }\n"
        "        },\n"
        "        \"id\": \"qwen3-coder-plus\"\n"
        "      }\n"
        "    ]\n"
        "  }\n"
        "}\n");
  // The same text is what nlohmann writes for the whole document: the layout is Qwen Code's.
  nlohmann::ordered_json whole = nlohmann::ordered_json::parse(before);
  whole["modelProviders"]["openai"] = providers;
  CHECK(after == whole.dump(2) + "\n");
  // Written again: nothing changes, not even the layout.
  CHECK(set(after, "/modelProviders/openai", providers) == after);
}

TEST_CASE("settings editor: values replaced in place, re-indented to the member's depth") {
  const std::string before =
      "{\n"
      "  \"modelProviders\": {\n"
      "    \"openai\": [{\"id\": \"old\"}], // mine\n"
      "    \"other\": 1\n"
      "  }\n"
      "}\n";
  CHECK(set(before, "/modelProviders/openai", json::array({{{"id", "a"}}, {{"id", "b"}}})) ==
        "{\n"
        "  \"modelProviders\": {\n"
        "    \"openai\": [\n"
        "      {\n"
        "        \"id\": \"a\"\n"
        "      },\n"
        "      {\n"
        "        \"id\": \"b\"\n"
        "      }\n"
        "    ], // mine\n"
        "    \"other\": 1\n"
        "  }\n"
        "}\n");
  // A scalar becomes an object; inside an object written on one line, the value stays on one line.
  CHECK(set(before, "/modelProviders/other", json::object({{"k", json::array({1, 2})}})) ==
        "{\n"
        "  \"modelProviders\": {\n"
        "    \"openai\": [{\"id\": \"old\"}], // mine\n"
        "    \"other\": {\n"
        "      \"k\": [\n"
        "        1,\n"
        "        2\n"
        "      ]\n"
        "    }\n"
        "  }\n"
        "}\n");
  CHECK(set("{\"env\": {\"A\": \"1\", \"B\": 2}}", "/env/B", json::object({{"x", json::array({1, "y"})}})) ==
        "{\"env\": {\"A\": \"1\", \"B\": {\"x\": [1, \"y\"]}}}");
}

TEST_CASE("settings editor: a member removed with its comma, first, middle, last or only") {
  const std::string lines =
      "{\n"
      "  // about a\n"
      "  \"a\": 1, // a's line\n"
      "  \"b\": [\n"
      "    2\n"
      "  ],\n"
      "  /* about c */\n"
      "  \"c\": 3 // c's line\n"
      "}\n";
  CHECK(del(lines, "/a") ==
        "{\n  // about a\n  \"b\": [\n    2\n  ],\n  /* about c */\n  \"c\": 3 // c's line\n}\n");
  CHECK(del(lines, "/b") == "{\n  // about a\n  \"a\": 1, // a's line\n  /* about c */\n  \"c\": 3 // c's line\n}\n");
  CHECK(del(lines, "/c") == "{\n  // about a\n  \"a\": 1, // a's line\n  \"b\": [\n    2\n  ]\n  /* about c */\n}\n");
  CHECK(del("{\n  \"only\": {\"x\": 1} // gone too\n}\n", "/only") == "{\n}\n");

  CHECK(del("{\"a\": 1, \"b\": 2, \"c\": 3}", "/a") == "{\"b\": 2, \"c\": 3}");
  CHECK(del("{\"a\": 1, \"b\": 2, \"c\": 3}", "/b") == "{\"a\": 1, \"c\": 3}");
  CHECK(del("{\"a\": 1, \"b\": 2, \"c\": 3}", "/c") == "{\"a\": 1, \"b\": 2}");
  CHECK(del("{\"x\": {\"only\": 1}}", "/x/only") == "{\"x\": {}}");
  CHECK(del("{\"a\": 1 /* a */, /* b */ \"b\": 2}", "/b") == "{\"a\": 1 /* a */ /* b */ }");
  // Nothing there: the same text, no error.
  CHECK(del("{\"a\": 1}", "/b") == "{\"a\": 1}");
  CHECK(del("{\"a\": 1}", "/x/y/z") == "{\"a\": 1}");
}

TEST_CASE("settings editor: comments around the edit are kept byte for byte") {
  const std::string before =
      "/* head */ {\n"
      "  \"env\": { /* inline */ \"A\": \"1\" }, // after env\n"
      "  \"model\": {\"name\": \"m\"} // the last member, with a comment\n"
      "  /* a trailing block */\n"
      "} // tail\n";
  const std::string added = set(before, "/providerMetadata/coding-plan", json::object({{"region", "cn"}}));
  CHECK(added ==
        "/* head */ {\n"
        "  \"env\": { /* inline */ \"A\": \"1\" }, // after env\n"
        "  \"model\": {\"name\": \"m\"}, // the last member, with a comment\n"
        "  \"providerMetadata\": {\n"
        "    \"coding-plan\": {\n"
        "      \"region\": \"cn\"\n"
        "    }\n"
        "  }\n"
        "  /* a trailing block */\n"
        "} // tail\n");
  CHECK(set(before, "/env/B", "2") ==
        "/* head */ {\n"
        "  \"env\": { /* inline */ \"A\": \"1\", \"B\": \"2\" }, // after env\n"
        "  \"model\": {\"name\": \"m\"} // the last member, with a comment\n"
        "  /* a trailing block */\n"
        "} // tail\n");
  CHECK(del(added, "/providerMetadata") ==
        "/* head */ {\n"
        "  \"env\": { /* inline */ \"A\": \"1\" }, // after env\n"
        "  \"model\": {\"name\": \"m\"} // the last member, with a comment\n"
        "  /* a trailing block */\n"
        "} // tail\n");
}

TEST_CASE("settings editor: CRLF line ends, a byte order mark and a tab-indented file keep their form") {
  const std::string crlf = "\xEF\xBB\xBF{\r\n  \"a\": 1, // one\r\n  \"b\": 2 // two\r\n}\r\n";
  CHECK(set(crlf, "/c", json::object({{"d", 3}})) ==
        "\xEF\xBB\xBF{\r\n  \"a\": 1, // one\r\n  \"b\": 2, // two\r\n  \"c\": {\r\n    \"d\": 3\r\n  }\r\n}\r\n");
  CHECK(del(crlf, "/b") == "\xEF\xBB\xBF{\r\n  \"a\": 1 // one\r\n}\r\n");
  CHECK(del(crlf, "/a") == "\xEF\xBB\xBF{\r\n  \"b\": 2 // two\r\n}\r\n");
  CHECK(set("\xEF\xBB\xBF{}", "/a", 1) == "\xEF\xBB\xBF{\n  \"a\": 1\n}");

  const std::string tabs = "{\n\t\"model\": {\n\t\t\"name\": \"m\"\n\t}\n}\n";
  CHECK(set(tabs, "/security/auth/selectedType", "openai") ==
        "{\n\t\"model\": {\n\t\t\"name\": \"m\"\n\t},\n\t\"security\": {\n\t\t\"auth\": {\n\t\t\t\"selectedType\": "
        "\"openai\"\n\t\t}\n\t}\n}\n");
  // Four spaces, told from a nested object when the root's members share its line.
  CHECK(set("{\"a\": {\n    \"b\": 1\n}}", "/a/c", json::array({1})) == "{\"a\": {\n    \"b\": 1,\n    \"c\": [\n        1\n    ]\n}}");
}

TEST_CASE("settings editor: escaped key names, any Unicode, untouched text never re-encoded") {
  const std::string before = "{\"a/b\": {\"m~n\": 1}, \"caf\\u00e9\": \"\\ud83d\\ude00 \xC3\xA9\", \"\\\"q\\\"\": 2}";
  CHECK(set(before, "/a~1b/m~0n", 5) ==
        "{\"a/b\": {\"m~n\": 5}, \"caf\\u00e9\": \"\\ud83d\\ude00 \xC3\xA9\", \"\\\"q\\\"\": 2}");
  // A key written with escapes is found by what it means.
  CHECK(set(before, "/caf\xC3\xA9", "\xE2\x82\xAC\n\x01") ==
        "{\"a/b\": {\"m~n\": 1}, \"caf\\u00e9\": \"\xE2\x82\xAC\\n\\u0001\", \"\\\"q\\\"\": 2}");
  CHECK(set(before, "/\"q\"", json()) == "{\"a/b\": {\"m~n\": 1}, \"caf\\u00e9\": \"\\ud83d\\ude00 \xC3\xA9\", \"\\\"q\\\"\": null}");
  CHECK(del(before, "/caf\xC3\xA9") == "{\"a/b\": {\"m~n\": 1}, \"\\\"q\\\"\": 2}");
  CHECK(json::parse(set("{}", "/~0~1/", "x")) == json::parse("{\"~/\": {\"\": \"x\"}}"));
  // Text inside strings that looks like structure is not structure.
  const std::string tricky = "{\"note\": \"// not a comment, /* nor this */ {\\\"env\\\": 1}\", \"env\": {}}";
  CHECK(set(tricky, "/env/K", "v") == "{\"note\": \"// not a comment, /* nor this */ {\\\"env\\\": 1}\", \"env\": {\"K\": \"v\"}}");
}

TEST_CASE("settings editor: values in the way, arrays, bad pointers and broken text are refused") {
  auto [in_way, in_way_syntax] = error_of([] { set("{\"env\": \"x\"}", "/env/K", 1); });
  CHECK_FALSE(in_way_syntax);
  CHECK(in_way.find("settings.json: /env is not an object") == 0);
  CHECK(error_of([] { del("{\"env\": null}", "/env/K"); }).first.find("/env is not an object") != std::string::npos);
  auto [array, array_syntax] = error_of([] { set("{\"modelProviders\": {\"openai\": [{}]}}", "/modelProviders/openai/0/id", 1); });
  CHECK_FALSE(array_syntax);
  CHECK(array.find("/modelProviders/openai is an array") != std::string::npos);
  CHECK(array.find("not supported") != std::string::npos);
  CHECK(error_of([] { set("[1]", "/a", 1); }).first == "settings.json: not a JSON object; not changing it");
  CHECK(error_of([] { set("{}", "a", 1); }).first.find("must start with '/'") != std::string::npos);
  CHECK(error_of([] { set("{}", "", 1); }).first.find("must start with '/'") != std::string::npos);
  CHECK(error_of([] { set("{}", "/a~2", 1); }).first.find("'~' not followed by 0 or 1") != std::string::npos);
  CHECK(error_of([] { set("{}", "/a~", 1); }).first.find("'~' not followed by 0 or 1") != std::string::npos);
  // Not UTF-8: cannot be written as JSON.
  CHECK_FALSE(error_of([] { set("{}", "/a", "\xFF"); }).second);
  CHECK_FALSE(error_of([] { set("{}", "/\xFF", 1); }).second);

  auto [syntax, is_syntax] = error_of([] { set("{\n  \"env\": {,\n}", "/env/K", 1); });
  CHECK(is_syntax);
  CHECK(syntax.find("settings.json:2:11:") == 0);
  // A number no double holds: invalid for the reader, so a syntax error here too (the fuzzer found it).
  auto [huge_number, huge_is_syntax] = error_of([] { set("{\"a\": 9e999}", "/b", 1); });
  CHECK(huge_is_syntax);
  CHECK(huge_number.find("settings.json") == 0);
  // Removing the later of two duplicate keys would bring back the earlier one: refused.
  CHECK(error_of([] { del("{\"a\": 1, \"a\": 2}", "/a"); }).first.find("duplicate keys") != std::string::npos);
  CHECK(json::parse(set("{\"a\": {\"x\": 1}, \"a\": {\"y\": 2}}", "/a/z", 3), nullptr, true, true) ==
        json::parse("{\"a\": {\"y\": 2, \"z\": 3}}"));
  // A 1 MiB file on one line with 70,000 objects: edited in linear time (about a second; a pass over the
  // line for each object would take minutes).
  std::string wide = "{";
  while (wide.size() < 1000000) wide += "\"k\": {\"b\": [1]}, ";
  wide += "\"z\": 0}";
  const auto start = std::chrono::steady_clock::now();
  CHECK(set(wide, "/z", 1) == wide.substr(0, wide.size() - 2) + "1}");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  // 100,000 nested arrays: refused, no stack overflow.
  const std::string deep = "{\"a\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  CHECK_FALSE(error_of([&] { set(deep, "/b", 1); }).second);
}

TEST_CASE("settings file editor: created 0600 when missing, mode kept, no write when nothing changes") {
  TempDir d;
  const auto fresh = d.path() / "home/.qwen/settings.json";
  set_json_value(fresh, "/env/K", std::nullopt);  // nothing to remove: nothing created
  CHECK_FALSE(std::filesystem::exists(fresh));
  set_json_value(fresh, "/security/auth/selectedType", json("openai"));
  CHECK(read_file(fresh) == "{\n  \"security\": {\n    \"auth\": {\n      \"selectedType\": \"openai\"\n    }\n  }\n}\n");
  CHECK((stat_of(fresh).st_mode & 07777) == 0600);

  const auto f = d.write("settings.json", "{\n  // mine\n  \"theme\": \"dark\"\n}\n");
  REQUIRE(::chmod(f.c_str(), 0644) == 0);
  set_json_value(f, "/env/BAILIAN_CODING_PLAN_API_KEY", json("sk-sp-test"));
  CHECK(read_file(f) == "{\n  // mine\n  \"theme\": \"dark\",\n  \"env\": {\n    \"BAILIAN_CODING_PLAN_API_KEY\": \"sk-sp-test\"\n  }\n}\n");
  CHECK((stat_of(f).st_mode & 07777) == 0644);
  size_t entries = 0;  // no temporary file left beside it
  for (const auto &e : std::filesystem::directory_iterator(d.path())) entries += e.path().filename() != "" ? 1 : 0;
  CHECK(entries == 2);

  // The same value again, and removing what is not there: the file is not touched at all.
  const struct stat before = stat_of(f);
  const struct timespec old_times[2] = {{1000000000, 0}, {1000000000, 0}};
  REQUIRE(::utimensat(AT_FDCWD, f.c_str(), old_times, AT_SYMLINK_NOFOLLOW) == 0);
  set_json_value(f, "/env/BAILIAN_CODING_PLAN_API_KEY", json("sk-sp-test"));
  set_json_value(f, "/env/OTHER", std::nullopt);
  set_json_value(f, "/absent/deeper", std::nullopt);
  const struct stat after = stat_of(f);
  CHECK(after.st_ino == before.st_ino);
  CHECK(after.st_mtim.tv_sec == 1000000000);

  set_json_value(f, "/env", std::nullopt);
  CHECK(read_file(f) == "{\n  // mine\n  \"theme\": \"dark\"\n}\n");
}

TEST_CASE("settings file editor: a link, a FIFO, a value in the way, a broken file and a huge value change nothing") {
  TempDir d;
  const auto target = d.write("real/settings.json", "{}");
  const auto link = d.path() / "link/settings.json";
  std::filesystem::create_directories(link.parent_path());
  std::filesystem::create_symlink(target, link);
  auto [linked, linked_syntax] = error_of([&] { set_json_value(link, "/a", json(1)); });
  CHECK_FALSE(linked_syntax);
  CHECK(linked.find("symbolic link") != std::string::npos);
  CHECK(read_file(target) == "{}");
  CHECK(std::filesystem::is_symlink(link));

  const auto fifo = d.path() / "fifo.json";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const auto start = std::chrono::steady_clock::now();
  CHECK(error_of([&] { set_json_value(fifo, "/a", json(1)); }).first.find("FIFO") != std::string::npos);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));

  const std::string in_way_text = "{\n  \"env\": \"not an object\" // keep\n}\n";
  const auto in_way = d.write("in_way.json", in_way_text);
  CHECK_FALSE(error_of([&] { set_json_value(in_way, "/env/K", json("v")); }).second);
  CHECK(read_file(in_way) == in_way_text);

  const std::string broken_text = "{\n  \"env\": {\"K\": \"sk-secret-value\"},\n  \"model\": x\n}\n";
  const auto broken = d.write("broken.json", broken_text);
  auto [message, is_syntax] = error_of([&] { set_json_value(broken, "/env/K", json("v")); });
  CHECK(is_syntax);
  CHECK(message.find(broken.string() + ":3:12:") == 0);
  CHECK(message.find("sk-secret") == std::string::npos);
  CHECK(read_file(broken) == broken_text);

  const auto small = d.write("small.json", "{\"a\": 1}");
  auto [huge, huge_syntax] = error_of([&] { set_json_value(small, "/big", json(std::string(1 << 20, 'x'))); });
  CHECK_FALSE(huge_syntax);
  CHECK(huge.find("1 MiB") != std::string::npos);
  CHECK(read_file(small) == "{\"a\": 1}");
}
