// Conformance of `qwen --acp` with the official Agent Client Protocol client (@agentclientprotocol/sdk,
// pinned in package.json), against the project's loopback fake provider. Every message qwen writes is
// validated against the SDK's own schema/v1/schema.json. Exit status 0 only when every check passed.
//
//   node conformance.mjs QWEN_BIN FAKE_PROVIDER_BIN ACME_PLUGIN_DIR
//
// Run by CTest after scripts/setup-acp-client.sh installed the pinned packages (npm ci).
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, chmodSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

import * as acp from "@agentclientprotocol/sdk";
import Ajv2020 from "ajv/dist/2020.js";

const [qwenBin, fakeBin, acmeDir] = process.argv.slice(2);
if (!qwenBin || !fakeBin || !acmeDir) {
  console.error("usage: node conformance.mjs QWEN_BIN FAKE_PROVIDER_BIN ACME_PLUGIN_DIR");
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const schema = JSON.parse(
  readFileSync(join(here, "node_modules/@agentclientprotocol/sdk/schema/v1/schema.json"), "utf8"));

// ---- the schema: the whole "agent" message branch, and each method's own result type ----
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema(schema, "acp");
const agentMessage = ajv.compile({ $ref: "acp#/anyOf/0" });
const def = (name) => ajv.compile({ $ref: `acp#/$defs/${name}` });
const resultType = {
  initialize: def("InitializeResponse"),
  authenticate: def("AuthenticateResponse"),
  logout: def("LogoutResponse"),
  "session/new": def("NewSessionResponse"),
  "session/prompt": def("PromptResponse"),
  "session/close": def("CloseSessionResponse"),
  "session/set_config_option": def("SetSessionConfigOptionResponse"),
};
const errorType = def("Error");
const sessionNotification = def("SessionNotification");

// The validator can fail: messages that break the schema are refused before qwen's are judged by it.
for (const [fn, bad] of [
  [resultType["session/prompt"], { stopReason: "done" }],
  [sessionNotification, { update: { sessionUpdate: "agent_message_chunk", content: { type: "text", text: "x" } } }],
  [resultType.initialize, { protocolVersion: 1, authMethods: [{ id: "x" }] }],
  [agentMessage, { jsonrpc: "1.0", id: 1, result: {} }],
]) {
  if (fn(bad)) throw new Error(`the schema validator accepted ${JSON.stringify(bad)}`);
}

const sentMethods = new Map(); // request id -> method, from what the client wrote
const secrets = []; // tokens the sign-in saved: never in anything qwen writes
let rawOut = "";
const problems = [];
let validated = 0;
function validateLine(line) {
  let msg;
  try {
    msg = JSON.parse(line);
  } catch {
    problems.push(`stdout line is not JSON: ${line.slice(0, 200)}`);
    return;
  }
  const check = (fn, what) => {
    if (!fn(msg.result ?? msg.error ?? msg.params ?? msg)) problems.push(`${what}: ${ajv.errorsText(fn.errors)} in ${line.slice(0, 400)}`);
  };
  if (!agentMessage(msg)) problems.push(`not an ACP agent message: ${ajv.errorsText(agentMessage.errors)} in ${line.slice(0, 400)}`);
  if ("method" in msg) {
    if (msg.method === "session/update") check(sessionNotification, "session/update");
    else problems.push(`unexpected message from the agent: ${msg.method}`);
  } else if ("error" in msg) {
    check(errorType, "error");
  } else {
    const method = sentMethods.get(msg.id);
    if (!method) problems.push(`a response to an id the client never sent: ${line.slice(0, 200)}`);
    else check(resultType[method], `${method} result`);
  }
  validated++;
}

// ---- the world: fake provider, a HOME, a stand-in browser that approves ----
const home = mkdtempSync(join(tmpdir(), "qwen-acp-conformance-"));
const log = join(home, "provider.log");
const portFile = join(home, "port");
const provider = spawn(fakeBin, ["--port-file", portFile, "--interval", "0", "--log", log, "--idle-exit", "120"], {
  stdio: ["ignore", "ignore", "inherit"],
});
const deadline = Date.now() + 10000;
while (!existsSync(portFile)) {
  if (Date.now() > deadline) throw new Error("the fake provider did not start");
  await new Promise((r) => setTimeout(r, 20));
}
const root = `http://127.0.0.1:${readFileSync(portFile, "utf8").trim()}`;
const browser = join(home, "approve-browser");
writeFileSync(browser, `#!/bin/sh\nexec curl -s -o /dev/null "$1"\n`);
chmodSync(browser, 0o755);

const qwenArgs = (process.env.QWEN_ACP_ARGS ?? "--acp").split(" ");
const child = spawn(qwenBin, qwenArgs, {
  cwd: home,
  stdio: ["pipe", "pipe", "pipe"],
  env: {
    HOME: home, PATH: "/usr/local/bin:/usr/bin:/bin", LANG: "C.UTF-8",
    QWEN_OAUTH_BASE_URL: root, BROWSER: browser, NO_BROWSER: "",
    QWEN_PLUGIN_PATH: acmeDir, ACME_FIXTURE_BASE_URL: `${root}/v1`,
  },
});
let stderr = "";
child.stderr.on("data", (d) => (stderr += d));

// Tee qwen's stdout: the SDK reads one copy, the validator the other, line by line.
const [forSdk, forCheck] = Readable.toWeb(child.stdout).tee();
const checking = (async () => {
  let buffer = "";
  const decoder = new TextDecoder();
  for await (const chunk of forCheck) {
    buffer += decoder.decode(chunk, { stream: true });
    let nl;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      rawOut += buffer.slice(0, nl + 1);
      validateLine(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
    }
  }
  if (buffer.length) problems.push(`stdout ended inside a line: ${buffer.slice(0, 200)}`);
})();
// Record each request's method as the client writes it, so its response is checked against its type.
const toQwen = Writable.toWeb(child.stdin);
const recordingWriter = new WritableStream({
  async write(chunk) {
    for (const line of new TextDecoder().decode(chunk).split("\n")) {
      if (!line.trim()) continue;
      try {
        const m = JSON.parse(line);
        if (m.method && m.id !== undefined) sentMethods.set(m.id, m.method);
      } catch {}
    }
    const w = toQwen.getWriter();
    try { await w.write(chunk); } finally { w.releaseLock(); }
  },
  async close() { await toQwen.close(); },
});

// ---- the client ----
const updates = []; // [time, sessionId, update]
// The SDK hands a notification handler its context: the validated params are `params`.
const app = acp.client({ name: "qwen-conformance" }).onNotification("session/update", ({ params }) => {
  updates.push([Date.now(), params.sessionId, params.update]);
});
const textOf = (sid, from = 0) =>
  updates.slice(from).filter(([, s, u]) => s === sid && u.sessionUpdate === "agent_message_chunk")
    .map(([, , u]) => u.content.text).join("");
const prompt = (ctx, sessionId, text) => ctx.request("session/prompt", { sessionId, prompt: [{ type: "text", text }] });
async function expectError(promise, code, what) {
  try {
    await promise;
  } catch (e) {
    assert.equal(e.code, code, `${what}: error code ${e.code} (${e.message})`);
    return e;
  }
  assert.fail(`${what}: expected error ${code}, got a result`);
}
const passed = [];
const step = async (name, fn) => { await fn(); passed.push(name); console.log(`ok - ${name}`); };

let failure = null;
try {
  await app.connectWith(acp.ndJsonStream(recordingWriter, forSdk), async (ctx) => {
    let init;
    await step("initialize lists openai, qwen-oauth and a third party's acme-fixture", async () => {
      init = await ctx.request("initialize", {
        protocolVersion: acp.PROTOCOL_VERSION,
        clientCapabilities: { fs: { readTextFile: false, writeTextFile: false }, terminal: false, auth: { terminal: true } },
        clientInfo: { name: "qwen-conformance", version: "1.0.0" },
      });
      assert.equal(init.protocolVersion, 1);
      assert.equal(init.agentInfo.name, "qwen");
      assert.ok(init.agentCapabilities.auth.logout, "auth.logout advertised");
      const ids = init.authMethods.map((m) => m.id);
      for (const id of ["openai", "qwen-oauth", "acme-fixture"]) assert.ok(ids.includes(id), `authMethods has ${id}: ${ids}`);
      const oauth = init.authMethods.find((m) => m.id === "qwen-oauth");
      assert.equal(oauth.type, undefined, "qwen-oauth is an agent method");
      const openai = init.authMethods.find((m) => m.id === "openai");
      assert.equal(openai.type, "terminal", "openai's key is typed in the editor's terminal");
      assert.deepEqual(openai.args, ["auth", "login", "--auth-type", "openai"]);
      const acme = init.authMethods.find((m) => m.id === "acme-fixture");
      assert.equal(acme.name, "Acme Cloud (fixture)");
      assert.match(acme.description ?? "", /Acme Cloud account/);
    });
    await step("session/new before sign-in answers auth_required", async () => {
      await expectError(ctx.request("session/new", { cwd: home, mcpServers: [] }), -32000, "session/new");
    });
    await step("authenticate with qwen-oauth completes the device flow (a stand-in browser approves)", async () => {
      const r = await ctx.request("authenticate", { methodId: "qwen-oauth" });
      assert.deepEqual(Object.keys(r ?? {}).filter((k) => k !== "_meta"), []);
      const creds = JSON.parse(readFileSync(join(home, ".qwen", "oauth_creds.json"), "utf8"));
      secrets.push(creds.access_token, creds.refresh_token);
    });
    let a;
    await step("a prompt streams chunks in order and their text is the answer", async () => {
      const made = await ctx.request("session/new", { cwd: home, mcpServers: [] });
      a = made.sessionId;
      const from = updates.length;
      const done = await prompt(ctx, a, "hello over ACP");
      assert.equal(done.stopReason, "end_turn");
      const chunks = updates.slice(from).filter(([, s, u]) => s === a && u.sessionUpdate === "agent_message_chunk");
      assert.ok(chunks.length > 1, `several chunks (${chunks.length})`);
      assert.equal(textOf(a, from), "Hello from the fake provider. You said: hello over ACP");
    });
    await step("session/cancel mid-stream on a stalled server ends with cancelled within 200 ms", async () => {
      const queued = await fetch(`${root}/__control/fault`, { method: "POST", body: "stall" });
      assert.equal(queued.status, 200);
      const from = updates.length;
      const running = prompt(ctx, a, "this answer stalls");
      while (!updates.slice(from).some(([, s, u]) => s === a && u.sessionUpdate === "agent_message_chunk"))
        await new Promise((r) => setTimeout(r, 5));
      const start = performance.now();
      await ctx.notify("session/cancel", { sessionId: a });
      const done = await running;
      const took = performance.now() - start;
      assert.equal(done.stopReason, "cancelled");
      assert.ok(took < 200, `cancelled after ${took.toFixed(0)} ms`);
      console.log(`# cancel took ${took.toFixed(1)} ms`);
    });
    await step("two sessions keep separate histories", async () => {
      const b = (await ctx.request("session/new", { cwd: home, mcpServers: [] })).sessionId;
      assert.notEqual(a, b);
      assert.equal((await prompt(ctx, b, "only in B")).stopReason, "end_turn");
      assert.equal((await prompt(ctx, a, "back in A")).stopReason, "end_turn");
      const chats = readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l))
        .filter((r) => r.target === "/v1/chat/completions").map((r) => JSON.parse(r.body));
      const users = (body) => body.messages.filter((m) => m.role === "user").map((m) => m.content);
      const inB = chats.at(-2), inA = chats.at(-1);
      assert.deepEqual(users(inB), ["only in B"]);
      assert.ok(users(inA).includes("hello over ACP") && users(inA).at(-1) === "back in A" && !users(inA).includes("only in B"),
        `A's history: ${JSON.stringify(users(inA))}`);
    });
    await step("the model is a session config option and a /model command, each message valid", async () => {
      const made = await ctx.request("session/new", { cwd: home, mcpServers: [] });
      const model = (made.configOptions ?? []).find((o) => o.id === "model");
      assert.ok(model && model.category === "model" && model.type === "select", "a model select option");
      const set = await ctx.request("session/set_config_option", { sessionId: made.sessionId, configId: "model", value: "other-model" });
      assert.equal(set.configOptions.find((o) => o.id === "model").currentValue, "other-model");
      const from = updates.length;
      assert.equal((await prompt(ctx, made.sessionId, "/model third-model")).stopReason, "end_turn");
      const changed = updates.slice(from).find(([, s, u]) => s === made.sessionId && u.sessionUpdate === "config_option_update");
      assert.ok(changed, "a config_option_update after /model");
      assert.equal(changed[2].configOptions.find((o) => o.id === "model").currentValue, "third-model");
      const commands = updates.find(([, s, u]) => s === made.sessionId && u.sessionUpdate === "available_commands_update");
      assert.deepEqual(commands[2].availableCommands.map((c) => c.name).sort(), ["auth", "clear", "model", "stats"]);
    });
    await step("logout, then a prompt answers auth_required", async () => {
      await ctx.request("logout", {});
      await expectError(prompt(ctx, a, "still there?"), -32000, "prompt after logout");
    });
  });
} catch (e) {
  failure = e;
}
child.stdin.end();
const exitCode = await new Promise((resolve) => {
  const t = setTimeout(() => { child.kill("SIGKILL"); resolve("killed"); }, 10000);
  child.on("exit", (code) => { clearTimeout(t); resolve(code); });
});
await checking;
provider.kill("SIGTERM");
rmSync(home, { recursive: true, force: true });

if (exitCode !== 0) problems.push(`qwen exited with ${exitCode}`);
if (secrets.length === 0) problems.push("no sign-in tokens were read to check the output for");
for (const secret of secrets) {
  if (typeof secret !== "string" || secret.length < 8) problems.push("a sign-in token was missing or short");
  else if (rawOut.includes(secret) || stderr.includes(secret)) problems.push("a sign-in token appears in qwen's output");
}
if (validated < 10) problems.push(`only ${validated} messages were validated`);
if (failure) problems.unshift(`${failure.stack ?? failure}`);
console.log(`# ${validated} messages from qwen validated against schema/v1/schema.json`);
if (problems.length) {
  console.error(problems.map((p) => `not ok - ${p}`).join("\n"));
  console.error(`--- qwen's stderr ---\n${stderr}`);
  process.exit(1);
}
console.log(`# all ${passed.length} steps passed`);
