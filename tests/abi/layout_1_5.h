/* Plugin ABI 1.5 appended no member: accounts are a documented host setting ("qwen.account"), two session
 * commands and one method flag (plugin.h "Accounts"). This pins the flag's value, which a built plugin
 * carries in its method_flags. */
#ifndef QWEN_TEST_LAYOUT_1_5_H
#define QWEN_TEST_LAYOUT_1_5_H
#include "layout_1_4.h"

QWEN_STATIC_ASSERT(QWEN_PLUGIN_ABI_MINOR >= 5, "accounts need minor 5");
QWEN_STATIC_ASSERT(QWEN_AUTH_METHOD_ACCOUNTS == 8u, "QWEN_AUTH_METHOD_ACCOUNTS is 8 in every 1.5+ plugin");
QWEN_STATIC_ASSERT((QWEN_AUTH_METHOD_ACCOUNTS & (QWEN_AUTH_METHOD_LOGIN_BROWSER | QWEN_AUTH_METHOD_LOGIN_ASKS |
                                                 QWEN_AUTH_METHOD_MODELS_FROM_API)) == 0,
                   "method flags are distinct bits");

#endif
