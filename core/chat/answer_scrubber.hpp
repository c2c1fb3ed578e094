// answer_scrubber.hpp — the model's answer with every registered secret
// replaced, the same for every output format: a handler between the chat
// session and whoever shows its events. A secret split across deltas is
// caught (util::StreamScrubber holds back only a tail that could be the start
// of one, and only until the next delta).
#pragma once

#include "chat/events.hpp"

namespace qwen::chat {

// `next`, given each delta with its text scrubbed; a held-back tail is given as a delta of its own before
// the next event that is not a delta (usage, error, turn_end).
EventHandler scrub_answer(EventHandler next);

}  // namespace qwen::chat
