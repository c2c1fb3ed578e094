#include "markdown_stream.hpp"

#include <qwen/sdk/terminal_text.hpp>

#include "markdown_renderer.hpp"

namespace tty_frontend {

namespace {

bool blank_line(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

size_t indent_of(std::string_view line) {
  size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

// "```lang" / "~~~" with at most three spaces before it: the fence's character and length, or 0.
size_t fence_at(std::string_view line, char *fence_char) {
  const size_t i = indent_of(line);
  if (i > 3 || i >= line.size() || (line[i] != '`' && line[i] != '~')) return 0;
  size_t n = 0;
  while (i + n < line.size() && line[i + n] == line[i]) ++n;
  if (n < 3) return 0;
  if (line[i] == '`' && line.find('`', i + n) != std::string_view::npos) return 0;  // inline code, not a fence
  *fence_char = line[i];
  return n;
}

int rows_for(int width, int columns) {
  return width <= 0 ? 1 : (width + columns - 1) / columns;
}

}  // namespace

MarkdownStream::MarkdownStream(bool colour, std::function<ScreenSize()> screen)
    : colour_(colour), screen_(std::move(screen)) {
  size_ = screen_();
}

std::string MarkdownStream::feed(std::string_view delta) {
  if (delta.empty()) return {};
  const ScreenSize now = screen_();
  const bool resized = now.columns != size_.columns;
  size_ = now;
  if (resized) recount();  // the terminal re-flowed the raw tail to its new width

  raw_.append(delta);
  pending_out_.clear();
  scan();
  // What of the new text is still in the incomplete block, raw (a cut showed it already).
  if (shown_end_ < raw_.size()) show_raw(raw_.size());
  if (!tail_raw_for_good_ && tail_rows_done_ + rows_for(tail_line_width_, size_.columns) >= size_.rows - 1)
    tail_raw_for_good_ = true;
  std::string out = std::move(pending_out_);
  pending_out_.clear();
  return out;
}

std::string MarkdownStream::finish() {
  pending_out_.clear();
  const bool stays_raw = tail_raw_for_good_;
  if (block_start_ < raw_.size()) cut(raw_.size());
  if (shown_end_ < raw_.size()) show_raw(raw_.size());
  if (stays_raw && !raw_.empty() && raw_.back() != '\n') pending_out_ += "\n";
  tail_start_ = shown_end_ = raw_.size();
  std::string out = std::move(pending_out_);
  pending_out_.clear();
  return out;
}

void MarkdownStream::show_raw(size_t to) {
  const std::string safe = qwen::sdk::terminal_safe(std::string_view(raw_).substr(shown_end_, to - shown_end_));
  pending_out_ += safe;
  count_shown(safe);
  shown_end_ = to;
}

void MarkdownStream::scan() {
  size_t nl;
  while ((nl = raw_.find('\n', scan_)) != std::string::npos) {
    const size_t line_start = scan_;
    const std::string_view line(raw_.data() + line_start, nl - line_start);
    scan_ = nl + 1;
    if (in_fence_) {
      char c = 0;
      const size_t n = fence_at(line, &c);
      const size_t i = indent_of(line);
      if (n >= fence_length_ && c == fence_char_ && blank_line(line.substr(i + n))) {
        in_fence_ = false;
        // A fence inside a list item closes the code, not the item: text of the same item may follow.
        if (fence_ends_block_) cut(scan_);
      }
      continue;
    }
    if (blank_line(line)) {
      if (line_start == block_start_) {
        block_start_ = scan_;  // blank lines between blocks belong to no block (shown raw, erased with the tail)
      } else {
        after_blank_ = true;
      }
      continue;
    }
    // A line that is not indented after a blank line starts a new block (an indented one continues a list item).
    if (after_blank_ && indent_of(line) == 0) cut(line_start);
    after_blank_ = false;
    char c = 0;
    if (const size_t n = fence_at(line, &c)) {
      if (line_start != block_start_ && indent_of(line) == 0) cut(line_start);  // a fence may end a paragraph
      fence_ends_block_ = line_start == block_start_;
      in_fence_ = true;
      fence_char_ = c;
      fence_length_ = n;
      continue;
    }
    if (line_start == block_start_ && indent_of(line) <= 3 && line[indent_of(line)] == '#') cut(scan_);  // a heading
  }
  // The first character of the next line tells already whether the block before the blank line is complete.
  if (after_blank_ && scan_ < raw_.size() && raw_[scan_] != ' ' && raw_[scan_] != '\t') {
    after_blank_ = false;
    cut(scan_);
  }
}

void MarkdownStream::cut(size_t at) {
  const std::string_view block(raw_.data() + block_start_, at - block_start_);
  if (tail_raw_for_good_) {
    // Shown raw with its top out of reach: it stays as it is. The tail now starts after it, at a line start.
    tail_raw_for_good_ = false;
    if (shown_end_ < at) show_raw(at);
    tail_start_ = at;
    recount();
  } else {
    pending_out_ += erase_tail();
    if (!blank_line(block)) {
      if (rendered_any_) pending_out_ += "\n";
      pending_out_ += render_markdown(block, RenderOptions{size_.columns, colour_});
      rendered_any_ = true;
    }
    // The rest (the next block's beginning) is shown raw again below the rendered block.
    tail_start_ = shown_end_ = at;
    tail_rows_done_ = 0;
    tail_line_width_ = 0;
    show_raw(raw_.size());
  }
  block_start_ = at;
}

std::string MarkdownStream::erase_tail() const {
  if (tail_start_ >= shown_end_) return {};
  const int up = tail_rows_done_ + rows_for(tail_line_width_, size_.columns) - 1;
  std::string out = "\r";
  if (up > 0) out += "\x1b[" + std::to_string(up) + "A";
  out += "\x1b[J";
  return out;
}

void MarkdownStream::count_shown(std::string_view safe) {
  size_t start = 0;
  size_t nl;
  while ((nl = safe.find('\n', start)) != std::string_view::npos) {
    tail_line_width_ += display_width(safe.substr(start, nl - start));
    tail_rows_done_ += rows_for(tail_line_width_, size_.columns);
    tail_line_width_ = 0;
    start = nl + 1;
  }
  tail_line_width_ += display_width(safe.substr(start));
}

void MarkdownStream::recount() {
  tail_rows_done_ = 0;
  tail_line_width_ = 0;
  if (tail_start_ < shown_end_)
    count_shown(qwen::sdk::terminal_safe(std::string_view(raw_).substr(tail_start_, shown_end_ - tail_start_)));
}

}  // namespace tty_frontend
