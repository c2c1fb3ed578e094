// A plugin that breaks the rules: its init throws a C++ exception straight
// through the C boundary (no SDK guard). The host must survive and say so.
#include <qwen/plugin.h>

#include <cstring>
#include <stdexcept>

namespace {
qwen_status get_credentials(uint32_t, const qwen_credentials_sink *, qwen_error *) {
  return QWEN_ERR_INTERNAL;
}
qwen_status status(const qwen_kv_sink *, qwen_error *) {
  return QWEN_OK;
}
// Zeroed first, then filled: members appended in later ABI minors stay NULL.
const qwen_auth_interface table = [] {
  qwen_auth_interface t{};
  t.struct_size = sizeof t;
  t.display_name = "Raw throw";
  t.description = "";
  t.get_credentials = get_credentials;
  t.status = status;
  return t;
}();
qwen_status init(const qwen_host *, qwen_error *) {
  throw std::runtime_error("raw exception from init");
}
void deinit() {}
const void *get_interface(const char *id) {
  return std::strcmp(id, QWEN_AUTH_INTERFACE) == 0 ? &table : nullptr;
}
const qwen_plugin_entry entry = {sizeof entry,
                                 QWEN_PLUGIN_ABI_MAJOR,
                                 QWEN_PLUGIN_ABI_MINOR,
                                 "rawthrow",
                                 "Raw throw",
                                 "0.0.1",
                                 QWEN_PLUGIN_KIND_AUTH,
                                 init,
                                 deinit,
                                 get_interface};
}  // namespace

extern "C" QWEN_PLUGIN_EXPORT const qwen_plugin_entry *qwen_plugin_entry_v1(void) {
  return &entry;
}
