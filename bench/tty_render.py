"""qwen's terminal front-end on a pseudo-terminal, for the rendering rows of bench/measure.py.

run_tty() starts `qwen` with a pseudo-terminal (120x40) as its stdin, stdout and controlling terminal, waits
for the prompt, types the question, reads the screen output until `end_marker` and the next prompt, then
sends Ctrl-D. It returns what measure.run() does: wall, CPU (user + system of qwen, from wait4), 0 for RSS,
seconds from typing Enter to the first byte of `first_marker` on the terminal, and the CLOCK_MONOTONIC
nanoseconds of that moment. TERM=dumb makes the front-end write the answer raw (no Markdown rendering, no
spinner): the reference. markdown_answer() makes the ~1 MB Markdown fixture (every element, repeated).
"""
import fcntl, os, select, struct, subprocess, termios, time


def markdown_answer(size=1 << 20, end_marker="END-OF-ANSWER"):
    section = (
        "## Section {n}\n\n"
        "A paragraph with *emphasis*, **strong text**, `inline code` and [a link](https://example.com/{n}). "
        "It goes on for a while so that it has to be wrapped at the terminal's width, like a model's answer "
        "usually does when it explains something at length.\n\n"
        "- first point of {n}\n- second point, with `code`\n  - a nested point\n\n"
        "> a quoted remark\n\n"
        "```python\ndef f{n}(x):\n    return x * {n}\n```\n\n"
        "| name | value |\n|:-----|------:|\n| alpha | {n} |\n| beta | 42 |\n\n"
    )
    parts, total, n = [], 0, 0
    while total < size:
        s = section.format(n=n)
        parts.append(s)
        total += len(s)
        n += 1
    return "".join(parts) + end_marker + "\n"


def _read_until(fd, buf, needle, start, deadline):
    """Reads from fd into buf until `needle` occurs at or after `start`; the time (monotonic ns) it appeared."""
    while True:
        at = buf.find(needle, start)
        if at >= 0:
            return at
        left = deadline - time.monotonic()
        if left <= 0:
            raise SystemExit(f"bench: no {needle!r} on the terminal; last output: {bytes(buf[-300:])!r}")
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                chunk = os.read(fd, 1 << 20)
            except OSError:
                chunk = b""
            if not chunk:
                raise SystemExit(f"bench: the terminal closed before {needle!r}")
            buf += chunk


def run_tty(qwen, env, question, first_marker, end_marker, timeout=120):
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))

    def controlling_terminal():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    start = time.perf_counter()
    p = subprocess.Popen([qwen], stdin=slave, stdout=slave, stderr=slave, env=env, preexec_fn=controlling_terminal)
    os.close(slave)
    deadline = time.monotonic() + timeout
    buf = bytearray()
    try:
        _read_until(master, buf, b"> ", 0, deadline)
        mark = len(buf)
        os.write(master, question.encode() + b"\r")
        sent = time.perf_counter()
        first_at = _read_until(master, buf, first_marker.encode(), mark, deadline)
        first_ns = time.monotonic_ns()
        first = time.perf_counter() - sent
        end_at = _read_until(master, buf, end_marker.encode(), first_at, deadline)
        _read_until(master, buf, b"> ", end_at, deadline)
        os.write(master, b"\x04")
        # Bounded: a qwen that does not leave after Ctrl-D is a finding to report, not a bench that hangs
        # (one did: a Ctrl-D pressed as the prompt appeared was lost, fixed in the tty front-end).
        exit_deadline = time.monotonic() + 10
        while True:  # drain until the program has closed the terminal
            r, _, _ = select.select([master], [], [], max(0.0, exit_deadline - time.monotonic()))
            if not r:
                break
            try:
                if not os.read(master, 1 << 20):
                    break
            except OSError:
                break
        while True:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > exit_deadline:
                raise SystemExit(f"bench: qwen did not leave after Ctrl-D; last output: {bytes(buf[-300:])!r}")
            time.sleep(0.01)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        os.close(master)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"bench: qwen on a terminal failed with status {status}")
    return wall, usage.ru_utime + usage.ru_stime, 0, first, first_ns
