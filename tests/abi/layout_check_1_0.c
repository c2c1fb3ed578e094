/* The 1.0 layout checks against the frozen 1.0 header (tests/abi/v1_0): the
 * layout the checks describe is the one 1.0 plugins were really built with. */
#include "layout_1_0.h"
QWEN_STATIC_ASSERT(QWEN_PLUGIN_ABI_MINOR == 0, "tests/abi/v1_0 must stay the 1.0 header");
int qwen_layout_check_frozen_1_0(void) {
  return QWEN_PLUGIN_ABI_MINOR;
}
