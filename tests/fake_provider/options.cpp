#include "options.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>

namespace fake {
namespace {

constexpr const char *kUsage =
    "usage: qwen-fake-provider [--port N] [--port-file FILE] [--api-key KEY]... [--idle-exit SECONDS]\n"
    "                          [--reply TEXT] [--reply-file FILE] [--log FILE] [--fault SPEC]... [--oauth-mode MODE]\n"
    "                          [--token-lifetime SECONDS] [--device-expires SECONDS] [--interval SECONDS|none]\n"
    "                          [--strict-rfc8628] [--slow-down N] [--resource-url VALUE] [--client ID:SECRET]...\n"
    "                          [--no-models]\n"
    "faults: 401 429 429:S 500 500:S html cut slow:MS stall garbage close trickle:MS redirect[:LOCATION]\n"
    "oauth modes: normal html deny-all refresh-slow:MS\n";

long parse_number(const std::string &flag, const std::string &text, long min, long max) {
  size_t used = 0;
  long value = 0;
  try {
    value = std::stol(text, &used);
  } catch (const std::exception &) {
    used = 0;
  }
  if (used == 0 || used != text.size() || value < min || value > max)
    throw std::invalid_argument(flag + ": expected a whole number from " + std::to_string(min) + " to " +
                                std::to_string(max) + ", got '" + text + "'");
  return value;
}

void parse_oauth_mode(const std::string &text, Options &o) {
  if (text == "normal") {
    o.oauth_mode = OAuthMode::Normal;
  } else if (text == "html") {
    o.oauth_mode = OAuthMode::Html;
  } else if (text == "deny-all") {
    o.oauth_mode = OAuthMode::DenyAll;
  } else if (text.rfind("refresh-slow:", 0) == 0) {
    o.oauth_mode = OAuthMode::RefreshSlow;
    o.refresh_delay = std::chrono::milliseconds(parse_number("--oauth-mode refresh-slow", text.substr(13), 0, 600000));
  } else {
    throw std::invalid_argument("--oauth-mode: unknown mode '" + text + "' (normal, html, deny-all, refresh-slow:MS)");
  }
}

}  // namespace

std::optional<Options> parse_options(int argc, char **argv) {
  Options o;
  constexpr long kDay = 86400;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    std::string value;
    bool has_inline_value = false;
    // Both `--flag value` and `--flag=value`, as tests build argument lists either way.
    if (auto eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      has_inline_value = true;
    }
    if (flag == "--help" || flag == "-h") {
      std::cout << kUsage;
      return std::nullopt;
    }
    auto next = [&]() -> std::string {
      if (has_inline_value) return value;
      if (i + 1 >= argc) throw std::invalid_argument(flag + " needs a value");
      return argv[++i];
    };
    if (flag == "--port") {
      o.port = static_cast<unsigned short>(parse_number(flag, next(), 0, 65535));
    } else if (flag == "--port-file") {
      o.port_file = next();
    } else if (flag == "--api-key") {
      o.api_keys.push_back(next());
    } else if (flag == "--idle-exit") {
      o.idle_exit_seconds = parse_number(flag, next(), 0, 30 * kDay);
    } else if (flag == "--reply") {
      o.reply = next();
    } else if (flag == "--reply-file") {  // an answer longer than a command-line argument may be (128 KiB)
      const std::string file = next();
      std::ifstream in(file, std::ios::binary);
      if (!in) throw std::invalid_argument("--reply-file: cannot read '" + file + "'");
      o.reply = std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    } else if (flag == "--log") {
      o.log_file = next();
    } else if (flag == "--fault") {
      std::string spec = next();
      auto fault = parse_fault(spec);
      if (!fault) throw std::invalid_argument("--fault: unknown fault '" + spec + "'");
      o.faults.push_back(*fault);
    } else if (flag == "--oauth-mode") {
      parse_oauth_mode(next(), o);
    } else if (flag == "--token-lifetime") {
      o.token_lifetime_seconds = parse_number(flag, next(), 0, 3650 * kDay);
    } else if (flag == "--device-expires") {
      o.device_expires_seconds = parse_number(flag, next(), 0, 30 * kDay);
    } else if (flag == "--interval") {
      const std::string v = next();
      o.send_interval = v != "none";
      o.interval_seconds = o.send_interval ? parse_number(flag, v, 0, kDay) : 5;  // RFC 8628 section 3.2's default
    } else if (flag == "--strict-rfc8628") {
      if (has_inline_value) throw std::invalid_argument(flag + " takes no value");
      o.strict_rfc8628 = true;
    } else if (flag == "--no-models") {
      if (has_inline_value) throw std::invalid_argument(flag + " takes no value");
      o.no_models = true;
    } else if (flag == "--slow-down") {
      o.injected_slow_downs = parse_number(flag, next(), 0, 1000);
    } else if (flag == "--resource-url") {
      o.resource_url = next();
    } else if (flag == "--client") {
      const std::string v = next();
      const auto colon = v.find(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == v.size())
        throw std::invalid_argument("--client: expected ID:SECRET, got '" + v + "'");
      o.clients.emplace_back(v.substr(0, colon), v.substr(colon + 1));
    } else {
      throw std::invalid_argument("unknown argument '" + std::string(argv[i]) + "'\n" + kUsage);
    }
  }
  return o;
}

}  // namespace fake
