#!/usr/bin/env python3
"""The HTTP ingress, end to end: runs tests/e2e/http.toml (one process with
`parigot run`, or two hosts with `parigot up`), sends requests with curl,
from many threads at once, and under load with wrk, and checks each answer,
then ends the application through a handler and checks its exit.

Usage: http_check.py --parigot BIN --engine E --deployment D --port P [--up]
                     [--wrk SECONDS]
Exit 0 when every check passed; 1 with the reasons otherwise.
"""
import argparse
import http.client
import os
import queue
import random
import re
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
failures = []


def check(condition, what):
    print(("ok    " if condition else "FAIL  ") + what, flush=True)
    if not condition:
        failures.append(what)


def curl(port, path, *args):
    """Runs curl; returns (status, body, stderr)."""
    out = subprocess.run(
        ["curl", "-s", "-S", "-o", "-", "-w", "\n%{http_code}", "--max-time", "20", *args,
         f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True)
    body, _, status = out.stdout.rpartition("\n")
    return int(status or 0), body.rstrip("\n"), out.stderr


def get_until(port, path, want, seconds):
    """GETs `path` until it answers `want` (a guest restarting answers 503
    meanwhile); returns the last status."""
    deadline = time.monotonic() + seconds
    status = 0
    while time.monotonic() < deadline:
        status, _, _ = curl(port, path)
        if status == want:
            return status
        time.sleep(0.05)
    return status


def concurrent(port, threads, each):
    """`threads` clients, each sending `each` requests on one keep-alive
    connection to /slow/<client>/<n> with a random delay; returns how many
    answers were not their own."""
    wrong = []

    def client(c):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        for n in range(each):
            path = f"/slow/{c}/{n}"
            conn.request("GET", f"{path}?{random.randint(0, 30)}")
            response = conn.getresponse()
            body = response.read().decode()
            if response.status != 200 or body != f"slow {path}\n":
                wrong.append((path, response.status, body))
        conn.close()

    workers = [threading.Thread(target=client, args=(c,)) for c in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return wrong


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--parigot", required=True)
    parser.add_argument("--engine", default="aot")
    parser.add_argument("--deployment", default="web")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--up", action="store_true")
    parser.add_argument("--wrk", type=int, default=2)
    args = parser.parse_args()

    command = [args.parigot, "up" if args.up else "run", "--engine", args.engine,
               "-d", args.deployment, os.path.join(HERE, "http.toml")]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = queue.Queue()
    log = []

    def pump():
        for line in proc.stdout:
            log.append(line)
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + 60
    while True:
        try:
            line = lines.get(timeout=max(deadline - time.monotonic(), 0.01))
        except queue.Empty:
            line = None
        if line is None:
            proc.kill()
            print("".join(log))
            print("FAIL: the ingress never said it was listening")
            return 1
        if "HTTP ingress listening" in line:
            break

    port = args.port
    try:
        status, body, _ = curl(port, "/echo/a?x=1", "-H", "X-Test-One: v")
        check(status == 200 and body ==
              "GET /echo/a query=x=1 host=127.0.0.1 prefix=/echo HTTP/1.1 body=0 x-test-one=v",
              f"GET /echo/a answers 200 with the request ({status} {body!r})")
        status, body, _ = curl(port, "/echo", "-X", "DELETE")
        check(status == 200 and body.startswith("DELETE /echo "), f"DELETE reaches the handler ({body!r})")
        status, body, _ = curl(port, "/echo/up", "--data-binary", "x" * 10240)
        check(status == 200 and "POST /echo/up" in body and "body=10240" in body,
              f"a 10 KiB POST body arrives whole ({body!r})")
        status, body, err = curl(port, "/echo?status=201&header=X-Made:yes", "-i")
        check(status == 201 and re.search(r"^X-Made: yes\r?$", body, re.M) is not None,
              f"the handler's status and header are sent ({status})")
        status, _, _ = curl(port, "/echo?status=700")
        check(status == 502, f"a status out of 100..599 answers 502 ({status})")
        status, body, _ = curl(port, "/anything/here", "-H", "Host: only.example:99")
        check(status == 200 and "prefix=/ " in body and "host=only.example" in body,
              f"a route by host ({status} {body!r})")
        status, body, _ = curl(port, "/nothing")
        check(status == 404 and "no route for 127.0.0.1/nothing" in body,
              f"an unknown route answers 404 ({status} {body!r})")
        status, body, _ = curl(port, "/echox")
        check(status == 404, f"a prefix matches at a segment boundary only ({status})")
        status, body, _ = curl(port, "/fail")
        check(status == 502 and "test.v1.Web.Fail failed with its error 4" in body,
              f"a handler's error answers 502 ({status} {body!r})")
        status, body, _ = curl(port, "/inject")
        check(status == 502 and "not a valid HTTP field" in body,
              f"a header with CR LF answers 502, never reaches the client ({status})")
        status, body, _ = curl(port, "/trap")
        check(status in (502, 503) and "test.v1.Web.Trap" in body,
              f"a handler that traps answers 502 ({status} {body!r})")
        check(get_until(port, "/echo", 200, 20) == 200, "the handlers serve again after the trap")
        status, body, _ = curl(port, "/spin")
        check(status == 504 and "test.v1.Web.Spin" in body,
              f"a handler past its time limit answers 504 ({status} {body!r})")
        check(get_until(port, "/echo", 200, 20) == 200, "the handlers serve again after the kill")
        status, body, _ = curl(port, "/echo", "--data-binary", "b" * (64 * 1024 + 1))
        check(status == 413, f"a body over MaxBodySize answers 413 ({status})")
        status, body, _ = curl(port, "/echo", "--data-binary", "b" * (64 * 1024))
        check(status == 200 and "body=65536" in body, f"a body at MaxBodySize is served ({status})")
        status, _, _ = curl(port, "/echo", "-H", "X-Big: " + "h" * 5000)
        check(status == 431, f"headers over MaxHeaderSize answer 431 ({status})")
        out = subprocess.run(["curl", "-s", "-v", "-o", "/dev/null", "-o", "/dev/null",
                              f"http://127.0.0.1:{port}/echo/1", f"http://127.0.0.1:{port}/echo/2"],
                             capture_output=True, text=True)
        check("Re-using existing connection" in out.stderr, "keep-alive: curl reuses the connection")
        wrong = concurrent(port, 24, 15)
        check(not wrong, f"360 concurrent requests, each answered with its own answer ({wrong[:3]})")

        wrk = subprocess.run(["wrk", "-t2", "-c16", f"-d{args.wrk}s", "--latency",
                              f"http://127.0.0.1:{port}/echo/load"],
                             capture_output=True, text=True, timeout=args.wrk + 60)
        rate = re.search(r"Requests/sec:\s+([\d.]+)", wrk.stdout)
        check(wrk.returncode == 0 and rate is not None and float(rate.group(1)) > 0 and
              "Non-2xx" not in wrk.stdout and "Socket errors" not in wrk.stdout,
              f"wrk for {args.wrk} s: every answer 2xx, no socket errors "
              f"({rate.group(1) if rate else '?'} requests/s)")
        if wrk.returncode != 0 or rate is None or "Non-2xx" in wrk.stdout:
            print(wrk.stdout, wrk.stderr)

        status, body, _ = curl(port, "/exit")
        check(status == 200 and body == "bye", f"/exit answers before the end ({status} {body!r})")
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = None
        check(code == 0, f"the application exits with code 0 ({code})")
    finally:
        if proc.poll() is None:
            proc.kill()
    time.sleep(0.2)
    text = "".join(log)
    check("exited with code 0" in text, "the log's last line says exited with code 0")
    if failures:
        print(text)
        print(f"FAIL: {len(failures)} checks failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
