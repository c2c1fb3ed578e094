// qwen/sdk/url.hpp — small URL facts plugins and the host both need.
#ifndef QWEN_SDK_URL_HPP
#define QWEN_SDK_URL_HPP

#include <string>
#include <string_view>

namespace qwen::sdk {

// The host part of an http(s) URL ("[::1]" gives "::1"), or empty.
inline std::string url_host(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    return close == std::string_view::npos ? std::string() : std::string(rest.substr(1, close - 1));
  }
  return std::string(rest.substr(0, rest.find(':')));
}

// True for a dotted-quad IPv4 address in 127.0.0.0/8 ("127.0.0.1.example.com" is not).
inline bool is_loopback_ipv4(std::string_view host) {
  int parts = 0;
  size_t start = 0;
  while (start <= host.size()) {
    size_t dot = host.find('.', start);
    std::string_view part = host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (part.empty() || part.size() > 3 || part.find_first_not_of("0123456789") != std::string_view::npos) return false;
    if (std::stoi(std::string(part)) > 255) return false;
    if (parts == 0 && part != "127") return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

// True when the URL's host is this machine: 127.0.0.0/8, ::1 or localhost.
inline bool is_loopback_url(std::string_view url) {
  std::string host = url_host(url);
  return host == "localhost" || host == "::1" || is_loopback_ipv4(host);
}

// True for plain-http URLs that leave this machine (credentials would travel in clear).
inline bool is_insecure_remote_url(std::string_view url) {
  return url.substr(0, 7) == "http://" && !is_loopback_url(url);
}

}  // namespace qwen::sdk

#endif  // QWEN_SDK_URL_HPP
