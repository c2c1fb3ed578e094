#include "prompt_text.hpp"

namespace acp {

namespace {

const std::string *string_field(const json &o, const char *key) {
  auto it = o.find(key);
  if (it == o.end() || !it->is_string()) return nullptr;
  return it->get_ptr<const std::string *>();
}

}  // namespace

PromptText prompt_text(const json &blocks) {
  PromptText out;
  if (!blocks.is_array()) {
    out.error = "prompt must be an array of content blocks";
    return out;
  }
  std::string text;
  auto separate = [&text] {
    if (!text.empty() && text.back() != '\n') text += "\n\n";
  };
  for (const auto &block : blocks) {
    const std::string *type = block.is_object() ? string_field(block, "type") : nullptr;
    if (type == nullptr) {
      out.error = "each prompt block is an object with a \"type\"";
      return out;
    }
    if (*type == "text") {
      const std::string *t = string_field(block, "text");
      if (t == nullptr) {
        out.error = "a text block needs a string \"text\"";
        return out;
      }
      text += *t;
    } else if (*type == "resource_link") {
      const std::string *uri = string_field(block, "uri");
      const std::string *name = string_field(block, "name");
      if (uri == nullptr || name == nullptr) {
        out.error = "a resource_link block needs string \"uri\" and \"name\"";
        return out;
      }
      separate();
      text += "[" + *name + "](" + *uri + ")";
    } else if (*type == "resource") {
      auto r = block.find("resource");
      const std::string *uri = (r != block.end() && r->is_object()) ? string_field(*r, "uri") : nullptr;
      const std::string *body = uri ? string_field(*r, "text") : nullptr;
      if (uri == nullptr) {
        out.error = "a resource block needs a \"resource\" with a string \"uri\"";
        return out;
      }
      if (body == nullptr) {
        out.error = "only text resources are read (" + *uri + " is binary)";
        return out;
      }
      separate();
      text += "Contents of " + *uri + ":\n```\n" + *body + (body->empty() || body->back() == '\n' ? "" : "\n") + "```";
    } else {
      out.error = "prompt blocks of type \"" + *type + "\" are not supported (text, resource_link and resource are)";
      return out;
    }
  }
  out.text = std::move(text);
  return out;
}

}  // namespace acp
