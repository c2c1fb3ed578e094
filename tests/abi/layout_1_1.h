/* The members appended in plugin ABI 1.1, frozen like the 1.0 layout (see
 * layout_1_0.h, whose checks still hold: 1.1 only appends). */
#ifndef QWEN_TEST_LAYOUT_1_1_H
#define QWEN_TEST_LAYOUT_1_1_H
#include "layout_1_0.h"

QWEN_STATIC_ASSERT(QWEN_PLUGIN_ABI_MINOR >= 1, "the 1.1 members need minor 1");
SIZE(qwen_event, 32)
AT(qwen_event, text_size, 24)
SIZE(qwen_host, 128)
AT(qwen_host, chat_send_text, 112)
AT(qwen_host, quit_requested, 120)

#endif
