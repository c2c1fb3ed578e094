// qwen/sdk/terminal_text.hpp: a stranger's text made safe to show on a terminal.
#include <catch2/catch.hpp>

#include <qwen/sdk/terminal_text.hpp>

using qwen::sdk::has_terminal_controls;
using qwen::sdk::terminal_safe;

TEST_CASE("terminal_safe shows escape sequences and other controls instead of running them") {
  CHECK(terminal_safe("\x1b]0;pwned\x07") == "^[]0;pwned^G");
  CHECK(terminal_safe("a\x1b[2Jb") == "a^[[2Jb");
  CHECK(terminal_safe(std::string("nul\0byte", 8)) == "nul^@byte");
  CHECK(terminal_safe("over\rwrite") == "over^Mwrite");
  CHECK(terminal_safe("back\bspace del\x7f") == "back^Hspace del^?");
}

TEST_CASE("terminal_safe keeps newline, tab, CRLF and every printable character") {
  const std::string clean = "line 1\n\tline 2\r\nünïcödé — 漢字 🙂 ~!@#$%^&*()";
  CHECK_FALSE(has_terminal_controls(clean));
  CHECK(terminal_safe(clean) == clean);
}

TEST_CASE("terminal_safe shows C1 controls, as characters and as stray bytes") {
  CHECK(terminal_safe("a\xc2\x9b" "2Jb") == "a\\u009b2Jb");  // U+009B, CSI
  CHECK(terminal_safe("a\x9b" "2Jb") == "a\\x9b2Jb");        // the raw byte an 8-bit terminal takes for CSI
  CHECK(terminal_safe("\xe2\x80\x94") == "\xe2\x80\x94");    // an em dash: 0x80 and 0x94 inside a character
  CHECK(terminal_safe("bad \xff\xfe bytes") == "bad \xff\xfe bytes");  // not UTF-8, not controls: kept
}
