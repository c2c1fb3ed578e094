/* One auth plugin in plain C, compiled once per defect (DEFECT_*), so each
 * way a plugin can be wrong is a real shared object the host must refuse
 * with one clear line. Without a DEFECT_ it would be a valid plugin. */
#include <qwen/plugin.h>
#include <stdlib.h>
#include <string.h>

static qwen_status available(qwen_error *err) {
  (void)err;
  return QWEN_OK;
}

static qwen_status get_credentials(uint32_t flags, const qwen_credentials_sink *out, qwen_error *err) {
  (void)flags;
  (void)err;
  const char *base = getenv("FIXTURE_BASE_URL"); /* a test points it at the fake provider */
  out->put(out->ctx, "base_url", base ? base : "http://127.0.0.1:9/v1");
  const char *token = getenv("FIXTURE_TOKEN");
  out->put(out->ctx, "token", token ? token : "");
  return QWEN_OK;
}

static qwen_status status(const qwen_kv_sink *out, qwen_error *err) {
  (void)err;
  out->put(out->ctx, "state", "broken fixture");
  return QWEN_OK;
}

/* Designated initializers: members appended in later ABI minors start as zero/NULL. */
static const qwen_auth_interface auth_table = {.struct_size = sizeof(qwen_auth_interface),
                                               .display_name = "Broken fixture",
                                               .description = "",
                                               .available = available,
                                               .get_credentials = get_credentials,
                                               .status = status};

static qwen_status init(const qwen_host *host, qwen_error *err) {
  (void)host;
#ifdef DEFECT_INIT_ERROR
  err->status = QWEN_ERR_CONFIG;
  strcpy(err->message, "the fixture refuses to start: missing setting 'frobnicate'");
  return QWEN_ERR_CONFIG;
#else
  (void)err;
  return QWEN_OK;
#endif
}

static void deinit(void) {}

static const void *get_interface(const char *id) {
#ifdef DEFECT_NO_INTERFACE
  (void)id;
  return auth_table.status == NULL ? &auth_table : NULL; /* always NULL */
#else
  return strcmp(id, QWEN_AUTH_INTERFACE) == 0 ? &auth_table : NULL;
#endif
}

#if defined(DEFECT_NULL_ENTRY)
#define FIXTURE_ID "nullentry"
#elif defined(DEFECT_ABI_MAJOR)
#define FIXTURE_ID "abimajor"
#elif defined(DEFECT_ABI_MINOR)
#define FIXTURE_ID "abiminor"
#elif defined(DEFECT_WRONG_KIND)
#define FIXTURE_ID "wrongkind"
#elif defined(DEFECT_NO_INTERFACE)
#define FIXTURE_ID "nointerface"
#elif defined(DEFECT_INIT_ERROR)
#define FIXTURE_ID "initerror"
#elif defined(DEFECT_ID_MISMATCH)
#define FIXTURE_ID "somethingelse"
#else
#define FIXTURE_ID "fixture"
#endif

static const qwen_plugin_entry entry = {sizeof(qwen_plugin_entry),
#ifdef DEFECT_ABI_MAJOR
                                        QWEN_PLUGIN_ABI_MAJOR + 1,
#else
                                         QWEN_PLUGIN_ABI_MAJOR,
#endif
#ifdef DEFECT_ABI_MINOR
                                        QWEN_PLUGIN_ABI_MINOR + 1,
#else
                                         QWEN_PLUGIN_ABI_MINOR,
#endif
                                        FIXTURE_ID,
                                        "Broken fixture",
                                        "0.0.1",
#ifdef DEFECT_WRONG_KIND
                                        7,
#else
                                         QWEN_PLUGIN_KIND_AUTH,
#endif
                                        init,
                                        deinit,
                                        get_interface};

QWEN_PLUGIN_EXPORT const qwen_plugin_entry *qwen_plugin_entry_v1(void) {
#ifdef DEFECT_NULL_ENTRY
  return entry.id != NULL ? NULL : &entry; /* always NULL; uses `entry` so the compiler keeps quiet */
#else
  return &entry;
#endif
}
