// A session/prompt's content blocks as the user's message.
#include <catch2/catch.hpp>

#include "prompt_text.hpp"

using nlohmann::json;

TEST_CASE("prompt blocks: text, resource_link and embedded text resources are read", "[acp][prompt]") {
  auto p = acp::prompt_text(json::parse(R"([
    {"type":"text","text":"Explain this"},
    {"type":"resource_link","uri":"file:///src/a.cpp","name":"a.cpp"},
    {"type":"resource","resource":{"uri":"file:///src/b.h","text":"int b;","mimeType":"text/x-c"}}])"));
  REQUIRE(p.error.empty());
  CHECK(p.text == "Explain this\n\n[a.cpp](file:///src/a.cpp)\n\nContents of file:///src/b.h:\n```\nint b;\n```");
}

TEST_CASE("prompt blocks: what is not advertised or malformed is refused in words", "[acp][prompt]") {
  for (const char *bad : {R"("text")", R"([{"text":"no type"}])", R"([{"type":"text"}])",
                          R"([{"type":"image","data":"AA==","mimeType":"image/png"}])",
                          R"([{"type":"resource","resource":{"uri":"file:///x","blob":"AA=="}}])",
                          R"([{"type":"resource_link","uri":"file:///x"}])", R"([42])"}) {
    INFO(bad);
    auto p = acp::prompt_text(json::parse(bad));
    CHECK_FALSE(p.error.empty());
  }
  CHECK(acp::prompt_text(json::array()).error.empty());
}
