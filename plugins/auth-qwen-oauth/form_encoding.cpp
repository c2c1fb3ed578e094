#include "form_encoding.hpp"

namespace qwen_oauth {

std::string uri_component(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    bool keep = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' || u == '_' ||
                u == '.' || u == '!' || u == '~' || u == '*' || u == '\'' || u == '(' || u == ')';
    if (keep) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

std::string form_encode(const FormFields &fields) {
  std::string out;
  for (const auto &[key, value] : fields) {
    if (!out.empty()) out += '&';
    out += uri_component(key);
    out += '=';
    out += uri_component(value);
  }
  return out;
}

}  // namespace qwen_oauth
