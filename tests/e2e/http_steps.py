#!/usr/bin/env python3
"""Runs an application with an HTTP ingress, sends it requests in order
and checks each answer, then checks how the application ended.

Usage: http_steps.py --port P [--exit N] [--contains TEXT]... [--fresh-data] \
           --step 'METHOD PATH STATUS [TEXT]' [--data BODY]... -- COMMAND...
Each --step sends METHOD to PATH (with the body of the --data that follows
it, if any) and expects STATUS and, when given, TEXT in the answer's body.
A step written '~METHOD ...' is sent again, for up to 20 s, until its
answer is the expected one (for what the application does in the
background).
After the last step the application must end, within 30 s, with exit code
N (default 0), and its output must contain every --contains TEXT. With
--fresh-data, the directory $PARIGOT_DATA_DIR names is emptied first, so
that the built-ins' stores start empty.
Exit 0 when every check passed; 1 with the reasons otherwise.
"""
import argparse
import http.client
import os
import queue
import shutil
import subprocess
import sys
import threading
import time


def main():
    argv = sys.argv[1:]
    split = argv.index("--")
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--exit", type=int, default=0)
    parser.add_argument("--contains", action="append", default=[])
    parser.add_argument("--step", action="append", default=[])
    parser.add_argument("--data", action="append", default=[])
    parser.add_argument("--fresh-data", action="store_true")
    args = parser.parse_args(argv[:split])
    if args.fresh_data:
        data_dir = os.environ.get("PARIGOT_DATA_DIR")
        if not data_dir:
            print("FAIL: --fresh-data needs PARIGOT_DATA_DIR")
            return 1
        shutil.rmtree(data_dir, ignore_errors=True)
    # --data belongs to the --step before it.
    bodies = {}
    step = -1
    for i, a in enumerate(argv[:split]):
        if a == "--step":
            step += 1
        elif a == "--data":
            bodies[step] = argv[i + 1]

    proc = subprocess.Popen(argv[split + 1:], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    log = []
    ready = queue.Queue()

    def pump():
        for line in proc.stdout:
            log.append(line)
            if "HTTP ingress listening" in line:
                ready.put(True)
        ready.put(False)

    threading.Thread(target=pump, daemon=True).start()
    failures = []
    try:
        started = ready.get(timeout=120)
    except queue.Empty:
        started = False
    if not started:
        proc.kill()
        print("".join(log))
        print("FAIL: the ingress never said it was listening")
        return 1
    for n, text in enumerate(args.step):
        eventually = text.startswith("~")
        method, path, status, *want = text.lstrip("~").split(" ", 3)
        deadline = time.monotonic() + (20 if eventually else 0)
        while True:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
            try:
                body = bodies.get(n)
                conn.request(method, path, body=body.encode() if body is not None else None)
                response = conn.getresponse()
                answer = response.read().decode(errors="replace")
                got = response.status
            except OSError as error:
                answer, got = f"({error})", 0
            conn.close()
            ok = got == int(status) and (not want or want[0] in answer)
            if ok or time.monotonic() >= deadline:
                break
            time.sleep(0.05)
        print(("ok    " if ok else "FAIL  ") + f"{method} {path} -> {got} {answer.strip()!r}",
              flush=True)
        if not ok:
            failures.append(text)
    try:
        code = proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = None
        failures.append("the application did not end within 30 s")
    time.sleep(0.2)
    output = "".join(log)
    if code != args.exit:
        failures.append(f"exit code {code}, expected {args.exit}")
    for text in args.contains:
        if text not in output:
            failures.append(f"the output lacks {text!r}")
    if failures:
        print(output)
        for f in failures:
            print(f"FAIL: {f}")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
