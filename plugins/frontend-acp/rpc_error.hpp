// A handler's failure, answered as a JSON-RPC error to the request.
#pragma once

#include <stdexcept>
#include <string>

#include "jsonrpc.hpp"

namespace acp {

struct RpcError : std::runtime_error {
  RpcError(int code, const std::string &message, json data = nullptr)
      : std::runtime_error(message), code(code), data(std::move(data)) {}
  int code;
  json data;
};

// The JSON-RPC error for a host status: no credentials is ACP's auth_required, the rest say the host's
// one-line, secret-free words with the status for programs in data.
inline RpcError host_error(qwen_status status, const std::string &message) {
  json data{{"qwenStatus", status}, {"exitStatus", qwen_exit_status_for(status)}};
  if (status == QWEN_ERR_AUTH_REQUIRED) return RpcError(kAuthRequired, message, data);
  if (status == QWEN_ERR_INVALID_ARGUMENT) return RpcError(kInvalidParams, message, data);
  return RpcError(kInternalError, message, data);
}

}  // namespace acp
