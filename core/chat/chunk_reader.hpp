// chunk_reader.hpp — reads the few fields qwen uses from one chat completion
// chunk ({"choices":[{"delta":{"content":...},"finish_reason":...}],
// "usage":{...},"error":...}) with a SAX pass: no DOM is built for the
// thousands of chunks of a long answer.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace qwen::chat {

struct ChunkFields {
  bool valid = false;                        // well-formed JSON whose top level is an object
  bool has_error = false;                    // a top-level "error" member
  bool has_choices = false;                  // a top-level "choices" array
  std::optional<std::string> content;        // choices[0].<part>.content, when a string
  std::optional<std::string> finish_reason;  // choices[0].finish_reason, when a string
  std::optional<nlohmann::json> usage;       // the integer members of a top-level "usage" object
};

// `part` is "delta" for streamed chunks and "message" for a whole chat.completion.
ChunkFields read_chunk(std::string_view json, const char *part = "delta");

}  // namespace qwen::chat
