/* qwen/plugin.h — the C ABI between the `qwen` host and its plugins.
 *
 * This header is the whole contract. A plugin includes it (or the C++ layer in
 * qwen/plugin.hpp), exports one function, QWEN_PLUGIN_ENTRY_SYMBOL, and links
 * against nothing of the host: every service reaches it through the qwen_host
 * table handed to init().
 *
 * Rules that hold for every type and function below:
 *   - Plain C only: fixed-width integers, no bool/enum/long members, no
 *     bit-fields. Enumerations are #define'd int32_t values.
 *   - Every struct starts with `uint32_t struct_size`, set by whoever fills the
 *     struct to sizeof() of the version it was compiled with. A reader checks
 *     QWEN_HAS_FIELD before it touches a member, so structs grow by appending.
 *   - Strings are UTF-8, NUL-terminated, and *borrowed*: valid for the duration
 *     of the call that passes them, unless a comment says otherwise. Whoever
 *     wants to keep one copies it. Text that may itself hold a NUL byte (a
 *     prompt, an answer's delta) also travels with its length (1.1:
 *     chat_send_text, qwen_event.text_size); the NUL-terminated form stops at
 *     the first NUL.
 *   - Nothing allocated on one side is freed on the other. Output goes to
 *     caller-owned buffers (qwen_error) or to caller-provided sinks that copy.
 *   - No C++ exception may leave a plugin function. (qwen/plugin.hpp guards
 *     this for C++ plugins.)
 *   - Thread: unless a comment says [thread-safe], a function is called, and
 *     may be called, only on the host's main thread.
 *
 * Versioning. QWEN_PLUGIN_ABI_MAJOR changes only on an incompatible change;
 * the host refuses a plugin with another major. QWEN_PLUGIN_ABI_MINOR grows
 * when members are appended; the host loads any plugin with
 * plugin.minor <= host.minor, and a plugin that needs a newer member checks
 * host->abi_minor or QWEN_HAS_FIELD first.
 */
#ifndef QWEN_PLUGIN_H
#define QWEN_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QWEN_PLUGIN_ABI_MAJOR 1
#define QWEN_PLUGIN_ABI_MINOR 5

/* The one symbol a plugin exports (a function, not data: dlsym on functions
 * is what every platform promises). */
#define QWEN_PLUGIN_ENTRY_SYMBOL "qwen_plugin_entry_v1"

#if defined(_WIN32)
#define QWEN_PLUGIN_EXPORT __declspec(dllexport)
#else
#define QWEN_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/* True when the struct *p, filled by the other side, is large enough to hold
 * member m. Use before reading any member added after 1.0. */
#define QWEN_HAS_FIELD(p, type, m) ((p) != NULL && (p)->struct_size >= offsetof(type, m) + sizeof(((type *)0)->m))

/* ---------------------------------------------------------------- status -- */

typedef int32_t qwen_status;
#define QWEN_OK 0
#define QWEN_ERR_INTERNAL -1         /* a bug or an unexpected failure */
#define QWEN_ERR_UNSUPPORTED -2      /* this plugin/host does not do that */
#define QWEN_ERR_INVALID_ARGUMENT -3 /* the caller passed something wrong */
#define QWEN_ERR_CANCELLED -4        /* the user cancelled (Ctrl-C) */
#define QWEN_ERR_AUTH_REQUIRED -5    /* no usable credentials: sign in first */
#define QWEN_ERR_AUTH_REJECTED -6    /* the server refused the credentials or the login */
#define QWEN_ERR_NETWORK -7          /* connection, DNS, TLS, timeout, 5xx */
#define QWEN_ERR_RATE_LIMITED -8     /* 429 / quota exhausted */
#define QWEN_ERR_CONFIG -9           /* bad configuration or input */
#define QWEN_ERR_BAD_RESPONSE -10    /* the server answered something unparseable */

/* Process exit statuses, the same for every front-end (README "Exit
 * statuses"); stable, scripts depend on them. GitHub CLI's codes where it has
 * one (0, 1, 2, 4). */
#define QWEN_EXIT_OK 0
#define QWEN_EXIT_ERROR 1         /* an unexpected failure */
#define QWEN_EXIT_CANCELLED 2     /* the user cancelled */
#define QWEN_EXIT_BAD_INPUT 3     /* bad command line, configuration or input */
#define QWEN_EXIT_AUTH_REQUIRED 4 /* no usable credentials: sign in or set OPENAI_API_KEY */
#define QWEN_EXIT_AUTH_REJECTED 5 /* the server refused the credentials or the login */
#define QWEN_EXIT_RATE_LIMITED 6  /* 429: rate limit or quota exhausted */
#define QWEN_EXIT_NETWORK 7       /* network failure, timeout, server error, unreadable answer */

static inline int32_t qwen_exit_status_for(qwen_status status) {
  switch (status) {
    case QWEN_OK:
      return QWEN_EXIT_OK;
    case QWEN_ERR_CANCELLED:
      return QWEN_EXIT_CANCELLED;
    case QWEN_ERR_CONFIG:
    case QWEN_ERR_INVALID_ARGUMENT:
      return QWEN_EXIT_BAD_INPUT;
    case QWEN_ERR_AUTH_REQUIRED:
      return QWEN_EXIT_AUTH_REQUIRED;
    case QWEN_ERR_AUTH_REJECTED:
      return QWEN_EXIT_AUTH_REJECTED;
    case QWEN_ERR_RATE_LIMITED:
      return QWEN_EXIT_RATE_LIMITED;
    case QWEN_ERR_NETWORK:
    case QWEN_ERR_BAD_RESPONSE:
      return QWEN_EXIT_NETWORK;
    default:
      return QWEN_EXIT_ERROR;
  }
}

/* A caller-owned error slot. The callee writes `status` and a one-line,
 * human-readable, secret-free `message` (truncated to fit, always
 * NUL-terminated) when it fails. */
#define QWEN_ERROR_MESSAGE_SIZE 1024
typedef struct qwen_error {
  uint32_t struct_size;
  qwen_status status;
  char message[QWEN_ERROR_MESSAGE_SIZE];
} qwen_error;

/* ------------------------------------------------------------ small sinks -- */

/* A caller-provided place to put key/value pairs. The callee calls put() any
 * number of times; the caller copies both strings before put() returns. */
typedef struct qwen_kv_sink {
  uint32_t struct_size;
  void *ctx;
  void (*put)(void *ctx, const char *key, const char *value);
} qwen_kv_sink;

/* ------------------------------------------------------------------- log -- */

#define QWEN_LOG_DEBUG 0
#define QWEN_LOG_INFO 1
#define QWEN_LOG_WARNING 2
#define QWEN_LOG_ERROR 3

/* ------------------------------------------------------------------ http -- */

/* One HTTP request, made by the host's client (libcurl: proxies, CA bundles,
 * redaction and debug logging in one place). */
typedef struct qwen_http_request {
  uint32_t struct_size;
  const char *method; /* "GET", "POST", ... */
  const char *url;
  const char *const *headers; /* "Name: value" lines; may be NULL */
  uint32_t header_count;
  uint32_t timeout_ms; /* whole-request timeout; 0 = host default */
  const uint8_t *body; /* may be NULL */
  uint64_t body_size;
} qwen_http_request;

/* Callbacks for the answer, called on the thread that called http_request(),
 * before it returns. Return 0 to go on, non-zero to abort the transfer (the
 * request then ends with QWEN_ERR_CANCELLED). Any callback may be NULL. */
typedef struct qwen_http_callbacks {
  uint32_t struct_size;
  void *ctx;
  /* Once, when the status line and all headers have arrived. */
  int32_t (*on_status)(void *ctx, int32_t http_status);
  /* Once per header line, name and value trimmed. */
  int32_t (*on_header)(void *ctx, const char *name, const char *value);
  /* Zero or more times, with the body bytes as they arrive. */
  int32_t (*on_body)(void *ctx, const uint8_t *data, uint64_t size);
} qwen_http_callbacks;

/* ------------------------------------------------------------------- ui --- */

/* What an auth plugin (or the host) asks of the user. The host routes it to the
 * active front-end, which renders it in its own way: the tty front-end draws
 * it, the pipe front-end writes it to stderr (or as a stream-json event) and
 * answers QWEN_ERR_UNSUPPORTED to questions it cannot ask. */
#define QWEN_UI_NOTICE 1      /* text: a line of information */
#define QWEN_UI_WARNING 2     /* text: something went wrong but we go on */
#define QWEN_UI_DEVICE_CODE 3 /* url + code: "open url, enter code"; text: hint */
#define QWEN_UI_PROGRESS 4    /* text: waiting...; a front-end may overwrite it */
#define QWEN_UI_ASK 5         /* text: question; answer expected */
#define QWEN_UI_ASK_SECRET 6  /* text: question; answer expected, not echoed */
#define QWEN_UI_CONFIRM 7     /* text: yes/no question; answer "y" or "n" */
#define QWEN_UI_CHOOSE 8      /* text: question; choices: '\n'-separated "id\tlabel"; answer: an id */

typedef struct qwen_ui_request {
  uint32_t struct_size;
  int32_t kind;               /* QWEN_UI_* */
  const char *text;           /* may be NULL */
  const char *url;            /* QWEN_UI_DEVICE_CODE */
  const char *code;           /* QWEN_UI_DEVICE_CODE: the user code */
  const char *default_answer; /* ASK/CONFIRM/CHOOSE; may be NULL */
  const char *choices;        /* QWEN_UI_CHOOSE */
  int64_t expires_in_s;       /* QWEN_UI_DEVICE_CODE: seconds the code stays valid; 0 = unknown */
} qwen_ui_request;

/* -------------------------------------------------------------- events --- */

/* One event of a chat turn, the same stream that `--output-format
 * stream-json` prints. `json` is the complete event as one line of JSON
 * (schema QWEN_EVENT_SCHEMA); `text` is the event's main text for front-ends
 * that do not want to parse JSON (the delta for QWEN_EVENT_DELTA, the
 * message for QWEN_EVENT_ERROR, NULL otherwise). */
#define QWEN_EVENT_SCHEMA "qwen.event/1"
#define QWEN_EVENT_TURN_START 1 /* the request is sent */
#define QWEN_EVENT_DELTA 2      /* a piece of the answer's text */
#define QWEN_EVENT_USAGE 3      /* token counts: json has prompt/completion/total */
#define QWEN_EVENT_RETRY 4      /* text: why; the host waits and retries */
#define QWEN_EVENT_ERROR 5      /* text: what went wrong; json has status */
#define QWEN_EVENT_TURN_END 6   /* the answer is complete */

typedef struct qwen_event {
  uint32_t struct_size;
  int32_t type; /* QWEN_EVENT_* */
  const char *text;
  const char *json;
  /* 1.1. The length of `text` in bytes, without the terminating NUL. A
   * delta may hold a NUL byte (a server's "\u0000"): `text` read as a C
   * string stops there, `text_size` covers the whole delta (and `json` has
   * it escaped). 0 when `text` is NULL. Filled by the host; a front-end
   * checks QWEN_HAS_FIELD(event, qwen_event, text_size) first (a 1.0 host
   * does not fill it). Borrowed like `text`, for the on_event() call. */
  uint64_t text_size;
} qwen_event;

typedef struct qwen_event_sink {
  uint32_t struct_size;
  void *ctx;
  /* Called on the thread that called chat_send(), in order, before
   * chat_send() returns. Return non-zero to cancel the turn. */
  int32_t (*on_event)(void *ctx, const qwen_event *event);
} qwen_event_sink;

/* ----------------------------------------------------------- host table --- */

/* The services the host gives a plugin. Each plugin gets its own table (its
 * `host_ctx` tells the host who is calling), valid from init() until deinit()
 * returns. Pass the table itself as the first argument of each function. */
typedef struct qwen_host qwen_host;
struct qwen_host {
  uint32_t struct_size;
  uint16_t abi_major;       /* the host's QWEN_PLUGIN_ABI_MAJOR */
  uint16_t abi_minor;       /* the host's QWEN_PLUGIN_ABI_MINOR */
  const char *host_version; /* "0.1.0" */
  void *host_ctx;           /* the host's; plugins leave it alone */

  /* [thread-safe] Write a log line. Secrets the host knows of are redacted;
   * DEBUG lines are shown only with --debug. */
  void (*log)(const qwen_host *host, int32_t level, const char *message);

  /* [thread-safe] Tell the host that `secret` (a token, a key) must never be
   * shown: every later output, debug logs included, redacts it. */
  void (*register_secret)(const qwen_host *host, const char *secret);

  /* A value from the plugin's own `[plugins.<id>]` table in config.toml, or a
   * host setting when the key starts with "qwen." (qwen.model, qwen.prompt,
   * qwen.output_format, qwen.frontend, qwen.auth, qwen.interactive,
   * qwen.debug; qwen.model.source says where qwen.model came from, in words
   * that follow "from": "--model" or "the session's choice"). Dotted keys
   * reach into sub-tables. Numbers and booleans are given as text. Writes at most `capacity` bytes including the NUL into
   * `buffer` and returns the value's full length, or -1 when the key is not
   * set (buffer untouched). */
  int64_t (*config_get)(const qwen_host *host, const char *key, char *buffer, uint64_t capacity);

  /* The directory qwen keeps user files in ($QWEN_HOME, else ~/.qwen), no
   * trailing slash. Borrowed, valid until deinit(). */
  const char *(*home_dir)(const qwen_host *host);

  /* Make an HTTP request and block until it ends, streaming the answer to
   * `callbacks`. Returns QWEN_OK when a complete HTTP answer arrived, whatever
   * its status (the status went to on_status); else QWEN_ERR_NETWORK,
   * QWEN_ERR_CANCELLED (callback abort or Ctrl-C) or QWEN_ERR_INVALID_ARGUMENT,
   * with `err` filled. No retries: the caller decides. */
  qwen_status (*http_request)(const qwen_host *host, const qwen_http_request *request,
                              const qwen_http_callbacks *callbacks, qwen_error *err);

  /* Open `url` in the user's browser ($BROWSER, else the platform opener),
   * without waiting for it. QWEN_ERR_UNSUPPORTED when no browser can be
   * started here (no display, NO_BROWSER, CI); the caller then shows the URL. */
  qwen_status (*open_url)(const qwen_host *host, const char *url, qwen_error *err);

  /* Show something to the user or ask them, through the active front-end.
   * For questions the answer goes to `answer` (NUL-terminated, at most
   * `capacity` bytes); QWEN_ERR_UNSUPPORTED when nobody can answer (no
   * terminal), QWEN_ERR_CANCELLED when the user cancelled. */
  qwen_status (*ui)(const qwen_host *host, const qwen_ui_request *request, char *answer, uint64_t capacity,
                    qwen_error *err);

  /* Sleep `ms` milliseconds, waking early with QWEN_ERR_CANCELLED when the
   * user cancels (Ctrl-C). QWEN_OK after a full sleep. */
  qwen_status (*wait)(const qwen_host *host, uint32_t ms);

  /* [thread-safe] Non-zero once the user asked to cancel the current operation. */
  int32_t (*is_cancelled)(const qwen_host *host);

  /* ---- For front-ends only; auth plugins get QWEN_ERR_UNSUPPORTED. ---- */

  /* Send one user message in the session (history and model are the
   * host's), streaming the turn's events to `sink`. Credentials come from the
   * selected auth plugin; a 401 makes the host refresh once and retry.
   * `user_text` ends at its first NUL; chat_send_text (1.1) takes a length.
   * Text that is not valid UTF-8 is refused as chat_send_text says. */
  qwen_status (*chat_send)(const qwen_host *host, const char *user_text, const qwen_event_sink *sink, qwen_error *err);

  /* Run a session command: the extensible verbs a front-end offers its user.
   *   "auth.list"            -> put(id, "display name\tselected?\tavailable?") per auth plugin
   *   "auth.select" arg=id   -> switch the session to that auth method, keep the
   *                             conversation, remember the choice (Qwen Code's
   *                             settings.json or config.toml: README "Which sign-in method"):
   *                             now when its credentials are usable and kept, else
   *                             after an "auth.login" that brings kept ones (never
   *                             for credentials whose status says "session_only")
   *   "auth.login"  arg=id?  -> run the interactive login of the selected (or given) method
   *   "auth.status"          -> the selected method's status pairs
   *   "auth.check"           -> whether the selected method has usable credentials now
   *                             (QWEN_OK with base_url, model; or its error, e.g. AUTH_REQUIRED)
   *   "model.get" / "model.set" arg=name
   *   "session.clear"        -> forget the conversation
   *   "session.stats"        -> put() counters: requests, prompt_tokens, ...
   * Unknown verbs give QWEN_ERR_UNSUPPORTED. `out` may be NULL. */
  qwen_status (*command)(const qwen_host *host, const char *verb, const char *arg, const qwen_kv_sink *out,
                         qwen_error *err);

  /* ---- 1.1. Check QWEN_HAS_FIELD(host, qwen_host, member) (or
   * host->abi_minor >= 1) before using a member below: a 1.0 host has none. */

  /* chat_send() with the text's length: `text` holds `text_size` bytes of
   * UTF-8 and need not be NUL-terminated, so a NUL byte in piped input
   * reaches the model instead of cutting the message short. Who calls: a
   * front-end, on the main thread, like chat_send() (auth plugins get
   * QWEN_ERR_UNSUPPORTED). Ownership: `text` is borrowed for the call; the
   * host copies what it keeps (the history). Text that is not valid UTF-8 is
   * refused with QWEN_ERR_CONFIG (exit status 3) and an error event, before
   * anything is sent and without touching the conversation. */
  qwen_status (*chat_send_text)(const qwen_host *host, const char *text, uint64_t text_size,
                                const qwen_event_sink *sink, qwen_error *err);

  /* [thread-safe] Non-zero once the process was asked to end, not just to
   * cancel the current operation: SIGTERM, SIGHUP, or a second SIGINT within
   * two seconds. A front-end that sees a turn cancelled (is_cancelled(), or
   * QWEN_ERR_CANCELLED) asks this to tell "stop this answer" (a first SIGINT,
   * from the keyboard or from `kill -INT`) from "leave" (its loop returns).
   * Who calls: any plugin, any thread; no ownership involved. */
  int32_t (*quit_requested)(const qwen_host *host);

  /* ---- 1.2. Check QWEN_HAS_FIELD(host, qwen_host, member) (or
   * host->abi_minor >= 2) first. */

  /* [thread-safe] Cancel the chat turn in flight, as a first Ctrl-C does,
   * without asking the process to end (quit_requested() stays 0). Returns at
   * once; the chat_send() running on the main thread ends with
   * QWEN_ERR_CANCELLED within about 100 ms, also while the server sends
   * nothing. With no turn in flight it does nothing: the next chat_send()
   * starts uncancelled. Who calls: a front-end, from any thread (typically
   * the thread that reads its input while the main thread streams a turn);
   * auth plugins get no effect. No ownership involved. */
  void (*cancel_turn)(const qwen_host *host);

  /* ---- 1.3. Check QWEN_HAS_FIELD(host, qwen_host, member) (or
   * host->abi_minor >= 3) first. Qwen Code's user settings file
   * (<qwen home>/settings.json, JSON with comments) is shared with Qwen Code:
   * a method that signs in the way Qwen Code does (a modelProviders entry,
   * security.auth.selectedType) keeps Qwen Code's view of the choice there. */

  /* The JSON text (compact, comments dropped, "$VAR" not expanded) of the
   * value at `pointer` (RFC 6901: "/modelProviders/openai", "" for the whole
   * file) in the user's settings.json. Writes at most `capacity` bytes
   * including the NUL into `buffer` and returns the full length (call again
   * with a larger buffer when it is >= capacity), or -1 when the file or the
   * value is absent, or the file cannot be read as JSON with comments (the
   * host has told the user). Who calls: an auth plugin, on the main thread
   * (inside login(), logout() or status()). No ownership crosses. */
  int64_t (*settings_read)(const qwen_host *host, const char *pointer, char *buffer, uint64_t capacity);

  /* Set the value at `pointer` in the user's settings.json to `json` (a
   * complete JSON text; NULL removes the member). Missing objects on the way
   * are added; a missing file is created (mode 0600). The file is edited as
   * text: every other member, comment, order and indentation is kept, the
   * result is checked to parse to exactly the old settings with that one
   * change, and it replaces the old file atomically with the old file's mode,
   * never through a symbolic link. QWEN_ERR_CONFIG with the reason (a file
   * that is not JSON, a value in the way such as a string where an object
   * must be, a link) leaves the file as it was. Who calls: an auth plugin, on
   * the main thread, inside login() or logout(). `pointer` and `json` are
   * borrowed for the call. */
  qwen_status (*settings_write)(const qwen_host *host, const char *pointer, const char *json, qwen_error *err);

  /* ---- 1.4. Check QWEN_HAS_FIELD(host, qwen_host, member) (or
   * host->abi_minor >= 4) first. The secret store: one place for every
   * plugin's keys and tokens, kept by (the calling plugin's id, `account`,
   * `name`); a plugin reaches only its own. The host keeps them in the
   * desktop's keyring (the freedesktop Secret Service through libsecret:
   * GNOME Keyring, KWallet, KeePassXC) when a session bus and a keyring
   * answer, else in <qwen home>/secrets.json (0600, written atomically),
   * and says once that the file is plain text; `[secrets] store` in
   * config.toml ("auto", "keyring", "file") decides. `account` is "" for
   * the default account; `name` is the plugin's ("api_key"). Who calls: an
   * auth plugin, on the main thread. Strings are borrowed for the call;
   * the host registers every secret it stores or returns (register_secret). */

  /* Keep `secret` (NUL-terminated, non-empty) under (account, name),
   * replacing one there. QWEN_ERR_AUTH_REQUIRED when `store = "keyring"`
   * is demanded and no keyring answers (nothing is written anywhere);
   * QWEN_ERR_CONFIG when the store cannot be written; the message says
   * why. */
  qwen_status (*secret_put)(const qwen_host *host, const char *account, const char *name, const char *secret,
                            qwen_error *err);

  /* The secret under (account, name): writes at most `capacity` bytes
   * including the NUL into `buffer` and returns its full length, or -1 when
   * there is none (or the store cannot be read: the host has told the
   * user). */
  int64_t (*secret_get)(const qwen_host *host, const char *account, const char *name, char *buffer,
                        uint64_t capacity);

  /* Forget the secret under (account, name) in whichever store holds it;
   * QWEN_OK also when there was none. */
  qwen_status (*secret_delete)(const qwen_host *host, const char *account, const char *name, qwen_error *err);
};

/* Session commands added in 1.2 (qwen_host.command; a 1.1 host answers
 * QWEN_ERR_UNSUPPORTED to each). Who calls: a front-end, on the main thread.
 *   "auth.describe" arg=id -> how that method signs in, for a front-end that
 *                             lists methods (an editor's sign-in buttons):
 *                             "name", "description", "login" ("browser": a
 *                             person approves in a browser; "asks": it asks
 *                             for typed input, such as a key; "none": no
 *                             interactive login), "env" (one pair per
 *                             variable, most important first), "setup_url"
 *                             (may be absent), "configured" ("environment"
 *                             when the environment alone configures it)
 *   "auth.logout"  arg=id? -> forget the selected (or given) method's login;
 *                             puts "forgotten" = "yes" or "no" (a method with
 *                             no logout forgets nothing)
 *   "models.list"          -> put(model id, one-line description or "") per
 *                             model of the selected method: its own list, or
 *                             the provider's GET <base_url>/models read with
 *                             its credentials (QWEN_AUTH_METHOD_MODELS_FROM_API);
 *                             QWEN_ERR_UNSUPPORTED when it has neither
 *   "session.new"          -> a new conversation (its own history and model),
 *                             made current; puts "session" = its id. The
 *                             conversation that exists at start has id "1".
 *   "session.select" arg=id -> make that conversation current (chat_send,
 *                             model.*, session.clear and session.stats act on
 *                             the current one); QWEN_ERR_INVALID_ARGUMENT for
 *                             an unknown id
 *   "session.close" arg=id -> forget a conversation (not the current one)
 * And "auth.list" values gain a fourth tab-separated field, the method's
 * one-line description (front-ends that split on tabs keep working). */

/* Host settings added in 1.3 (config_get):
 *   "qwen.login.key"      the key given to `qwen auth <id>` with --key/-k,
 *                         or read from standard input with --with-key (a
 *                         login() takes it instead of asking)
 *   "qwen.login.base_url" --base-url/-u of `qwen auth <id>`
 *   "qwen.settings.model" model.name in Qwen Code's settings.json (the
 *                         workspace file's when the project is trusted)
 *   "qwen.settings.api_key", "qwen.settings.base_url"
 *                         security.auth.apiKey / baseUrl there
 *   "qwen.settings.generation_config"
 *                         model.generationConfig there, as JSON
 *   "qwen.provider"       the modelProviders["<this plugin's id>"] entry
 *                         (JSON object) serving the current model: the one
 *                         whose "id" is qwen.model (else model.name), and
 *                         whose "baseUrl" is model.baseUrl when that is set;
 *                         the first such entry wins. Absent when none.
 *   "qwen.providers"      every modelProviders["<id>"] entry, a JSON array
 *   "qwen.provider.source" the settings file the entries come from
 * String values in these come with "$VAR" and "${VAR}" replaced from the
 * environment, as Qwen Code does (an unset variable is left as written).
 * A workspace file's modelProviders, env, security.auth and
 * model.generationConfig are used only in a directory the user trusts.
 *
 * Status keys added in 1.3 (status()):
 *   "signed_in" "yes" when a question would find credentials (without a
 *               request now: a cached token with a refresh token counts),
 *               else "no". `qwen auth status` exits 0 or 4 on it; without
 *               it the host calls get_credentials(0) to decide.
 *
 * Credentials fields added in 1.3 (qwen_credentials_sink):
 *   "body"  a JSON object whose members the host adds to the chat request
 *           body ({"enable_thinking":true}); may repeat, a later member of
 *           the same name wins. The host's own members (model, messages,
 *           stream, stream_options) cannot be replaced: such a member is
 *           ignored (said with --debug), as is a value that is not a JSON
 *           object. A 1.2 host ignores the field. */

/* Accounts, added in 1.5. A method may keep several logins: the default
 * account and named ones, named by the user (`qwen auth login --account
 * work`; a name is 1 to 64 of A-Z a-z 0-9 . _ - and starts with a letter or
 * digit; "default" names the default account). Only a method whose
 * method_flags has QWEN_AUTH_METHOD_ACCOUNTS gets a named account.
 *
 * Host setting (config_get):
 *   "qwen.account"  the account the host acts for in this call: "" for the
 *                   default account, else its name. Who reads: an auth
 *                   plugin, on the main thread, in every get_credentials(),
 *                   status(), login() and logout() (and list_models()): it
 *                   changes between calls (the user switches accounts in a
 *                   session; `qwen auth list` asks status() of each one), so
 *                   it is never cached at create(). The plugin keeps each
 *                   account's secrets apart (secret_put's `account`) and keeps
 *                   the default account where a 1.4 plugin kept its one login.
 *
 * Session commands (qwen_host.command). Who calls: a front-end, on the main
 * thread; a 1.4 host answers QWEN_ERR_UNSUPPORTED.
 *   "auth.accounts" arg=id? -> put(account, "active?\tsigned in?") per
 *                             account of the selected (or given) method that
 *                             has a login, "default" first, each "yes"/"no";
 *                             the active one is listed also without a login
 *   "auth.account"  arg=name -> make that account of the selected method the
 *                             active one ("default" for the default account),
 *                             keep the conversation, remember the choice in
 *                             config.toml; QWEN_ERR_INVALID_ARGUMENT for a
 *                             malformed name, QWEN_ERR_UNSUPPORTED for a
 *                             method without QWEN_AUTH_METHOD_ACCOUNTS. A
 *                             login() afterwards signs that account in.
 * And "auth.check" puts "login" (the active account, "default" for the
 * default one) for a method with QWEN_AUTH_METHOD_ACCOUNTS. */

/* --------------------------------------------------------------- kinds --- */

#define QWEN_PLUGIN_KIND_AUTH 1
#define QWEN_PLUGIN_KIND_FRONTEND 2

#define QWEN_AUTH_INTERFACE "qwen.auth/1"
#define QWEN_FRONTEND_INTERFACE "qwen.frontend/1"

/* Credentials an auth plugin hands the host for the model API. The plugin
 * calls set() with each field; the host copies. Fields: "base_url" (the
 * OpenAI-compatible base, ending before /chat/completions), "token" (bearer;
 * may be empty for a keyless local server), "model" (the default model),
 * "header" (one extra "Name: value" request header; may repeat),
 * "expires_at" (seconds since the epoch, optional), "account" (a
 * display name, optional). The host asks before every turn (and once more
 * with QWEN_AUTH_FLAG_FORCE_REFRESH after a 401/403), on the main thread:
 * answer from memory or a cached file while the token is fresh, and use the
 * network only to refresh it. "expires_at" and "account" are informational
 * (shown with --debug); `auth status` and a front-end's greeting show the
 * "account" that status() puts. */
typedef qwen_kv_sink qwen_credentials_sink;

#define QWEN_AUTH_FLAG_FORCE_REFRESH 1u /* the token was just refused (401): refresh it */

typedef struct qwen_auth_interface {
  uint32_t struct_size;
  const char *display_name; /* "Qwen OAuth" */
  const char *description;  /* one line: shown in the sign-in choice (/auth, an editor) and by `qwen plugins` */

  /* Whether this method can be chosen now. QWEN_OK, or an error whose message
   * says why not (e.g. the provider ended the service). May be NULL = always. */
  qwen_status (*available)(qwen_error *err);

  /* Credentials usable now, without asking the user: from configuration, the
   * environment or a cache, refreshing them when needed (or when flags has
   * QWEN_AUTH_FLAG_FORCE_REFRESH). QWEN_ERR_AUTH_REQUIRED when the user must
   * sign in first; the message says how. */
  qwen_status (*get_credentials)(uint32_t flags, const qwen_credentials_sink *out, qwen_error *err);

  /* Sign in interactively, using host->ui / open_url / wait. May be NULL when
   * the method has no interactive login (its credentials come from the
   * environment or configuration): `qwen auth login` then fails with
   * QWEN_ERR_AUTH_REQUIRED (exit 4) and a message naming env_vars, and a
   * front-end offers the method only as "set these variables". */
  qwen_status (*login)(qwen_error *err);

  /* Forget cached credentials. May be NULL: nothing is forgotten, and the
   * host says so ("<name> keeps no login to forget") instead of "Signed out".
   * It may say what it removed, and what still signs the user in that it
   * cannot remove (a key in a .env file), with host->ui notices; when it says
   * nothing, the host says "Signed out of <name>." */
  qwen_status (*logout)(qwen_error *err);

  /* Describe the state for `qwen auth status`: put() pairs such as
   * "account", "expires", "base_url", "model", "source" (the host itself
   * prints "method" and "name" first and drops a plugin's pairs of those
   * names; "account" is also shown in a front-end's greeting). Never a secret in
   * clear; redact to a short form. "session_only" (any value, in words)
   * says the credentials in use end with this process (typed in and not
   * kept): the host then does not remember the method as the user's choice. */
  qwen_status (*status)(const qwen_kv_sink *out, qwen_error *err);

  /* Told after every model API answer (status, and the Retry-After header or
   * NULL), so the plugin can count quota. For a 429 the plugin may write a
   * better explanation into `message` (NUL-terminated, at most `capacity`
   * bytes) and return QWEN_OK; it returns QWEN_ERR_UNSUPPORTED to leave the
   * host's message. May be NULL. */
  qwen_status (*on_api_response)(int32_t http_status, const char *retry_after, char *message, uint64_t capacity);

  /* ---- 1.2. The host checks QWEN_HAS_FIELD(table, qwen_auth_interface,
   * member) before reading these; a 1.0 or 1.1 plugin has none, and keeps
   * the older meaning of on_api_response. From a plugin built for 1.2,
   * on_api_response's `message` for a 429 *replaces* the host's text whole
   * (it is not quoted inside "rate limited by the server"), and a message
   * for a 401 or 403 (after the one refresh) replaces the host's advice
   * ("Check the API key, or sign in again", wrong for a client-credentials
   * method): the host still says which method was refused, with the HTTP
   * status and the server's own words, then the plugin's. */

  /* QWEN_AUTH_METHOD_* bits: how this method signs in. Static. */
  uint32_t method_flags;

  /* The environment variables this method reads, '\n'-separated, the one
   * that configures it first ("ACME_CLIENT_ID\nACME_CLIENT_SECRET"); NULL
   * for none. Static, the plugin's. The host names them when nothing is
   * configured; an editor shows them. */
  const char *env_vars;

  /* Where a user creates a key or an account (https URL), or NULL. Static. */
  const char *setup_url;

  /* Whether the environment alone configures this method (its key variable
   * is set): 0 when not, else a priority, higher first. When the user chose
   * no method (no --auth-type, no `auth` in any config, no Qwen Code
   * choice), the host takes the configured method with the highest
   * priority, then `default_auth` (shipped value: qwen-oauth). The built-in
   * `openai` answers 100 when OPENAI_API_KEY is set. Who calls: the host, on
   * the main thread, at start-up, for every installed auth plugin: it must
   * only look at the environment or configuration (no file I/O beyond that,
   * no network, no user). May be NULL = never. */
  int32_t (*environment_priority)(void);

  /* The models this method offers: put(model id, one-line description or
   * "") for each, in the order to show them. QWEN_ERR_UNSUPPORTED (or NULL)
   * when it has no list of its own; the host then reads GET <base_url>/models
   * when method_flags has QWEN_AUTH_METHOD_MODELS_FROM_API. Who calls: the
   * host, main thread, for `qwen models`, /model and an editor's model
   * choice; it may use the network. May be NULL. */
  qwen_status (*list_models)(const qwen_kv_sink *out, qwen_error *err);
} qwen_auth_interface;

/* qwen_auth_interface.method_flags (1.2). */
#define QWEN_AUTH_METHOD_LOGIN_BROWSER 1u   /* login() needs a person at a browser (device flow, OAuth) */
#define QWEN_AUTH_METHOD_LOGIN_ASKS 2u      /* login() asks for typed input (a key) through host->ui */
#define QWEN_AUTH_METHOD_MODELS_FROM_API 4u /* the provider answers GET <base_url>/models (OpenAI's shape) */
/* 1.5: the plugin keeps one login per account (it reads "qwen.account" in
 * every call and keeps each account's secrets apart). Without it the host
 * refuses --account for the method: a 1.4 plugin would overwrite its one
 * login. */
#define QWEN_AUTH_METHOD_ACCOUNTS 8u

typedef struct qwen_frontend_interface {
  uint32_t struct_size;
  const char *display_name;

  /* Own the user's loop: read input, call host->chat_send / host->command,
   * render. Returns the process exit status (see the README's table). */
  int32_t (*run)(qwen_error *err);

  /* Render a qwen_ui_request from an auth plugin or the host (see
   * qwen_host.ui). Called on the main thread, possibly while run() is inside
   * host->command or host->chat_send. */
  qwen_status (*ui)(const qwen_ui_request *request, char *answer, uint64_t capacity, qwen_error *err);
} qwen_frontend_interface;

/* ---------------------------------------------------------------- entry --- */

typedef struct qwen_plugin_entry {
  uint32_t struct_size;
  uint16_t abi_major;  /* QWEN_PLUGIN_ABI_MAJOR the plugin was built with */
  uint16_t abi_minor;  /* QWEN_PLUGIN_ABI_MINOR the plugin was built with */
  const char *id;      /* "qwen-oauth": [a-z0-9][a-z0-9._-]*, unique */
  const char *name;    /* human-readable */
  const char *version; /* the plugin's own version, "1.2.3" */
  int32_t kind;        /* QWEN_PLUGIN_KIND_* */

  /* Called once, on the main thread, before anything else. `host` stays
   * valid until deinit() returns. Must be quick and must not talk to the
   * user. On failure fill `err` and return non-QWEN_OK: the host then never
   * calls anything else, deinit included. */
  qwen_status (*init)(const qwen_host *host, qwen_error *err);

  /* Called once at exit after a successful init(). Join your threads here. */
  void (*deinit)(void);

  /* The function table for interface `id` (QWEN_AUTH_INTERFACE for an auth
   * plugin, QWEN_FRONTEND_INTERFACE for a front-end), or NULL. The table is
   * the plugin's, static, and never freed. */
  const void *(*get_interface)(const char *id);
} qwen_plugin_entry;

/* What the exported symbol looks like. It returns a pointer to a static
 * entry (or NULL when the plugin cannot run at all), may be called more than
 * once, and must do no work beyond that. */
typedef const qwen_plugin_entry *(*qwen_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* QWEN_PLUGIN_H */
