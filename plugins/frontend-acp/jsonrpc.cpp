#include "jsonrpc.hpp"

namespace acp {

namespace {

bool valid_id(const json &id) {
  return id.is_string() || id.is_number_integer() || id.is_number_unsigned();
}

Incoming invalid(json id, int code, std::string message) {
  Incoming m;
  m.kind = Incoming::Kind::Invalid;
  m.id = std::move(id);
  m.error_code = code;
  m.error_message = std::move(message);
  return m;
}

}  // namespace

Incoming parse_message(const std::string &line) {
  json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return invalid(nullptr, kParseError, "Parse error: the line is not JSON");
  if (j.is_array()) return invalid(nullptr, kInvalidRequest, "Invalid request: batches are not used in ACP");
  if (!j.is_object()) return invalid(nullptr, kInvalidRequest, "Invalid request: a message is a JSON object");
  json id = j.contains("id") ? j["id"] : json();
  bool has_id = j.contains("id") && !id.is_null();
  if (has_id && !valid_id(id))
    return invalid(nullptr, kInvalidRequest, "Invalid request: id must be a string or an integer");
  auto version = j.find("jsonrpc");
  if (version == j.end() || *version != "2.0")
    return invalid(has_id ? id : json(), kInvalidRequest, "Invalid request: \"jsonrpc\" must be \"2.0\"");
  Incoming m;
  m.id = has_id ? id : json();
  auto method = j.find("method");
  if (method == j.end()) {
    if (has_id && (j.contains("result") || j.contains("error"))) {
      m.kind = Incoming::Kind::Response;
      return m;
    }
    return invalid(m.id, kInvalidRequest, "Invalid request: no method");
  }
  if (!method->is_string()) return invalid(m.id, kInvalidRequest, "Invalid request: method must be a string");
  m.method = method->get<std::string>();
  auto params = j.find("params");
  if (params != j.end()) {
    if (!params->is_object() && !params->is_array() && !params->is_null())
      return invalid(m.id, kInvalidParams, "Invalid params: params must be an object");
    m.params = std::move(*params);
  }
  m.kind = has_id ? Incoming::Kind::Request : Incoming::Kind::Notification;
  return m;
}

json make_result(const json &id, json result) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

json make_error(const json &id, int code, const std::string &message, const json &data) {
  json error{{"code", code}, {"message", message}};
  if (!data.is_null()) error["data"] = data;
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
}

json make_notification(const std::string &method, json params) {
  return json{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
}

std::string to_line(const json &message) {
  std::string s = message.dump(-1, ' ', false, json::error_handler_t::replace);
  s.push_back('\n');
  return s;
}

}  // namespace acp
