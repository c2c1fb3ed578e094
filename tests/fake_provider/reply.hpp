// What a handler wants sent back: a whole response, a response written piece by piece
// (SSE streams, and the faults that break them), or nothing at all.
#pragma once

#include <boost/beast/http.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace fake {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;

struct Reply {
  enum class Kind {
    Whole,   // `whole`, after `delay`
    Pieces,  // `head`, then each piece from `next_piece`, `delay` apart, then `ending`
    Drop,    // close the connection without a word
  };
  // How a piece-by-piece response ends once `next_piece` runs dry.
  enum class Ending {
    Complete,  // the terminating chunk (when chunked); the connection may be kept alive
    Close,     // close the connection mid-response
    Hang,      // send nothing more until the client gives up
  };

  Kind kind = Kind::Whole;
  http::response<http::string_body> whole;
  http::response<http::empty_body> head;  // chunked, or with the Content-Length of all pieces
  std::function<std::optional<std::string>()> next_piece;
  std::chrono::milliseconds delay{0};
  Ending ending = Ending::Complete;
  bool stop_server_after = false;  // POST /__control/shutdown
};

Reply json_reply(http::status status, const nlohmann::json &body);
Reply text_reply(http::status status, const std::string &content_type, std::string body);

}  // namespace fake
