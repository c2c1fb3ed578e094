#include "markdown_renderer.hpp"

#include <md4c.h>

#include "code_highlight.hpp"

#include <qwen/sdk/terminal_text.hpp>

#include <algorithm>
#include <cstring>
#include <cwchar>
#include <vector>

namespace tty_frontend {

namespace {

// Inline attributes, combined as bits.
enum Style : unsigned {
  kBold = 1,
  kItalic = 2,
  kCode = 4,
  kStrike = 8,
  kLink = 16,
  kUrl = 32,
  kHeading = 64,
};

std::string make_sgr(unsigned style) {
  std::string codes;
  auto add = [&codes](const char *c) { codes += codes.empty() ? c : std::string(";") + c; };
  if (style & (kBold | kHeading)) add("1");
  if (style & kItalic) add("3");
  if (style & (kLink | kHeading)) add("4");
  if (style & kStrike) add("9");
  if (style & kCode) add("36");
  if (style & kUrl) add("2");
  if (style & kHeading) add("35");
  return codes.empty() ? std::string() : "\x1b[" + codes + "m";
}

// The SGR of each combination of the seven attributes, made once: one is needed for every styled word.
const std::string &sgr(unsigned style) {
  static const auto table = [] {
    std::vector<std::string> t(128);
    for (unsigned s = 0; s < t.size(); ++s) t[s] = make_sgr(s);
    return t;
  }();
  return table[style & 127u];
}
const char *const kReset = "\x1b[0m";

// A word: its text with attributes (self-contained: it ends with a reset when it set any) and its width.
struct Word {
  std::string text;
  int width = 0;
  unsigned style = 0;  // the attributes in force at its end
  unsigned first_style = 0;  // those at its start (its text starts with their SGR)
  bool break_after = false;  // a hard line break follows
};

struct Cell {
  std::string text;
  int width = 0;
};

struct Container {
  enum Kind { Quote, List, Item };
  explicit Container(Kind k) : kind(k) {}
  Kind kind;
  bool ordered = false;
  unsigned number = 1;      // the next item's number (ordered lists)
  std::string marker;       // an item's "• " / "3. " until its first line is written
  int marker_width = 0;
  bool first_line = true;
};

class Renderer {
 public:
  explicit Renderer(const RenderOptions &o) : o_(o) {}

  std::string run(std::string_view markdown) {
    MD_PARSER parser{};
    parser.abi_version = 0;
    parser.flags = MD_DIALECT_GITHUB;
    parser.enter_block = [](MD_BLOCKTYPE t, void *d, void *u) { return static_cast<Renderer *>(u)->enter_block(t, d); };
    parser.leave_block = [](MD_BLOCKTYPE t, void *d, void *u) { return static_cast<Renderer *>(u)->leave_block(t, d); };
    parser.enter_span = [](MD_SPANTYPE t, void *d, void *u) { return static_cast<Renderer *>(u)->enter_span(t, d); };
    parser.leave_span = [](MD_SPANTYPE t, void *d, void *u) { return static_cast<Renderer *>(u)->leave_span(t, d); };
    parser.text = [](MD_TEXTTYPE t, const MD_CHAR *s, MD_SIZE n, void *u) {
      return static_cast<Renderer *>(u)->text(t, std::string_view(s, n));
    };
    if (md_parse(markdown.data(), static_cast<MD_SIZE>(markdown.size()), &parser, this) != 0)
      return qwen::sdk::terminal_safe(markdown);  // md4c gives up only when out of memory: show the text as it is
    return std::move(out_);
  }

 private:
  // ---- blocks
  int enter_block(MD_BLOCKTYPE type, void *detail) {
    switch (type) {
      case MD_BLOCK_DOC:
      case MD_BLOCK_THEAD:
      case MD_BLOCK_TBODY:
        break;
      case MD_BLOCK_QUOTE:
        gap();
        containers_.emplace_back(Container::Quote);
        wrote_block_ = false;  // the gap before the quote is written; its first block needs no other (inside "│")
        break;
      case MD_BLOCK_UL:
      case MD_BLOCK_OL: {
        flush();  // an item's own text before the list inside it
        if (!in_item()) gap();
        Container c(Container::List);
        if (type == MD_BLOCK_OL) {
          c.ordered = true;
          c.number = static_cast<MD_BLOCK_OL_DETAIL *>(detail)->start;
        }
        containers_.push_back(c);
        break;
      }
      case MD_BLOCK_LI: {
        Container &list = containers_.back();
        Container item(Container::Item);
        item.marker = list.ordered ? std::to_string(list.number++) + ". " : "• ";
        auto *li = static_cast<MD_BLOCK_LI_DETAIL *>(detail);
        if (li->is_task) item.marker += (li->task_mark == ' ' ? "[ ] " : "[x] ");
        item.marker_width = display_width(item.marker);
        containers_.push_back(item);
        break;
      }
      case MD_BLOCK_HR:
        gap();
        line(paint(repeat("─", std::max(3, avail())), kUrl));
        break;
      case MD_BLOCK_H:
        gap();
        heading_level_ = static_cast<MD_BLOCK_H_DETAIL *>(detail)->level;
        style_ |= kHeading;
        break;
      case MD_BLOCK_CODE: {
        gap();
        auto *code = static_cast<MD_BLOCK_CODE_DETAIL *>(detail);
        const std::string lang = qwen::sdk::terminal_safe(std::string_view(code->lang.text, code->lang.size));
        line(paint("── " + (lang.empty() ? std::string("code") : lang) + " ──", kUrl));
        code_lang_.assign(code->lang.text, code->lang.size);
        in_code_ = true;
        code_.clear();
        break;
      }
      case MD_BLOCK_HTML:
        gap();
        in_code_ = true;  // shown as written
        code_.clear();
        break;
      case MD_BLOCK_P:
        if (!in_item() || !item_empty()) gap();
        break;
      case MD_BLOCK_TABLE:
        gap();
        table_.clear();
        aligns_.clear();
        break;
      case MD_BLOCK_TR:
        table_.emplace_back();
        break;
      case MD_BLOCK_TH:
      case MD_BLOCK_TD:
        if (table_.size() == 1) aligns_.push_back(static_cast<MD_BLOCK_TD_DETAIL *>(detail)->align);
        if (type == MD_BLOCK_TH) style_ |= kBold;
        break;
    }
    return 0;
  }

  int leave_block(MD_BLOCKTYPE type, void *) {
    switch (type) {
      case MD_BLOCK_QUOTE:
      case MD_BLOCK_UL:
      case MD_BLOCK_OL:
        flush();
        containers_.pop_back();
        wrote_block_ = true;
        break;
      case MD_BLOCK_LI:
        flush();
        if (containers_.back().first_line) line("");  // an empty item still shows its marker
        containers_.pop_back();
        break;
      case MD_BLOCK_H: {
        style_ &= ~kHeading;
        const int width = words_width();
        flush();
        if (!o_.colour && heading_level_ <= 2) line(repeat(heading_level_ == 1 ? "═" : "─", std::max(width, 3)));
        break;
      }
      case MD_BLOCK_CODE:
      case MD_BLOCK_HTML: {
        in_code_ = false;
        std::string_view rest = code_;
        if (!rest.empty() && rest.back() == '\n') rest.remove_suffix(1);
        if (type == MD_BLOCK_CODE && o_.colour) {  // syntax colours where the language is known, else one colour
          if (const auto coloured = highlight_code(rest, code_lang_)) {
            for (const std::string &one : *coloured) line("  " + one);
            break;
          }
        }
        while (true) {
          const size_t nl = rest.find('\n');
          const std::string_view one = rest.substr(0, nl);
          line(type == MD_BLOCK_CODE ? "  " + paint(qwen::sdk::terminal_safe(one), kCode)
                                     : qwen::sdk::terminal_safe(one));
          if (nl == std::string_view::npos) break;
          rest.remove_prefix(nl + 1);
        }
        break;
      }
      case MD_BLOCK_TH:
      case MD_BLOCK_TD: {
        end_word();
        style_ &= ~kBold;
        Cell cell;
        for (const Word &w : words_) {
          if (!cell.text.empty()) {
            cell.text += ' ';
            ++cell.width;
          }
          cell.text += w.text;
          cell.width += w.width;
        }
        words_.clear();
        table_.back().push_back(std::move(cell));
        break;
      }
      case MD_BLOCK_TABLE:
        write_table();
        break;
      case MD_BLOCK_TR:
      case MD_BLOCK_THEAD:
      case MD_BLOCK_TBODY:
        break;
      default:
        flush();
        break;
    }
    return 0;
  }

  // ---- spans
  int enter_span(MD_SPANTYPE type, void *detail) {
    switch (type) {
      case MD_SPAN_EM:
        style_ |= kItalic;
        break;
      case MD_SPAN_STRONG:
        style_ |= kBold;
        break;
      case MD_SPAN_CODE:
        style_ |= kCode;
        if (!o_.colour) add_text("`", false);
        break;
      case MD_SPAN_DEL:
        style_ |= kStrike;
        if (!o_.colour) add_text("~~", false);
        break;
      case MD_SPAN_A: {
        auto *a = static_cast<MD_SPAN_A_DETAIL *>(detail);
        href_.assign(a->href.text, a->href.size);
        link_text_.clear();
        style_ |= kLink;
        break;
      }
      case MD_SPAN_IMG: {
        auto *img = static_cast<MD_SPAN_IMG_DETAIL *>(detail);
        href_.assign(img->src.text, img->src.size);
        link_text_.clear();
        add_text("[image: ", false);
        style_ |= kLink;
        break;
      }
      default:
        break;
    }
    return 0;
  }

  int leave_span(MD_SPANTYPE type, void *) {
    switch (type) {
      case MD_SPAN_EM:
        style_ &= ~kItalic;
        break;
      case MD_SPAN_STRONG:
        style_ &= ~kBold;
        break;
      case MD_SPAN_CODE:
        if (!o_.colour) add_text("`", false);
        style_ &= ~kCode;
        break;
      case MD_SPAN_DEL:
        if (!o_.colour) add_text("~~", false);
        style_ &= ~kStrike;
        break;
      case MD_SPAN_A:
      case MD_SPAN_IMG:
        style_ &= ~kLink;
        if (type == MD_SPAN_IMG) add_text("]", false);
        // The URL after the text, unless the text is the URL already (an autolink).
        if (!href_.empty() && link_text_ != href_) {
          const unsigned saved = style_;
          style_ = kUrl;
          add_text(" (", true);
          add_text(href_, false);
          add_text(")", false);
          style_ = saved;
        }
        break;
      default:
        break;
    }
    return 0;
  }

  // ---- text
  int text(MD_TEXTTYPE type, std::string_view s) {
    if (in_code_) {
      code_ += s;
      return 0;
    }
    switch (type) {
      case MD_TEXT_BR:
      case MD_TEXT_SOFTBR:  // a model's line ends are kept (as GitHub shows comments): verse, steps, addresses
        end_word();
        if (!words_.empty()) words_.back().break_after = true;
        break;
      case MD_TEXT_NULLCHAR:
        add_text("\xEF\xBF\xBD", false);
        break;
      case MD_TEXT_ENTITY:
        add_text(entity(s), false);
        break;
      default:
        if (style_ & kLink) link_text_ += s;
        add_text(s, false);
        break;
    }
    return 0;
  }

  static std::string entity(std::string_view e) {
    if (e == "&amp;") return "&";
    if (e == "&lt;") return "<";
    if (e == "&gt;") return ">";
    if (e == "&quot;") return "\"";
    if (e == "&apos;") return "'";
    if (e == "&nbsp;") return " ";
    if (e.size() > 3 && e[1] == '#') {
      const bool hex = e[2] == 'x' || e[2] == 'X';
      unsigned long cp = std::strtoul(std::string(e.substr(hex ? 3 : 2)).c_str(), nullptr, hex ? 16 : 10);
      if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
      std::string out;
      if (cp < 0x80) {
        out += static_cast<char>(cp);
      } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | cp >> 6);
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | cp >> 12);
        out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else {
        out += static_cast<char>(0xF0 | cp >> 18);
        out += static_cast<char>(0x80 | (cp >> 12 & 0x3F));
        out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      }
      return out;  // a control character this makes is made visible by add_text
    }
    return std::string(e);
  }

  // Splits the text into words at blanks; the model's bytes are made safe first.
  void add_text(std::string_view raw, bool space_before) {
    if (space_before) end_word();
    const std::string safe = qwen::sdk::terminal_safe(raw);
    // A run of characters between blanks at a time (measured at once): a character at a time was the
    // renderer's largest cost after md4c.
    for (size_t i = 0; i < safe.size();) {
      const size_t blank = safe.find_first_of(" \t\n", i);
      const size_t end = blank == std::string::npos ? safe.size() : blank;
      if (end > i) {
        if (o_.colour && (!open_ || word_.style != style_)) {
          if (open_ && word_.style != 0) word_.text += kReset;
          word_.text += sgr(style_);
          word_.style = style_;
        }
        if (!open_) word_.style = word_.first_style = style_;
        open_ = true;
        const std::string_view run = std::string_view(safe).substr(i, end - i);
        word_.text.append(run);
        word_.width += display_width(run);
      }
      if (blank == std::string::npos) break;
      end_word();
      i = blank + 1;
    }
  }

  void end_word() {
    if (!open_) return;
    if (o_.colour && word_.style != 0) word_.text += kReset;
    words_.push_back(std::move(word_));
    word_ = Word{};
    open_ = false;
  }

  int words_width() {
    end_word();
    int w = 0;
    for (const Word &word : words_) w += word.width + (w ? 1 : 0);
    return w;
  }

  // Writes the words gathered so far as wrapped lines.
  void flush() {
    end_word();
    if (words_.empty()) return;
    const int room = std::max(10, avail());
    std::string current;
    int width = 0;
    bool has_word = false;
    unsigned style_at_end = 0;  // of the last word on the line
    const size_t reset_length = std::strlen(kReset);
    // The line so far ends with a reset and then the blank just added.
    auto reset_before_blank = [&current, reset_length] {
      return current.size() > reset_length && current.compare(current.size() - 1 - reset_length, reset_length, kReset) == 0;
    };
    for (const Word &w : words_) {
      if (has_word && width + 1 + w.width > room) {
        line(current);
        current.clear();
        width = 0;
        has_word = false;
      }
      if (has_word) {
        current += ' ';
        ++width;
      }
      if (has_word && o_.colour && w.first_style != 0 && w.first_style == style_at_end && reset_before_blank()) {
        // The same attributes go on across the blank: one SGR for "strong text", not one per word.
        current.erase(current.size() - 1 - reset_length, reset_length);
        current.append(w.text, sgr(w.first_style).size(), std::string::npos);
      } else {
        current += w.text;
      }
      style_at_end = w.style;
      width += w.width;
      has_word = true;
      if (w.break_after) {
        line(current);
        current.clear();
        width = 0;
        has_word = false;
      }
    }
    if (has_word) line(current);
    words_.clear();
  }

  void write_table() {
    size_t columns = aligns_.size();
    for (const auto &row : table_) columns = std::max(columns, row.size());
    std::vector<int> widths(columns, 0);
    for (const auto &row : table_)
      for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].width);
    const std::string bar = paint("│", kUrl);
    for (size_t r = 0; r < table_.size(); ++r) {
      std::string text;
      for (size_t c = 0; c < columns; ++c) {
        const Cell empty;
        const Cell &cell = c < table_[r].size() ? table_[r][c] : empty;
        const int pad = widths[c] - cell.width;
        const MD_ALIGN align = c < aligns_.size() ? aligns_[c] : MD_ALIGN_DEFAULT;
        const int left = align == MD_ALIGN_RIGHT ? pad : align == MD_ALIGN_CENTER ? pad / 2 : 0;
        if (c) text += " " + bar + " ";
        text += std::string(static_cast<size_t>(left), ' ') + cell.text +
                std::string(static_cast<size_t>(pad - left), ' ');
      }
      while (!text.empty() && text.back() == ' ') text.pop_back();
      line(text);
      if (r == 0) {
        std::string rule;
        for (size_t c = 0; c < columns; ++c) rule += (c ? "─┼─" : "") + repeat("─", widths[c]);
        line(paint(rule, kUrl));
      }
    }
    table_.clear();
  }

  // ---- lines and containers
  bool in_item() const {
    for (const Container &c : containers_)
      if (c.kind == Container::Item) return true;
    return false;
  }
  bool item_empty() const { return !containers_.empty() && containers_.back().kind == Container::Item &&
                                   containers_.back().first_line; }

  // A blank line between blocks (not before the first, not inside a tight list).
  void gap() {
    flush();
    if (wrote_block_ && !out_.empty() && !item_empty()) line("", true);
    wrote_block_ = true;
  }

  std::string prefix(bool blank) {
    std::string p;
    for (Container &c : containers_) {
      if (c.kind == Container::Quote) p += paint("│", kUrl) + (blank ? "" : " ");
      if (c.kind == Container::Item) {
        p += c.first_line && !blank ? c.marker : std::string(static_cast<size_t>(c.marker_width), ' ');
      }
    }
    if (blank)
      while (!p.empty() && p.back() == ' ') p.pop_back();
    return p;
  }

  int avail() const {
    int w = 0;
    for (const Container &c : containers_) {
      if (c.kind == Container::Quote) w += 2;
      if (c.kind == Container::Item) w += c.marker_width;
    }
    return o_.width - w;
  }

  void line(const std::string &content, bool blank = false) {
    out_ += prefix(blank);
    out_ += content;
    out_ += '\n';
    if (!blank)
      for (Container &c : containers_) c.first_line = false;
  }

  std::string paint(const std::string &text, unsigned style) const {
    return o_.colour && style ? sgr(style) + text + kReset : text;
  }

  static std::string repeat(const char *s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
  }

  RenderOptions o_;
  std::string out_;
  std::vector<Container> containers_;
  std::vector<Word> words_;
  Word word_;
  bool open_ = false;
  unsigned style_ = 0;
  unsigned heading_level_ = 1;
  bool wrote_block_ = false;
  bool in_code_ = false;
  std::string code_;
  std::string code_lang_;  // the fenced block's language tag, as the model wrote it
  std::string href_, link_text_;
  std::vector<std::vector<Cell>> table_;
  std::vector<MD_ALIGN> aligns_;
};

}  // namespace

std::string render_markdown(std::string_view markdown, const RenderOptions &options) {
  if (markdown.empty()) return {};
  return Renderer(options).run(markdown);
}

CodeBlock last_code_block(std::string_view markdown) {
  struct Finder {
    CodeBlock last, current;
    bool in_code = false;
  } f;
  MD_PARSER parser{};
  parser.flags = MD_DIALECT_GITHUB;
  parser.enter_block = [](MD_BLOCKTYPE t, void *d, void *u) {
    auto *f = static_cast<Finder *>(u);
    if (t == MD_BLOCK_CODE && static_cast<MD_BLOCK_CODE_DETAIL *>(d)->fence_char != 0) {
      auto *code = static_cast<MD_BLOCK_CODE_DETAIL *>(d);
      f->in_code = true;
      f->current = CodeBlock{true, std::string(code->lang.text, code->lang.size), {}};
    }
    return 0;
  };
  parser.leave_block = [](MD_BLOCKTYPE t, void *, void *u) {
    auto *f = static_cast<Finder *>(u);
    if (t == MD_BLOCK_CODE && f->in_code) {
      f->in_code = false;
      f->last = std::move(f->current);
    }
    return 0;
  };
  parser.enter_span = [](MD_SPANTYPE, void *, void *) { return 0; };
  parser.leave_span = [](MD_SPANTYPE, void *, void *) { return 0; };
  parser.text = [](MD_TEXTTYPE, const MD_CHAR *s, MD_SIZE n, void *u) {
    auto *f = static_cast<Finder *>(u);
    if (f->in_code) f->current.text.append(s, n);
    return 0;
  };
  md_parse(markdown.data(), static_cast<MD_SIZE>(markdown.size()), &parser, &f);
  return f.last;
}

int display_width(std::string_view text) {
  int width = 0;
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == 0x1b) {  // our own SGR: ESC [ ... m
      const size_t end = text.find('m', i);
      i = end == std::string_view::npos ? text.size() : end + 1;
      continue;
    }
    if (c < 0x80) {
      width += c == '\t' ? 8 - width % 8 : 1;
      ++i;
      continue;
    }
    const size_t n = qwen::sdk::detail::utf8_sequence_length(text, i);
    if (n == 0) {
      ++width;
      ++i;
      continue;
    }
    char32_t cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
    for (size_t k = 1; k < n; ++k) cp = cp << 6 | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    const int w = ::wcwidth(static_cast<wchar_t>(cp));
    width += w < 0 ? 1 : w;  // unknown to the locale: one column
    i += n;
  }
  return width;
}

}  // namespace tty_frontend
