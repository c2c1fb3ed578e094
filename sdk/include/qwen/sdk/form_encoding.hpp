// qwen/sdk/form_encoding.hpp — application/x-www-form-urlencoded bodies for
// OAuth requests (RFC 6749 appendix B), the way browsers' and Node's
// encodeURIComponent write them: a space is %20 (never '+', which some
// servers read literally), every byte but A-Z a-z 0-9 - _ . ! ~ * ' ( ) is
// %XX in upper-case hex, and fields stay in the order given.
//
//   std::string body = qwen::sdk::form_encode({{"grant_type", "client_credentials"}, {"scope", "a b"}});
//   // "grant_type=client_credentials&scope=a%20b"
#ifndef QWEN_SDK_FORM_ENCODING_HPP
#define QWEN_SDK_FORM_ENCODING_HPP

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qwen::sdk {

// Fields of a form, in order (a name may repeat).
using FormFields = std::vector<std::pair<std::string, std::string>>;

// encodeURIComponent of `text`'s bytes (UTF-8 stays UTF-8, each byte %XX).
inline std::string uri_component(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const bool keep = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' ||
                      u == '_' || u == '.' || u == '!' || u == '~' || u == '*' || u == '\'' || u == '(' || u == ')';
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

// "k1=v1&k2=v2", each name and value encoded with uri_component.
inline std::string form_encode(const FormFields &fields) {
  std::string out;
  for (const auto &[name, value] : fields) {
    if (!out.empty()) out += '&';
    out += uri_component(name);
    out += '=';
    out += uri_component(value);
  }
  return out;
}

}  // namespace qwen::sdk

#endif  // QWEN_SDK_FORM_ENCODING_HPP
