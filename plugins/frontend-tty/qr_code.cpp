#include "qr_code.hpp"

#include <qrencode.h>

#include <memory>

namespace tty_frontend {

QrDrawing draw_qr_code(const std::string &text, bool colors, int margin) {
  QrDrawing d;
  std::unique_ptr<QRcode, void (*)(QRcode *)> qr(QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_L, QR_MODE_8, 1),
                                                 QRcode_free);
  if (!qr) return d;
  const int n = qr->width;
  const int size = n + 2 * margin;
  auto dark = [&](int x, int y) {
    x -= margin;
    y -= margin;
    return x >= 0 && y >= 0 && x < n && y < n && (qr->data[y * n + x] & 1);
  };
  for (int y = 0; y < size; y += 2) {
    std::string line = colors ? "\x1b[30;47m" : "";
    for (int x = 0; x < size; ++x) {
      const bool top = dark(x, y), bottom = y + 1 < size && dark(x, y + 1);
      line += top && bottom ? "\u2588" : top ? "\u2580" : bottom ? "\u2584" : " ";
    }
    if (colors) line += "\x1b[0m";
    d.lines.push_back(std::move(line));
  }
  d.width = size;
  return d;
}

}  // namespace tty_frontend
