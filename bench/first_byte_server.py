#!/usr/bin/env python3
"""A bench-only loopback server for "first byte on stdout within 1 ms of arrival".

Answers every POST with an OpenAI-style event stream: the headers at once, then, after --delay-ms (so the
client is idle in poll, as it is while a model thinks), the first event: role and a content delta. Right before
that delta's send() it prints time.monotonic_ns() on stdout (one line per request, flushed). CLOCK_MONOTONIC
is system-wide, so bench/measure.py subtracts it from the moment it reads the client's first stdout byte.
Then the finish chunk, usage, [DONE], and the connection is closed (HTTP/1.1, Connection: close).

  first_byte_server.py --port-file FILE [--delay-ms 50]
"""
import argparse, json, os, socket, sys, time


def chunk(obj):
    return b"data: " + json.dumps(obj, separators=(",", ":")).encode() + b"\n\n"


def read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        part = conn.recv(65536)
        if not part:
            return False
        data += part
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        part = conn.recv(65536)
        if not part:
            return False
        body += part
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--delay-ms", type=float, default=50)
    args = ap.parse_args()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"{srv.getsockname()[1]}\n")
    os.replace(tmp, args.port_file)
    base = {"id": "chatcmpl-fb", "object": "chat.completion.chunk", "model": "fake-model"}
    while True:
        conn, _ = srv.accept()
        with conn:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if not read_request(conn):
                continue
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                         b"Connection: close\r\n\r\n")
            time.sleep(args.delay_ms / 1000)
            # The first body byte is the first delta, so curl's first byte and qwen's are the same event.
            delta = chunk(dict(base, choices=[{"index": 0, "delta": {"role": "assistant", "content": "Hi"}}]))
            sent = time.monotonic_ns()
            conn.sendall(delta)
            print(sent, flush=True)
            conn.sendall(chunk(dict(base, choices=[{"index": 0, "delta": {}, "finish_reason": "stop"}])) +
                         chunk(dict(base, choices=[], usage={"prompt_tokens": 1, "completion_tokens": 1,
                                                             "total_tokens": 2})) + b"data: [DONE]\n\n")
            conn.shutdown(socket.SHUT_WR)
            try:  # let the client close first, so the port does not linger in TIME_WAIT on our side
                conn.settimeout(2)
                while conn.recv(65536):
                    pass
            except OSError:
                pass


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
