/* The members appended in plugin ABI 1.3, frozen like the earlier layouts
 * (whose checks still hold: 1.3 only appends). */
#ifndef QWEN_TEST_LAYOUT_1_3_H
#define QWEN_TEST_LAYOUT_1_3_H
#include "layout_1_2.h"

QWEN_STATIC_ASSERT(QWEN_PLUGIN_ABI_MINOR >= 3, "the 1.3 members need minor 3");
SIZE(qwen_host, 152)
AT(qwen_host, settings_read, 136)
AT(qwen_host, settings_write, 144)

#endif
