// --log: every complete request appended to a file as one JSON line, for tests to inspect.
#pragma once

#include <cstdio>
#include <string>

#include "reply.hpp"

namespace fake {

class RequestLog {
 public:
  // An empty path disables the log. Throws std::runtime_error when the file cannot be opened.
  explicit RequestLog(const std::string &path);
  ~RequestLog();
  RequestLog(const RequestLog &) = delete;
  RequestLog &operator=(const RequestLog &) = delete;

  void append(const Request &req);

 private:
  std::FILE *file_ = nullptr;
};

}  // namespace fake
