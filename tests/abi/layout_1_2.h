/* The members appended in plugin ABI 1.2, frozen like the 1.0 and 1.1
 * layouts (whose checks still hold: 1.2 only appends). */
#ifndef QWEN_TEST_LAYOUT_1_2_H
#define QWEN_TEST_LAYOUT_1_2_H
#include "layout_1_1.h"

QWEN_STATIC_ASSERT(QWEN_PLUGIN_ABI_MINOR >= 2, "the 1.2 members need minor 2");
SIZE(qwen_host, 136)
AT(qwen_host, cancel_turn, 128)
SIZE(qwen_auth_interface, 112)
AT(qwen_auth_interface, method_flags, 72)
AT(qwen_auth_interface, env_vars, 80)
AT(qwen_auth_interface, setup_url, 88)
AT(qwen_auth_interface, environment_priority, 96)
AT(qwen_auth_interface, list_models, 104)

#endif
