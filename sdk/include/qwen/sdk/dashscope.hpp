// qwen/sdk/dashscope.hpp — what Qwen Code adds to a request bound for Alibaba
// Cloud's DashScope model API (its DashScopeOpenAICompatibleProvider), for any
// sign-in method that talks to it: Qwen OAuth, a Coding Plan key, or an
// OpenAI-compatible key whose base URL is a DashScope host.
//   User-Agent: QwenCode/<version> (<platform>; <arch>)
//   X-DashScope-CacheControl: enable
//   X-DashScope-UserAgent: <the same user agent>
//   X-DashScope-AuthType: <qwen-oauth | openai>
// Header-only; needs libcurl (qwen/sdk/url.hpp).
#pragma once

#include <sys/utsname.h>

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "qwen/sdk/url.hpp"

namespace qwen::sdk {

// Node's process.platform / process.arch names for this machine ("linux", "x64").
struct NodePlatform {
  std::string platform = "linux";
  std::string arch = "x64";
};

inline NodePlatform current_node_platform() {
  NodePlatform p;
  utsname u{};
  if (uname(&u) != 0) return p;
  std::string sys = u.sysname, machine = u.machine;
  for (auto &c : sys) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  p.platform = sys;
  if (machine == "x86_64" || machine == "amd64")
    p.arch = "x64";
  else if (machine == "aarch64" || machine == "arm64")
    p.arch = "arm64";
  else if (machine.size() == 4 && machine[0] == 'i' && machine.substr(2) == "86")
    p.arch = "ia32";
  else if (machine.rfind("arm", 0) == 0)
    p.arch = "arm";
  else
    p.arch = machine;
  return p;
}

inline std::string qwen_code_user_agent(const std::string &version, const NodePlatform &p = current_node_platform()) {
  return "QwenCode/" + (version.empty() ? std::string("unknown") : version) + " (" + p.platform + "; " + p.arch + ")";
}

// Qwen Code 0.15's test: the host is dashscope.aliyuncs.com or dashscope-intl.aliyuncs.com, or a name under
// either ("coding.dashscope.aliyuncs.com", "cn-hongkong.dashscope.aliyuncs.com"). By the parsed host, so
// "https://dashscope.aliyuncs.com.evil.example/" and a user name that spells it are not DashScope.
inline bool is_dashscope_url(std::string_view url) {
  const std::string host = url_host(url);
  for (std::string_view base : {"dashscope.aliyuncs.com", "dashscope-intl.aliyuncs.com"}) {
    if (host == base) return true;
    if (host.size() > base.size() + 1 && host.compare(host.size() - base.size(), base.size(), base) == 0 &&
        host[host.size() - base.size() - 1] == '.')
      return true;
  }
  return false;
}

// "Name: value" lines; `auth_type` is Qwen Code's name of the sign-in ("qwen-oauth", "openai").
inline std::vector<std::string> dashscope_headers(const std::string &version, const std::string &auth_type,
                                                  const NodePlatform &p = current_node_platform()) {
  const std::string ua = qwen_code_user_agent(version, p);
  return {"User-Agent: " + ua, "X-DashScope-CacheControl: enable", "X-DashScope-UserAgent: " + ua,
          "X-DashScope-AuthType: " + auth_type};
}

}  // namespace qwen::sdk
