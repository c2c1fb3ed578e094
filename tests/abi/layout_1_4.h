/* The members appended in plugin ABI 1.4 (the secret store), frozen like the
 * earlier layouts (whose checks still hold: 1.4 only appends). */
#ifndef QWEN_TEST_LAYOUT_1_4_H
#define QWEN_TEST_LAYOUT_1_4_H
#include "layout_1_3.h"

QWEN_STATIC_ASSERT(QWEN_PLUGIN_ABI_MINOR >= 4, "the 1.4 members need minor 4");
SIZE(qwen_host, 176)
AT(qwen_host, secret_put, 152)
AT(qwen_host, secret_get, 160)
AT(qwen_host, secret_delete, 168)

#endif
