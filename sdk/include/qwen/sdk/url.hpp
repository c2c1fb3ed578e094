// qwen/sdk/url.hpp — URL facts plugins and the host both need, decided on
// URLs parsed by libcurl's URL API (curl_url), the same parser that later
// sends the request: so "HTTP://10.1.2.3", "http://127.1/" or
// "https://user:pw@Host:443" are classified as libcurl will connect, never by
// a hand-written look at the string's first characters.
//
// Scheme and host are compared case-insensitively (both are returned in lower
// case), the default port is filled in ("https://x" and "https://x:443" are
// one origin), userinfo is never mistaken for the host, IPv6 literals come
// without their brackets. Plugins using this header link libcurl (the
// QwenSDK::sdk target carries CURL::libcurl).
#ifndef QWEN_SDK_URL_HPP
#define QWEN_SDK_URL_HPP

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>

#include <cctype>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace qwen::sdk {

// The parts of an absolute URL. Parts are as written (percent-encoding kept),
// except scheme and host, which are lower-cased.
struct ParsedUrl {
  std::string scheme;    // "https"
  std::string user;      // userinfo before ':', may be empty
  std::string password;  // userinfo after ':', may be empty
  bool has_password = false;
  std::string host;      // "chat.qwen.ai", "127.0.0.1", "::1" (no brackets)
  std::string port;      // always set: explicit, else the scheme's default ("443")
  std::string path;      // "/" at least
  std::string query;     // without '?'
  std::string fragment;  // without '#'

  // scheme://host:port, the unit a credential belongs to.
  std::string origin() const {
    const bool v6 = host.find(':') != std::string::npos;
    return scheme + "://" + (v6 ? "[" + host + "]" : host) + ":" + port;
  }
};

namespace detail {

struct CurlUrlFree {
  void operator()(CURLU *u) const { curl_url_cleanup(u); }
};
using CurlUrl = std::unique_ptr<CURLU, CurlUrlFree>;

inline std::optional<std::string> curl_url_part(CURLU *u, CURLUPart part, unsigned flags = 0) {
  char *value = nullptr;
  if (curl_url_get(u, part, &value, flags) != CURLUE_OK || !value) return std::nullopt;
  std::string out(value);
  curl_free(value);
  return out;
}

inline std::string ascii_lower(std::string s) {
  for (auto &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// libcurl parses any scheme with CURLU_NON_SUPPORT_SCHEME; without it, only the ones it was built for.
inline CurlUrl curl_parse(std::string_view url, unsigned flags) {
  // A NUL inside would make curl see a shorter URL than the caller holds.
  if (url.empty() || url.find('\0') != std::string_view::npos) return nullptr;
  CurlUrl u(curl_url());
  if (!u) return nullptr;
  const std::string text(url);
  if (curl_url_set(u.get(), CURLUPART_URL, text.c_str(), flags) != CURLUE_OK) return nullptr;
  return u;
}

}  // namespace detail

// The URL's parts, or nullopt when it is not an absolute URL with a host
// (no scheme, "not a url", a bad port, spaces ...). Any scheme is parsed; see is_http_url.
inline std::optional<ParsedUrl> parse_url(std::string_view url) {
  auto u = detail::curl_parse(url, CURLU_NON_SUPPORT_SCHEME);
  if (!u) return std::nullopt;
  ParsedUrl p;
  auto scheme = detail::curl_url_part(u.get(), CURLUPART_SCHEME);
  auto host = detail::curl_url_part(u.get(), CURLUPART_HOST);
  if (!scheme || !host || host->empty()) return std::nullopt;
  p.scheme = detail::ascii_lower(*scheme);
  p.host = detail::ascii_lower(*host);
  if (p.host.size() >= 2 && p.host.front() == '[' && p.host.back() == ']') p.host = p.host.substr(1, p.host.size() - 2);
  p.user = detail::curl_url_part(u.get(), CURLUPART_USER).value_or("");
  if (auto pw = detail::curl_url_part(u.get(), CURLUPART_PASSWORD)) {
    p.password = *pw;
    p.has_password = true;
  }
  p.port = detail::curl_url_part(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT).value_or("");
  p.path = detail::curl_url_part(u.get(), CURLUPART_PATH).value_or("/");
  p.query = detail::curl_url_part(u.get(), CURLUPART_QUERY).value_or("");
  p.fragment = detail::curl_url_part(u.get(), CURLUPART_FRAGMENT).value_or("");
  return p;
}

// True when the text starts with an explicit scheme ("HTTP://x", "ftp://x"); false for
// "portal.qwen.ai", "localhost:8080" or "api.example.com:9000/api", which are host[:port][/path].
inline bool has_url_scheme(std::string_view url) { return parse_url(url).has_value(); }

// True for an http or https URL (any case) with a host.
inline bool is_http_url(std::string_view url) {
  auto p = parse_url(url);
  return p && (p->scheme == "http" || p->scheme == "https");
}

// The host of a URL in lower case ("[::1]" gives "::1"), or empty when it does not parse.
inline std::string url_host(std::string_view url) {
  auto p = parse_url(url);
  return p ? p->host : std::string();
}

// True for a dotted-quad IPv4 address in 127.0.0.0/8 ("127.0.0.1.example.com" is not).
inline bool is_loopback_ipv4(std::string_view host) {
  const std::string text(host);
  in_addr a{};
  // inet_pton takes exactly four decimal parts; libcurl has already turned "127.1" or "0x7f.1" into that form.
  if (inet_pton(AF_INET, text.c_str(), &a) != 1) return false;
  return (ntohl(a.s_addr) >> 24) == 127;
}

// True for ::1 and for an IPv4-mapped loopback address (::ffff:127.x.y.z).
inline bool is_loopback_ipv6(std::string_view host) {
  std::string text(host);
  if (auto zone = text.find('%'); zone != std::string::npos) text.resize(zone);
  in6_addr a{};
  if (inet_pton(AF_INET6, text.c_str(), &a) != 1) return false;
  if (IN6_IS_ADDR_LOOPBACK(&a)) return true;
  return IN6_IS_ADDR_V4MAPPED(&a) && a.s6_addr[12] == 127;
}

// True when a (lower-case) host is this machine: 127.0.0.0/8, ::1 or localhost.
inline bool is_loopback_host(std::string_view host) {
  return host == "localhost" || is_loopback_ipv4(host) || is_loopback_ipv6(host);
}

// True when the URL's host is this machine.
inline bool is_loopback_url(std::string_view url) {
  auto p = parse_url(url);
  return p && is_loopback_host(p->host);
}

// True for plain-http URLs (any case of the scheme) that leave this machine: credentials would travel in clear.
inline bool is_insecure_remote_url(std::string_view url) {
  auto p = parse_url(url);
  return p && p->scheme == "http" && !is_loopback_host(p->host);
}

// scheme://host:port of a URL, lower case, default port filled in; empty when it does not parse.
inline std::string url_origin(std::string_view url) {
  auto p = parse_url(url);
  return p ? p->origin() : std::string();
}

// True when both parse and have the same scheme, host and port ("HTTPS://Chat.Qwen.AI:443/x" and
// "https://chat.qwen.ai" do). A URL that does not parse is the same as nothing.
inline bool same_origin(std::string_view a, std::string_view b) {
  auto pa = parse_url(a), pb = parse_url(b);
  return pa && pb && pa->origin() == pb->origin();
}

namespace detail {

// Masks the password in "scheme://user:password@host..." by the text's shape: the userinfo is what
// precedes the last '@' of the authority (which ends at the first '/', '?' or '#'), the password what
// follows its first ':'. Nothing to mask: nullopt.
inline std::optional<std::string> mask_password_by_shape(std::string text, const char *mask) {
  const size_t sep = text.find("://");
  if (sep == std::string::npos) return std::nullopt;
  const size_t start = sep + 3;
  const size_t authority_end = text.find_first_of("/?#", start);
  const size_t at = text.rfind('@', authority_end == std::string::npos ? std::string::npos : authority_end);
  if (at == std::string::npos || at < start) return std::nullopt;
  const size_t colon = text.find(':', start);
  if (colon == std::string::npos || colon >= at || colon + 1 == at) return std::nullopt;
  return text.replace(colon + 1, at - colon - 1, mask);
}

}  // namespace detail

// The URL as given with the password of its userinfo replaced by "****" ("https://me:****@host/v1"), for
// printing; every other byte stays as written. Text libcurl cannot parse is masked by its shape
// (scheme://user:password@...), so a malformed URL holding a password is not printed either.
inline std::string url_without_password(std::string_view url) {
  static constexpr const char *kMask = "****";
  const std::string text(url);
  auto p = parse_url(url);
  if (!p) return detail::mask_password_by_shape(text, kMask).value_or(text);
  if (!p->has_password || p->password.empty()) return text;
  // The shape agrees with libcurl's reading when the masked text no longer holds user:password.
  if (auto masked = detail::mask_password_by_shape(text, kMask)) {
    auto again = parse_url(*masked);
    if (again && again->user == p->user && again->password == kMask && again->origin() == p->origin()) return *masked;
  }
  // libcurl read it differently: rebuild from its parts instead (normalised, but without the password).
  auto u = detail::curl_parse(url, CURLU_NON_SUPPORT_SCHEME);
  if (u && curl_url_set(u.get(), CURLUPART_PASSWORD, kMask, 0) == CURLUE_OK)
    if (auto whole = detail::curl_url_part(u.get(), CURLUPART_URL)) return *whole;
  return kMask;
}

}  // namespace qwen::sdk

#endif  // QWEN_SDK_URL_HPP
