// dashscope_headers.hpp — the extra request headers Qwen Code sends to the
// model API with Qwen OAuth (DashScopeOpenAICompatibleProvider.buildHeaders):
//   User-Agent: QwenCode/<version> (<platform>; <arch>)
//   X-DashScope-CacheControl: enable
//   X-DashScope-UserAgent: <the same user agent>
//   X-DashScope-AuthType: qwen-oauth
#pragma once

#include <string>
#include <vector>

namespace qwen_oauth {

// Node's process.platform / process.arch names for this machine ("linux", "x64").
struct Platform {
  std::string platform;
  std::string arch;
};
Platform current_platform();

std::string qwen_code_user_agent(const std::string &version, const Platform &p);

// "Name: value" lines.
std::vector<std::string> dashscope_headers(const std::string &version, const Platform &p);

}  // namespace qwen_oauth
