"""One editor-like round trip through `qwen --acp`, measured like bench/measure.py's run(): initialize,
session/new, one prompt whose chunks are read as they stream, then stdin closed and the exit awaited.
Through GNU time for the peak RSS, so the figure is comparable with `qwen -p`'s."""
import json, os, subprocess, time


def acp_round_trip(qwen, env, home, prompt):
    rss_file = os.path.join(home, "rss-acp")
    start = time.perf_counter()
    p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss_file, qwen, "--acp"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=home)
    first = None

    def call(id, method, params):
        nonlocal first
        p.stdin.write((json.dumps({"jsonrpc": "2.0", "id": id, "method": method, "params": params}) + "\n").encode())
        p.stdin.flush()
        while True:
            line = p.stdout.readline()
            if not line:
                raise SystemExit(f"qwen --acp ended before answering {method}")
            msg = json.loads(line)
            if method == "session/prompt" and first is None and msg.get("method") == "session/update":
                first = time.perf_counter() - start
            if msg.get("id") == id:
                if "error" in msg:
                    raise SystemExit(f"qwen --acp: {method} failed: {msg['error']}")
                return msg["result"]

    call(1, "initialize", {"protocolVersion": 1, "clientCapabilities": {}})
    sid = call(2, "session/new", {"cwd": home, "mcpServers": []})["sessionId"]
    if call(3, "session/prompt", {"sessionId": sid, "prompt": [{"type": "text", "text": prompt}]})["stopReason"] != "end_turn":
        raise SystemExit("qwen --acp: the prompt did not end with end_turn")
    p.stdin.close()
    p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"qwen --acp failed with status {status}")
    p.stdout.close()
    rss_kib = int(open(rss_file).read().split()[-1])
    return wall, usage.ru_utime + usage.ru_stime, rss_kib, first if first is not None else wall, None
