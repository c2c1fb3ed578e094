// Compiles the 1.0, 1.1 and 1.2 layout checks, and both SDK headers, as C++17 (see layout_1_0.h).
#include <qwen/plugin.hpp>
#include <qwen/sdk/url.hpp>

#include "layout_1_2.h"
int qwen_layout_check_cpp() {
  return QWEN_PLUGIN_ABI_MINOR;
}
