/* The frozen layout of plugin ABI 1.0 on LP64 (x86_64, aarch64). Members may
 * only be appended (with a minor bump); these checks fail the build when a
 * member is inserted, removed, reordered or resized. Compiled as C11 and as
 * C++17 by tests/abi/CMakeLists.txt. */
#ifndef QWEN_TEST_LAYOUT_1_0_H
#define QWEN_TEST_LAYOUT_1_0_H
#include <qwen/plugin.h>

#ifdef __cplusplus
#define QWEN_STATIC_ASSERT static_assert
#else
#define QWEN_STATIC_ASSERT _Static_assert
#endif

#define SIZE(t, n) QWEN_STATIC_ASSERT(sizeof(t) >= (n), #t " lost members: ABI break");
#define AT(t, m, n) QWEN_STATIC_ASSERT(offsetof(t, m) == (n), #t "." #m " moved: ABI break");

SIZE(qwen_error, 1032)
AT(qwen_error, status, 4)
AT(qwen_error, message, 8)
SIZE(qwen_kv_sink, 24)
AT(qwen_kv_sink, put, 16)
SIZE(qwen_http_request, 56)
AT(qwen_http_request, url, 16)
AT(qwen_http_request, header_count, 32)
AT(qwen_http_request, timeout_ms, 36)
AT(qwen_http_request, body_size, 48)
SIZE(qwen_http_callbacks, 40)
AT(qwen_http_callbacks, on_body, 32)
SIZE(qwen_ui_request, 56)
AT(qwen_ui_request, kind, 4)
AT(qwen_ui_request, text, 8)
AT(qwen_ui_request, expires_in_s, 48)
SIZE(qwen_event, 24)
AT(qwen_event, json, 16)
SIZE(qwen_event_sink, 24)
AT(qwen_event_sink, on_event, 16)
SIZE(qwen_host, 112)
AT(qwen_host, abi_major, 4)
AT(qwen_host, abi_minor, 6)
AT(qwen_host, host_version, 8)
AT(qwen_host, host_ctx, 16)
AT(qwen_host, log, 24)
AT(qwen_host, register_secret, 32)
AT(qwen_host, config_get, 40)
AT(qwen_host, home_dir, 48)
AT(qwen_host, http_request, 56)
AT(qwen_host, open_url, 64)
AT(qwen_host, ui, 72)
AT(qwen_host, wait, 80)
AT(qwen_host, is_cancelled, 88)
AT(qwen_host, chat_send, 96)
AT(qwen_host, command, 104)
SIZE(qwen_auth_interface, 72)
AT(qwen_auth_interface, display_name, 8)
AT(qwen_auth_interface, description, 16)
AT(qwen_auth_interface, available, 24)
AT(qwen_auth_interface, get_credentials, 32)
AT(qwen_auth_interface, login, 40)
AT(qwen_auth_interface, logout, 48)
AT(qwen_auth_interface, status, 56)
AT(qwen_auth_interface, on_api_response, 64)
SIZE(qwen_frontend_interface, 32)
AT(qwen_frontend_interface, display_name, 8)
AT(qwen_frontend_interface, run, 16)
AT(qwen_frontend_interface, ui, 24)
SIZE(qwen_plugin_entry, 64)
AT(qwen_plugin_entry, abi_major, 4)
AT(qwen_plugin_entry, abi_minor, 6)
AT(qwen_plugin_entry, id, 8)
AT(qwen_plugin_entry, name, 16)
AT(qwen_plugin_entry, version, 24)
AT(qwen_plugin_entry, kind, 32)
AT(qwen_plugin_entry, init, 40)
AT(qwen_plugin_entry, deinit, 48)
AT(qwen_plugin_entry, get_interface, 56)
QWEN_STATIC_ASSERT(QWEN_PLUGIN_ABI_MAJOR == 1, "a new major is a new header");

#endif
