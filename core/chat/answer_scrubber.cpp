#include "chat/answer_scrubber.hpp"

#include <memory>

#include "util/redactor.hpp"

namespace qwen::chat {

EventHandler scrub_answer(EventHandler next) {
  auto scrubber = std::make_shared<util::StreamScrubber>();
  return [scrubber, next = std::move(next)](const ChatEvent &e) {
    if (e.type == QWEN_EVENT_DELTA) {
      std::string shown = scrubber->feed(e.text);
      if (shown.empty()) return true;     // all of it held back for now
      if (shown == e.text) return next(e);  // the usual case: nothing to replace, the event as it is
      return next(make_delta(std::move(shown)));
    }
    if (scrubber->holding()) {
      std::string rest = scrubber->finish();
      // Whether the reader still reads is for the event below to tell.
      if (!rest.empty()) next(make_delta(std::move(rest)));
    }
    return next(e);
  };
}

}  // namespace qwen::chat
