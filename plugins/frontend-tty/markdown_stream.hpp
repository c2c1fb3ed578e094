// markdown_stream.hpp — an answer rendered while it streams. The text is cut
// into blocks as they complete (a paragraph or list at the blank line after
// it, a fenced code block at its closing fence, a heading at its line end),
// and each complete block is rendered (markdown_renderer) at the terminal's
// width of that moment. The incomplete tail is shown raw (made safe) as it
// arrives, so the first token reaches the screen at once; when its block
// completes, the tail's rows are erased and the rendered block takes their
// place. A block whose raw rows would no longer fit on the screen (its top
// scrolled away, out of reach of the cursor) stays raw rather than being
// shown twice.
//
// Pure: feed() and finish() return the bytes to write, so it is tested
// without a terminal.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace tty_frontend {

struct ScreenSize {
  int columns = 80;
  int rows = 24;
};

class MarkdownStream {
 public:
  MarkdownStream(bool colour, std::function<ScreenSize()> screen);

  // A delta of the answer (whole UTF-8 characters); the bytes to write now.
  std::string feed(std::string_view delta);
  // The answer ended (or was stopped): the rest rendered; what is written ends with a line end.
  std::string finish();

  // The answer's text as the model sent it.
  const std::string &raw() const { return raw_; }

 private:
  void scan();                             // finds the cuts among the complete lines not yet scanned
  void cut(size_t at);                     // the block [block_start_, at) is complete
  std::string erase_tail() const;          // moves the cursor back over the shown tail and clears it
  void count_shown(std::string_view safe);  // the tail's rows after writing `safe`
  void recount();                          // the rows of the shown tail from scratch (a cut, a resize)
  void show_raw(size_t to);                // writes raw_[shown_end_, to) made safe

  bool colour_;
  std::function<ScreenSize()> screen_;
  ScreenSize size_;

  std::string raw_;
  size_t block_start_ = 0;  // where the current (incomplete) block starts
  size_t scan_ = 0;         // the first line not yet scanned
  bool in_fence_ = false;
  char fence_char_ = 0;
  size_t fence_length_ = 0;
  bool fence_ends_block_ = false;  // the fence opened a block of its own (not inside a list item)
  bool after_blank_ = false;
  bool rendered_any_ = false;

  // The raw tail on the screen: raw_[tail_start_, shown_end_) made safe.
  size_t tail_start_ = 0;
  size_t shown_end_ = 0;
  bool tail_raw_for_good_ = false;  // too tall to erase: this block stays as shown
  int tail_rows_done_ = 0;          // rows of its complete lines
  int tail_line_width_ = 0;         // columns of its last, unfinished line

  std::string pending_out_;  // what cuts produced during one feed()
};

}  // namespace tty_frontend
