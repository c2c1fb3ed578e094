/* Compiles the 1.0 to 1.5 layout checks as C11 with -pedantic (see layout_1_0.h). */
#include "layout_1_5.h"
int qwen_layout_check_c(void) {
  return QWEN_PLUGIN_ABI_MINOR;
}
