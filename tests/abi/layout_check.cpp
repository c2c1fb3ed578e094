// Compiles the 1.0 to 1.5 layout checks, and both SDK headers, as C++17 (see layout_1_0.h).
#include <qwen/plugin.hpp>
#include <qwen/sdk/url.hpp>

#include "layout_1_5.h"
int qwen_layout_check_cpp() {
  return QWEN_PLUGIN_ABI_MINOR;
}
