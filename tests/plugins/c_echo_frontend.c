/* A front-end written in plain C against qwen/plugin.h alone: it sends the
 * -p prompt and prints the answer between [cecho] markers. Proves a plugin
 * needs no C++ and no host symbols. Built twice: against the current header
 * (cecho, which prints each delta by its length, a NUL byte included) and
 * against the frozen 1.0 header in tests/abi/v1_0 (cecho10, which knows only
 * the NUL-terminated text), to prove a 1.0 plugin still loads and works. */
#include <qwen/plugin.h>
#include <stdio.h>
#include <string.h>

#ifndef CECHO_ID
#define CECHO_ID "cecho"
#endif

static const qwen_host *g_host;

static int32_t on_event(void *ctx, const qwen_event *event) {
  (void)ctx;
  if (event->type != QWEN_EVENT_DELTA || !event->text) return 0;
#if QWEN_PLUGIN_ABI_MINOR >= 1
  if (QWEN_HAS_FIELD(event, qwen_event, text_size)) {
    fwrite(event->text, 1, (size_t)event->text_size, stdout);
    return 0;
  }
#endif
  fputs(event->text, stdout);
  return 0;
}

static int32_t run(qwen_error *err) {
  char prompt[4096];
  if (g_host->config_get(g_host, "qwen.prompt", prompt, sizeof prompt) < 0) strcpy(prompt, "hello");
  qwen_event_sink sink = {sizeof(qwen_event_sink), NULL, on_event};
  fputs("[cecho]", stdout);
  qwen_status s = g_host->chat_send(g_host, prompt, &sink, err);
  fputs("[/cecho]\n", stdout);
  fflush(stdout);
  return qwen_exit_status_for(s);
}

static qwen_status ui(const qwen_ui_request *request, char *answer, uint64_t capacity, qwen_error *err) {
  (void)answer;
  (void)capacity;
  if (request->text) fprintf(stderr, "cecho: %s\n", request->text);
  if (request->kind >= QWEN_UI_ASK) {
    err->status = QWEN_ERR_UNSUPPORTED;
    strcpy(err->message, "cecho cannot ask questions");
    return QWEN_ERR_UNSUPPORTED;
  }
  return QWEN_OK;
}

static const qwen_frontend_interface table = {sizeof(qwen_frontend_interface), "C echo", run, ui};

static qwen_status init(const qwen_host *host, qwen_error *err) {
  (void)err;
  g_host = host;
  return QWEN_OK;
}
static void deinit(void) {
  g_host = NULL;
}
static const void *get_interface(const char *id) {
  return strcmp(id, QWEN_FRONTEND_INTERFACE) == 0 ? &table : NULL;
}

static const qwen_plugin_entry entry = {sizeof(qwen_plugin_entry),
                                        QWEN_PLUGIN_ABI_MAJOR,
                                        QWEN_PLUGIN_ABI_MINOR,
                                        CECHO_ID,
                                        "C echo front-end",
                                        "1.0.0",
                                        QWEN_PLUGIN_KIND_FRONTEND,
                                        init,
                                        deinit,
                                        get_interface};

QWEN_PLUGIN_EXPORT const qwen_plugin_entry *qwen_plugin_entry_v1(void) {
  return &entry;
}
