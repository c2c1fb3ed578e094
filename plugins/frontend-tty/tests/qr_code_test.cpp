// The QR code drawing: square, half blocks, quiet zone, and the right size for the URL.
#include <catch2/catch.hpp>

#include <qrencode.h>

#include "qr_code.hpp"

using namespace tty_frontend;

namespace {
// Cells of a UTF-8 line made of spaces and the three block characters (each 3 bytes).
int cells(const std::string &line) {
  int n = 0;
  for (size_t i = 0; i < line.size();) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    i += c < 0x80 ? 1 : c >= 0xE0 ? 3 : 2;
    ++n;
  }
  return n;
}
}  // namespace

TEST_CASE("a URL is drawn two modules per line, with a blank quiet zone around it", "[tty][qr]") {
  const std::string url = "http://127.0.0.1:8080/authorize?user_code=WDJB-MJHT";
  QRcode *ref = QRcode_encodeString(url.c_str(), 0, QR_ECLEVEL_L, QR_MODE_8, 1);
  REQUIRE(ref != nullptr);
  const int modules = ref->width;
  const bool top_left_dark = ref->data[0] & 1;
  QRcode_free(ref);

  QrDrawing d = draw_qr_code(url, false, 2);
  CHECK(d.width == modules + 4);
  REQUIRE(d.lines.size() == static_cast<size_t>((modules + 4 + 1) / 2));
  for (const auto &line : d.lines) CHECK(cells(line) == d.width);
  CHECK(d.lines.front().find_first_not_of(' ') == std::string::npos);  // quiet zone
  // The finder pattern's corner: module (0,0) is dark, it sits in line 1 (rows 2 and 3), cell 2, as its top half.
  CHECK(top_left_dark);
  const std::string second = d.lines[1];
  CHECK(second.substr(2, 3) == "\u2588");  // rows 2 and 3 of column 2 are both dark (finder pattern edge)
}

TEST_CASE("colours wrap each line in black on white and reset it", "[tty][qr]") {
  QrDrawing d = draw_qr_code("hello", true);
  REQUIRE_FALSE(d.lines.empty());
  CHECK(d.lines[0].rfind("\x1b[30;47m", 0) == 0);
  CHECK(d.lines[0].size() > 4);
  CHECK(d.lines[0].substr(d.lines[0].size() - 4) == "\x1b[0m");
}
