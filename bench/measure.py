#!/usr/bin/env python3
"""Measures qwen against curl on this machine, in one run, and prints a Markdown table.

Each figure is the median of N runs; the reference (curl, or an empty plugin path)
is measured interleaved with it, so machine noise hits both alike. Peak RSS comes from
GNU time, CPU from wait4() of each child process. "First streamed byte after the server
sent it" uses bench/first_byte_server.py, which prints its CLOCK_MONOTONIC send time;
this script reads the client's stdout and subtracts it from the time of the first byte.
Qwen Code's rows appear when bench/.node holds @qwen-code/qwen-code (bench/run.sh installs it).
"""
import json, os, shutil, statistics, subprocess, sys, tempfile, time

from acp_round_trip import acp_round_trip
from tty_render import markdown_answer, run_tty

build = os.path.abspath(sys.argv[1])
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 21
qwen = os.path.join(build, "bin", "qwen")
fake = os.path.join(build, "bin", "qwen-fake-provider")
KEY = "sk-bench-key-000000"
home = tempfile.mkdtemp(prefix="qwen-bench-")


def run(argv, env=None, stdin=subprocess.DEVNULL, cwd=None, to_null=False):
    """One run: wall seconds, CPU seconds, peak RSS in KiB, seconds to the first stdout byte, and the
    CLOCK_MONOTONIC nanoseconds at which that byte was read (for comparing with a server's send time)."""
    # Through GNU time: ru_maxrss of a child forked from Python would start at Python's own
    # high-water mark (Linux carries it across exec), while time's is ~2 MiB.
    rss_file = os.path.join(home, "rss")
    start = time.perf_counter()
    p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss_file] + argv,
                         stdout=subprocess.DEVNULL if to_null else subprocess.PIPE, stderr=subprocess.DEVNULL,
                         stdin=stdin, env=env, cwd=cwd)
    first = None
    first_ns = None
    fd = p.stdout.fileno() if p.stdout else None
    while fd is not None:
        chunk = os.read(fd, 1 << 20)  # returns as soon as any byte is there
        if not chunk:
            break
        if first is None:
            first_ns = time.monotonic_ns()
            first = time.perf_counter() - start
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{argv[0]} failed with status {status}")
    if p.stdout:
        p.stdout.close()
    rss_kib = int(open(rss_file).read().split()[-1])
    return wall, usage.ru_utime + usage.ru_stime, rss_kib, first if first is not None else wall, first_ns


def interleaved(a, b, n=None):
    """Medians of a() and b(), run alternately so drift and noise hit both."""
    sa, sb = [], []
    for _ in range(n or runs):
        sa.append(a())
        sb.append(b())
    med = lambda s: [statistics.median(x[i] for x in s) for i in range(4)]
    return med(sa), med(sb)


def start_server(argv, name, stdout=subprocess.DEVNULL):
    port_file = os.path.join(home, name + ".port")
    p = subprocess.Popen(argv + ["--port-file", port_file], stdout=stdout)
    for _ in range(250):
        if os.path.exists(port_file) and open(port_file).read().strip():
            return p, int(open(port_file).read())
        time.sleep(0.02)
    raise SystemExit(f"{name} did not start")


server, port = start_server([fake, "--port", "0", "--api-key", KEY, "--idle-exit", "600"], "fake-provider")
# First byte after arrival: a loopback server that prints its CLOCK_MONOTONIC send time of the first delta.
fb_server, fb_port = start_server([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                                "first_byte_server.py")], "first-byte",
                                  stdout=subprocess.PIPE)
base = f"http://127.0.0.1:{port}/v1"
env = {"HOME": home, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "OPENAI_API_KEY": KEY,
       "OPENAI_BASE_URL": base, "OPENAI_MODEL": "fake-model", "QWEN_PLUGIN_PATH": ""}
curl = shutil.which("curl")


def curl_chat(prompt, stream_flag, url=None, to_null=False):
    body = json.dumps({"model": "fake-model", "messages": [{"role": "user", "content": prompt}], "stream": True,
                       "stream_options": {"include_usage": True}})
    argv = [curl, "-s", "-X", "POST", f"{url or base}/chat/completions", "-H", f"Authorization: Bearer {KEY}",
            "-H", "Content-Type: application/json", "-d", body, "-o", "-"]
    if stream_flag:
        argv.insert(1, "-N")
    return lambda: run(argv, env, to_null=to_null)


def after_send(fn):
    """fn() against the first-byte server: the first stdout byte's time minus the server's send time."""
    def once():
        r = fn()
        sent = int(fb_server.stdout.readline())
        return (r[0], r[1], r[2], (r[4] - sent) / 1e9 if r[4] is not None else float("nan"), None)
    return once


rows = []
def row(name, ours, ref, ref_name, unit="ms", index=0, scale=1000.0):
    o, r = ours[index] * scale, ref[index] * scale
    rows.append((name, f"{o:.2f} {unit}", f"{r:.2f} {unit} ({ref_name})", f"{o / r:.2f}x" if r else "n/a"))

try:
    v_q, v_c = interleaved(lambda: run([qwen, "--version"], env), lambda: run([curl, "--version"], env))
    row("`--version` wall", v_q, v_c, "curl --version")
    row("`--version` peak RSS", v_q, v_c, "curl --version", "MiB", 2, 1 / 1024)

    rt_q, rt_c = interleaved(lambda: run([qwen, "-p", "hi"], env), curl_chat("hi", False))
    row("`qwen -p hi` round trip wall", rt_q, rt_c, "curl, same request")
    row("`qwen -p hi` peak RSS", rt_q, rt_c, "curl, same request", "MiB", 2, 1 / 1024)

    # The same request through the Agent Client Protocol, as an editor sends it: initialize, session/new,
    # one prompt (its chunks read as they stream), then stdin closed; against `-p` (bench/acp_round_trip.py).
    a_q, a_p = interleaved(lambda: acp_round_trip(qwen, env, home, "hi"), lambda: run([qwen, "-p", "hi"], env))
    row("`qwen --acp`: initialize + session/new + prompt `hi`, wall", a_q, a_p, "`qwen -p hi`")
    row("`qwen --acp` round trip peak RSS", a_q, a_p, "`qwen -p hi`", "MiB", 2, 1 / 1024)

    big = "__bytes:10000000"
    s_q, s_c = interleaved(lambda: run([qwen, "-p", big], env, to_null=True), curl_chat(big, True, to_null=True))
    row("10 MB streamed answer into /dev/null: wall", s_q, s_c, "curl -N")
    row("10 MB streamed answer: CPU", s_q, s_c, "curl -N", "ms", 1)
    row("10 MB streamed answer: peak RSS", s_q, s_c, "curl -N", "MiB", 2, 1 / 1024)
    row("first answer byte on stdout, from process start", rt_q, rt_c, "curl, first body byte", "ms", 3)
    fb_base = f"http://127.0.0.1:{fb_port}/v1"
    fb_env = dict(env, OPENAI_BASE_URL=fb_base)
    f_q, f_c = interleaved(after_send(lambda: run([qwen, "-p", "hi"], fb_env)), after_send(curl_chat("hi", True, fb_base)))
    row("first streamed byte on stdout after the server sent it", f_q, f_c, "curl -N", "ms", 3)

    # The terminal front-end on a pseudo-terminal: a ~1 MB Markdown answer rendered, against the same answer
    # written raw (TERM=dumb turns rendering and the spinner off); and the first delta on the terminal after
    # the server sent it (bench/tty_render.py). Fewer runs: one costs about a second.
    md_file = os.path.join(home, "answer.md")
    with open(md_file, "w") as f:
        f.write(markdown_answer())
    md_server, md_port = start_server([fake, "--port", "0", "--api-key", KEY, "--idle-exit", "600",
                                       "--reply-file", md_file], "fake-provider-markdown")
    tty_env = dict(env, OPENAI_BASE_URL=f"http://127.0.0.1:{md_port}/v1", TERM="xterm-256color", LANG="C.UTF-8")
    tty_raw_env = dict(tty_env, TERM="dumb")
    tty_runs = max(5, runs // 3)
    md = lambda e: lambda: run_tty(qwen, e, "q", "Section", "END-OF-ANSWER")
    t_r, t_w = interleaved(md(tty_env), md(tty_raw_env), tty_runs)
    row("1 MB Markdown answer in the terminal front-end, rendered: CPU", t_r, t_w, "raw, TERM=dumb", "ms", 1)
    row("1 MB Markdown answer in the terminal front-end, rendered: wall", t_r, t_w, "raw, TERM=dumb")
    md_server.terminate()
    fb_tty_env = dict(tty_env, OPENAI_BASE_URL=fb_base)
    fb = lambda e: after_send(lambda: run_tty(qwen, e, "q", "Hi", "Hi"))
    ft_r, ft_w = interleaved(fb(fb_tty_env), fb(dict(fb_tty_env, TERM="dumb")))
    row("first answer byte on the terminal after the server sent it, rendered", ft_r, ft_w, "raw, TERM=dumb", "ms", 3)

    # Plugin discovery: 200 plugin files on the path, against an empty path.
    many = os.path.join(home, "many-plugins")
    os.makedirs(many, exist_ok=True)
    src = os.path.join(build, "tests", "plugins", "fixtures", "good_c", "cecho.so")
    for i in range(200):
        shutil.copy(src, os.path.join(many, f"extra{i:03d}.so"))
    empty = os.path.join(home, "no-plugins")
    os.makedirs(empty, exist_ok=True)
    env_many, env_empty = dict(env, QWEN_PLUGIN_PATH=many), dict(env, QWEN_PLUGIN_PATH=empty)
    d_m, d_e = interleaved(lambda: run([qwen, "-p", "hi"], env_many), lambda: run([qwen, "-p", "hi"], env_empty))
    row("`qwen -p hi` with 200 plugins on the path", d_m, d_e, "empty path")
    l_m, l_e = interleaved(lambda: run([qwen, "plugins"], env_many), lambda: run([qwen, "plugins"], env_empty))
    row("`qwen plugins` (opens every file) with 200", l_m, l_e, "empty path")

    # Qwen Code (Node.js), when bench/run.sh could install it: start-up and the headless round trip.
    qc = os.path.join(os.path.dirname(os.path.abspath(__file__)), ".node", "node_modules", ".bin", "qwen")
    if os.path.exists(qc) and shutil.which("node") and not os.environ.get("QWEN_BENCH_NO_NODE"):
        qc_home = os.path.join(home, "qwen-code-home")
        os.makedirs(os.path.join(qc_home, ".qwen"), exist_ok=True)
        # No telemetry, usage statistics or update checks: nothing but the fake provider on the network.
        with open(os.path.join(qc_home, ".qwen", "settings.json"), "w") as f:
            json.dump({"privacy": {"usageStatisticsEnabled": False}, "telemetry": {"enabled": False},
                       "general": {"disableAutoUpdate": True, "disableUpdateNag": True}}, f)
        qc_env = dict(env, HOME=qc_home)
        qc_version = subprocess.run([qc, "--version"], env=qc_env, capture_output=True, text=True).stdout.strip()
        n = max(5, runs // 2)  # a Node start-up costs ~100x ours
        c_q, c_c = interleaved(lambda: run([qc, "--version"], qc_env, cwd=qc_home),
                               lambda: run([curl, "--version"], env), n)
        row(f"Qwen Code {qc_version} `--version` wall", c_q, c_c, "curl --version")
        row(f"Qwen Code `--version` peak RSS", c_q, c_c, "curl --version", "MiB", 2, 1 / 1024)
        c_q, c_c = interleaved(lambda: run([qc, "-p", "hi"], qc_env, cwd=qc_home), curl_chat("hi", False), n)
        row("Qwen Code `qwen -p hi` round trip wall", c_q, c_c, "curl, same request")
        row("Qwen Code `qwen -p hi` peak RSS", c_q, c_c, "curl, same request", "MiB", 2, 1 / 1024)
    else:
        print("Qwen Code is not installed (bench/.node): its rows are left out", file=sys.stderr)

    bench = subprocess.run([os.path.join(build, "bin", "qwen_stream_bench"), "--benchmark_format=json",
                            "--benchmark_repetitions=5", "--benchmark_report_aggregates_only=true"],
                           capture_output=True, text=True, check=True)
    agg = {b["run_name"]: b["bytes_per_second"] / 1e6 for b in json.loads(bench.stdout)["benchmarks"]
           if b.get("aggregate_name") == "median"}
    memchr = agg["BM_memchr_lines"]
    for name, label in (("BM_sse_decoder", "SSE decoder"), ("BM_chat_stream_parser", "SSE decoder + JSON per event")):
        rows.append((f"{label} throughput", f"{agg[name]:.0f} MB/s", f"{memchr:.0f} MB/s (memchr over the bytes)",
                     f"{agg[name] / memchr:.2f}x"))

    # The terminal's Markdown rendering in-process (bench/markdown_bench.cpp): the same 1 MB answer in 4-byte
    # deltas through the renderer with colour, against the raw path's work per delta; and the part of it that is
    # the code blocks' syntax colours.
    md = subprocess.run([os.path.join(build, "bin", "qwen_markdown_bench"), "--benchmark_format=json",
                         "--benchmark_repetitions=5", "--benchmark_report_aggregates_only=true"],
                        capture_output=True, text=True, check=True)
    cpu_ms = {b["run_name"]: b["cpu_time"] for b in json.loads(md.stdout)["benchmarks"]
              if b.get("aggregate_name") == "median"}
    rendered, raw_path, colours = (cpu_ms[n] for n in ("BM_markdown_stream_rendered", "BM_markdown_stream_raw",
                                                       "BM_code_colours_only"))
    rows.append(("1 MB Markdown answer through the renderer in-process, CPU", f"{rendered:.0f} ms",
                 f"{raw_path:.1f} ms (the raw path's work)", f"{rendered / raw_path:.0f}x"))
    rows.append(("of which the code blocks' syntax colours", f"{colours:.0f} ms", f"{rendered:.0f} ms (all of it)",
                 f"{colours / rendered:.2f}x"))
finally:
    for p in (server, fb_server):
        p.terminate()
        p.wait()
    shutil.rmtree(home, ignore_errors=True)

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"Medians of {runs} runs; machine: {os.uname().machine}, {os.cpu_count()} CPUs ({cpu}), "
      f"Linux {os.uname().release}, {time.strftime('%Y-%m-%d %H:%M')}\n")
print("| figure | qwen | reference | ratio |")
print("| --- | --- | --- | --- |")
for r in rows:
    print("| " + " | ".join(r) + " |")
