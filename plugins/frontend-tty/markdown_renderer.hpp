// markdown_renderer.hpp — a model's Markdown as terminal text: parsed by md4c
// (GitHub dialect, for tables, strikethrough and task lists), laid out for a
// width: headings without their '#', emphasis as attributes, fenced code
// blocks set apart under their language tag, lists, block quotes, links
// followed by their URL, tables with aligned columns.
//
// Every piece of the model's text goes through qwen::sdk::terminal_safe
// before it is laid out, code blocks and link URLs included: an escape
// sequence in an answer is shown ("^["), never run. The only control
// sequences in the output are the renderer's own SGR attributes, and only
// with `colour`.
#pragma once

#include <string>
#include <string_view>

namespace tty_frontend {

struct RenderOptions {
  int width = 80;       // columns to wrap at
  bool colour = false;  // SGR attributes (bold, italic, colours); never with NO_COLOR or TERM=dumb
};

// The whole of `markdown` rendered; every line ends with '\n'. Empty text renders as "".
std::string render_markdown(std::string_view markdown, const RenderOptions &options);

// The text of the last fenced code block of `markdown` (what /copy code copies), or nullopt-like "" with
// found=false when there is none.
struct CodeBlock {
  bool found = false;
  std::string language;
  std::string text;
};
CodeBlock last_code_block(std::string_view markdown);

// Columns `text` takes on a terminal (UTF-8; wide characters count 2, combining marks 0). No control
// characters expected (text after terminal_safe), SGR sequences excluded.
int display_width(std::string_view text);

}  // namespace tty_frontend
