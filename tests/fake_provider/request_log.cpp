#include "request_log.hpp"

#include <cctype>
#include <stdexcept>

namespace fake {

RequestLog::RequestLog(const std::string &path) {
  if (path.empty()) return;
  file_ = std::fopen(path.c_str(), "a");
  if (!file_) throw std::runtime_error("cannot open the log file " + path);
}

RequestLog::~RequestLog() {
  if (file_) std::fclose(file_);
}

void RequestLog::append(const Request &req) {
  if (!file_) return;
  nlohmann::json headers = nlohmann::json::object();
  for (const auto &field : req) {
    std::string name(field.name_string());
    for (auto &c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value(field.value());
    // A repeated header keeps every value, joined as HTTP allows.
    if (headers.contains(name))
      headers[name] = headers[name].get<std::string>() + ", " + value;
    else
      headers[name] = value;
  }
  nlohmann::json line = {{"method", std::string(req.method_string())},
                         {"target", std::string(req.target())},
                         {"headers", headers},
                         {"body", req.body()}};
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::fwrite(text.data(), 1, text.size(), file_);
  // Tests read the log while the server runs, and it may be killed at any moment.
  std::fflush(file_);
}

}  // namespace fake
