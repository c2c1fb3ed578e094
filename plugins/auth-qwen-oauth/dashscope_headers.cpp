#include "dashscope_headers.hpp"

#include <sys/utsname.h>

#include <cctype>

namespace qwen_oauth {

Platform current_platform() {
  Platform p{"linux", "x64"};
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

std::string qwen_code_user_agent(const std::string &version, const Platform &p) {
  return "QwenCode/" + (version.empty() ? std::string("unknown") : version) + " (" + p.platform + "; " + p.arch + ")";
}

std::vector<std::string> dashscope_headers(const std::string &version, const Platform &p) {
  std::string ua = qwen_code_user_agent(version, p);
  return {"User-Agent: " + ua, "X-DashScope-CacheControl: enable", "X-DashScope-UserAgent: " + ua,
          "X-DashScope-AuthType: qwen-oauth"};
}

}  // namespace qwen_oauth
