// qr_code.hpp — a QR code for the sign-in URL, drawn with Unicode half blocks
// (two modules per character cell, so it stays square and small), so a phone
// can open the URL when the terminal is on another machine.
#pragma once

#include <string>
#include <vector>

namespace tty_frontend {

struct QrDrawing {
  std::vector<std::string> lines;  // UTF-8, all the same width in cells
  int width = 0;                   // cells per line, quiet zone included
};

// The code for `text`, with a quiet zone of `margin` modules. Empty when the text cannot be encoded.
// `colors`: wrap each line in SGR black-on-white, so the code reads right on dark and light themes.
QrDrawing draw_qr_code(const std::string &text, bool colors, int margin = 2);

}  // namespace tty_frontend
