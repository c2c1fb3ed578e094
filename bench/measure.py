#!/usr/bin/env python3
"""Measures qwen against curl on this machine, in one run, and prints a Markdown table.

Each figure is the median of N runs; the reference (curl, or an empty plugin path)
is measured interleaved with it, so machine noise hits both alike. Peak RSS and CPU
come from wait4() of each child process.
"""
import json, os, shutil, statistics, subprocess, sys, tempfile, time

build = os.path.abspath(sys.argv[1])
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 21
qwen = os.path.join(build, "bin", "qwen")
fake = os.path.join(build, "bin", "qwen-fake-provider")
KEY = "sk-bench-key-000000"
home = tempfile.mkdtemp(prefix="qwen-bench-")


def run(argv, env=None, stdin=subprocess.DEVNULL, first_byte=False):
    """One run: wall seconds, CPU seconds, peak RSS in KiB, seconds to the first stdout byte."""
    # Through GNU time: ru_maxrss of a child forked from Python would start at Python's own
    # high-water mark (Linux carries it across exec), while time's is ~2 MiB.
    rss_file = os.path.join(home, "rss")
    start = time.perf_counter()
    p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss_file] + argv, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, stdin=stdin, env=env)
    first = None
    while True:
        chunk = p.stdout.read1(65536) if hasattr(p.stdout, "read1") else p.stdout.read(65536)
        if not chunk:
            break
        if first is None:
            first = time.perf_counter() - start
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{argv[0]} failed with status {status}")
    rss_kib = int(open(rss_file).read().split()[-1])
    return wall, usage.ru_utime + usage.ru_stime, rss_kib, first if first is not None else wall


def median_of(fn):
    samples = [fn() for _ in range(runs)]
    return [statistics.median(s[i] for s in samples) for i in range(4)]


def interleaved(a, b):
    """Medians of a() and b(), run alternately so drift and noise hit both."""
    sa, sb = [], []
    for _ in range(runs):
        sa.append(a())
        sb.append(b())
    med = lambda s: [statistics.median(x[i] for x in s) for i in range(4)]
    return med(sa), med(sb)


def start_fake():
    port_file = os.path.join(home, "port")
    p = subprocess.Popen([fake, "--port", "0", "--port-file", port_file, "--api-key", KEY, "--idle-exit", "600"],
                         stdout=subprocess.DEVNULL)
    for _ in range(200):
        if os.path.exists(port_file) and open(port_file).read().strip():
            return p, int(open(port_file).read())
        time.sleep(0.02)
    raise SystemExit("fake provider did not start")


server, port = start_fake()
base = f"http://127.0.0.1:{port}/v1"
env = {"HOME": home, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "OPENAI_API_KEY": KEY,
       "OPENAI_BASE_URL": base, "OPENAI_MODEL": "fake-model", "QWEN_PLUGIN_PATH": ""}
curl = shutil.which("curl")


def curl_chat(prompt, stream_flag):
    body = json.dumps({"model": "fake-model", "messages": [{"role": "user", "content": prompt}], "stream": True,
                       "stream_options": {"include_usage": True}})
    argv = [curl, "-s", "-X", "POST", f"{base}/chat/completions", "-H", f"Authorization: Bearer {KEY}",
            "-H", "Content-Type: application/json", "-d", body, "-o", "-"]
    if stream_flag:
        argv.insert(1, "-N")
    return lambda: run(argv, env)


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

    big = "__bytes:10000000"
    s_q, s_c = interleaved(lambda: run([qwen, "-p", big], env), curl_chat(big, True))
    row("10 MB streamed answer: wall", s_q, s_c, "curl -N")
    row("10 MB streamed answer: CPU", s_q, s_c, "curl -N", "ms", 1)
    row("10 MB streamed answer: peak RSS", s_q, s_c, "curl -N", "MiB", 2, 1 / 1024)
    row("first answer byte on stdout", rt_q, rt_c, "curl, first body byte", "ms", 3)

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

    bench = subprocess.run([os.path.join(build, "bin", "qwen_stream_bench"), "--benchmark_format=json",
                            "--benchmark_repetitions=5", "--benchmark_report_aggregates_only=true"],
                           capture_output=True, text=True, check=True)
    agg = {b["run_name"]: b["bytes_per_second"] / 1e6 for b in json.loads(bench.stdout)["benchmarks"]
           if b.get("aggregate_name") == "median"}
    memchr = agg["BM_memchr_lines"]
    for name, label in (("BM_sse_decoder", "SSE decoder"), ("BM_chat_stream_parser", "SSE decoder + JSON per event")):
        rows.append((f"{label} throughput", f"{agg[name]:.0f} MB/s", f"{memchr:.0f} MB/s (memchr over the bytes)",
                     f"{agg[name] / memchr:.2f}x"))
finally:
    server.terminate()
    server.wait()
    shutil.rmtree(home, ignore_errors=True)

print(f"Medians of {runs} runs; machine: {os.uname().machine}, {os.cpu_count()} CPUs, {os.uname().release}\n")
print("| figure | qwen | reference | ratio |")
print("| --- | --- | --- | --- |")
for r in rows:
    print("| " + " | ".join(r) + " |")
