#include "app.hpp"

#include "form.hpp"

namespace fake {
namespace {

Reply not_found(const Request &req) {
  return json_reply(http::status::not_found,
                    {{"error",
                      {{"message", "Not found: " + std::string(req.method_string()) + " " + std::string(req.target())},
                       {"type", "invalid_request_error"}}}});
}

Reply wrong_method(const char *allowed) {
  Reply r = json_reply(http::status::method_not_allowed,
                       {{"error", {{"message", std::string("Method not allowed; use ") + allowed}}}});
  r.whole.set(http::field::allow, allowed);
  return r;
}

}  // namespace

App::App(const Options &options, RequestLog &log)
    : log_(log), chat_(options, counters_, faults_, tokens_), oauth_(options, counters_, tokens_) {
  for (const auto &key : options.api_keys) tokens_.add_api_key(key);
  for (const auto &fault : options.faults) faults_.push(fault);
  no_models_ = options.no_models;
}

Reply App::handle(const Request &req) {
  log_.append(req);
  const std::string_view path = split_target(req.target()).first;
  const bool get = req.method() == http::verb::get, post = req.method() == http::verb::post;
  if (path == "/v1/chat/completions") return post ? chat_.completions(req) : wrong_method("POST");
  if (path == "/v1/models" && !no_models_) return get ? chat_.models(req) : wrong_method("GET");
  if (path == "/api/v1/oauth2/device/code") return post ? oauth_.device_code(req) : wrong_method("POST");
  if (path == "/api/v1/oauth2/token" || path == "/oauth/token") return post ? oauth_.token(req) : wrong_method("POST");
  if (path == "/authorize") return get ? oauth_.authorize(req) : wrong_method("GET");
  if (path.rfind("/__control/", 0) == 0) return control(req, path);
  return not_found(req);
}

Reply App::control(const Request &req, std::string_view path) {
  const bool post = req.method() == http::verb::post;
  if (path == "/__control/stats") {
    if (req.method() != http::verb::get) return wrong_method("GET");
    nlohmann::json stats = counters_.to_json();
    stats["faults_pending"] = faults_.size();
    return json_reply(http::status::ok, stats);
  }
  if (path == "/__control/fault") {
    if (!post) return wrong_method("POST");
    auto fault = parse_fault(req.body());
    if (!fault) return json_reply(http::status::bad_request, {{"error", "unknown fault '" + req.body() + "'"}});
    faults_.push(*fault);
    return json_reply(http::status::ok, {{"ok", true}, {"faults_pending", faults_.size()}});
  }
  if (path == "/__control/approve-all") return post ? oauth_.approve_all() : wrong_method("POST");
  if (path == "/__control/seed-refresh-token") return post ? oauth_.seed_refresh_token(req) : wrong_method("POST");
  if (path == "/__control/shutdown") {
    if (!post) return wrong_method("POST");
    Reply r = json_reply(http::status::ok, {{"ok", true}});
    r.stop_server_after = true;
    return r;
  }
  return not_found(req);
}

}  // namespace fake
