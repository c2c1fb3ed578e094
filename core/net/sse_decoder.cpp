#include "net/sse_decoder.hpp"

#include <algorithm>
#include <cstring>

namespace qwen::net {

bool SseDecoder::feed(std::string_view bytes, const Handler &on_event) {
  if (failed_) return false;
  if (!bom_checked_) {
    // The BOM may itself arrive split: wait until three bytes (or a mismatch) decide.
    std::string_view bom = "\xEF\xBB\xBF";
    std::string head = line_ + std::string(bytes.substr(0, 3));
    size_t n = std::min(head.size(), bom.size());
    if (head.compare(0, n, bom.substr(0, n)) == 0 && n < bom.size()) {
      line_ = head;
      return true;
    }
    bom_checked_ = true;
    std::string joined = line_ + std::string(bytes);
    line_.clear();
    if (joined.compare(0, bom.size(), bom) == 0) joined.erase(0, bom.size());
    return feed(joined, on_event);
  }
  // Line ends are found with memchr (one pass for LF, one for CR, each position kept until passed), so a
  // long stream costs a few vectorised scans instead of a branch per byte.
  const char *base = bytes.data();
  const size_t size = bytes.size();
  auto find = [&](char c, size_t from) {
    const void *hit = from < size ? std::memchr(base + from, c, size - from) : nullptr;
    return hit ? static_cast<size_t>(static_cast<const char *>(hit) - base) : size;
  };
  size_t next_lf = find('\n', 0);
  size_t next_cr = find('\r', 0);
  size_t start = 0;
  while (true) {
    if (next_lf < start) next_lf = find('\n', start);
    if (next_cr < start) next_cr = find('\r', start);
    size_t i = std::min(next_lf, next_cr);
    if (i >= size) break;
    char c = base[i];
    if (c == '\n' && last_was_cr_ && i == start && line_.empty()) {
      // The LF of a CRLF whose CR ended the previous chunk (or the previous line).
      last_was_cr_ = false;
      start = i + 1;
      continue;
    }
    if (line_.empty()) {
      process_line(bytes.substr(start, i - start), on_event);  // the common case: no copy
    } else {
      line_.append(bytes.substr(start, i - start));
      process_line(line_, on_event);
      line_.clear();
    }
    last_was_cr_ = c == '\r';
    start = i + 1;
    if (failed_) return false;
  }
  if (start < bytes.size()) {
    last_was_cr_ = false;
    line_.append(bytes.substr(start));
  }
  if (line_.size() + data_.size() > max_event_bytes_) failed_ = true;
  return !failed_;
}

void SseDecoder::process_line(std::string_view line, const Handler &on_event) {
  // Checked here, not only on the buffered partial line: a whole over-long line (a comment, an `event:`)
  // can arrive within one chunk and never be buffered.
  if (line.size() > max_event_bytes_) {
    failed_ = true;
    return;
  }
  if (line.empty()) {
    if (has_data_) {
      // The event's buffers are swapped in and out, so neither the event nor data_ loses its capacity.
      dispatched_.event.assign(event_.empty() ? std::string_view("message") : std::string_view(event_));
      dispatched_.data.swap(data_);
      dispatched_.id.assign(id_);
      on_event(dispatched_);
      data_.swap(dispatched_.data);
      if (data_.capacity() > (1u << 20)) data_ = std::string();  // a huge event's buffer is not kept
    }
    data_.clear();
    event_.clear();
    has_data_ = false;
    pending_fields_ = false;
    return;
  }
  if (line.front() == ':') return;  // a comment (keep-alive)
  auto colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  pending_fields_ = true;
  if (field == "data") {
    if (has_data_) data_ += '\n';
    data_.append(value);
    has_data_ = true;
    if (data_.size() > max_event_bytes_) failed_ = true;
  } else if (field == "event") {
    event_.assign(value);
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) id_.assign(value);
  }
  // "retry" and unknown fields are ignored, as the standard says.
}

bool SseDecoder::finish() {
  bool partial = !line_.empty() || pending_fields_;
  line_.clear();
  data_.clear();
  event_.clear();
  has_data_ = false;
  pending_fields_ = false;
  return partial;
}

}  // namespace qwen::net
