// JSON-RPC 2.0 as ACP uses it: one message per line, requests, notifications
// and responses in both directions, no batches. Parsing a line and building
// the messages qwen writes.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace acp {

using json = nlohmann::json;

// Error codes: JSON-RPC's own, and ACP's (the schema's ErrorCode).
constexpr int kParseError = -32700;
constexpr int kInvalidRequest = -32600;
constexpr int kMethodNotFound = -32601;
constexpr int kInvalidParams = -32602;
constexpr int kInternalError = -32603;
constexpr int kRequestCancelled = -32800;
constexpr int kAuthRequired = -32000;
constexpr int kResourceNotFound = -32002;

struct Incoming {
  enum class Kind { Request, Notification, Response, Invalid };
  Kind kind = Kind::Invalid;
  json id;  // requests and responses; null when unknown
  std::string method;
  json params;  // null when absent
  // Kind::Invalid: the error to answer with (to `id`, or null).
  int error_code = 0;
  std::string error_message;
};

// Reads one line. Never throws.
Incoming parse_message(const std::string &line);

json make_result(const json &id, json result);
json make_error(const json &id, int code, const std::string &message, const json &data = nullptr);
json make_notification(const std::string &method, json params);

// One line of JSON for the wire: compact, bytes that are not UTF-8 replaced
// (never an exception from the serializer), no newline inside.
std::string to_line(const json &message);

}  // namespace acp
