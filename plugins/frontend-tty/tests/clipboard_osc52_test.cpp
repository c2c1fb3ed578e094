// /copy: the OSC 52 sequence, and what is copied (the raw answer, its last
// code block) or said instead.
#include <catch2/catch.hpp>

#include "clipboard_osc52.hpp"

using namespace tty_frontend;

TEST_CASE("copy: OSC 52 carries the bytes in base64, so an escape in them cannot end the sequence", "[copy]") {
  CHECK(osc52_sequence("hi") == "\x1b]52;c;aGk=\x07");
  const std::string seq = osc52_sequence("a\x1b]0;x\x07z");
  CHECK(seq.find('\x1b', 1) == std::string::npos);
  CHECK(seq.find('\x07') == seq.size() - 1);
}

TEST_CASE("copy: the last answer raw, or its last code block, or one line saying why not", "[copy]") {
  const std::string answer = "# T\n\n```sh\necho hi\n```\n";
  CopyOutcome all = copy_command(answer, "", true);
  CHECK(all.sequence == osc52_sequence(answer));
  CHECK(all.message == "Copied the last answer (23 bytes) to the clipboard.\n");
  CopyOutcome code = copy_command(answer, "code", true);
  CHECK(code.sequence == osc52_sequence("echo hi\n"));
  CHECK(code.message == "Copied the last code block (sh, 1 line) to the clipboard.\n");
  CHECK(copy_command("no code", "code", true).sequence.empty());
  CHECK(copy_command("", "", true).message.find("Nothing to copy") == 0);
  CHECK(copy_command(answer, "", false).sequence.empty());
  CHECK(copy_command(answer, "everything", true).message.find("Usage: /copy") == 0);
}
