#!/usr/bin/env python3
"""Replicas that fail over (issue 13 item 5): Echo runs on two hosts, left
and right; a program on front calls it every 20 ms for 8 s
(tests/guest/steady_caller.cc). Meanwhile this kills right with SIGKILL,
starts it again, then kills left. Each host is its own `parigot run
--host`. Checks:
  * calls that could not reach a dead replica went to the other one (the
    front's debug log says "could not reach ... sent to ... instead"), so
    at most one call per kill failed (one in flight when its host died may
    have started there, and is never repeated);
  * no call took longer than its deadline (1 s) and a bit: never a hang;
  * after left is killed, calls still succeed (the at-most-two failures
    allow for none of the ~100 calls made then): the restarted right came
    back into the rotation;
  * front ends with 0 and takes the restarted right with it.
Usage: failover.py --parigot BIN [--engine E]
Exit 0 when every check passed; 1 with the reasons otherwise.
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

DESCRIPTOR = """[config.failover.Timeout]
Complete = 1000
[config.failover.host.front]
Listen = "127.0.0.1:7681"
[config.failover.host.left]
Listen = "127.0.0.1:7682"
[config.failover.host.right]
Listen = "127.0.0.1:7683"
[config.failover.microservice.echo]
WasmPath = "test_echo.wasm"
Host = ["left", "right"]
[config.failover.microservice.program]
WasmPath = "test_steady_caller.wasm"
Arg = ["20", "8000"]
Main = true
Host = "front"
"""


class Host:
    """One `parigot run --host NAME`, its output gathered."""

    def __init__(self, parigot, engine, descriptor, name, verbose=False):
        command = [parigot, "run", "--engine", engine, descriptor, "--host", name]
        if verbose:
            command.append("-v")
        self.name = name
        self.lines = []
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    def text(self):
        return "".join(self.lines)

    def wait(self, seconds):
        try:
            code = self.proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = None
        self.reader.join(timeout=5)
        return code


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--parigot", required=True)
    parser.add_argument("--engine", default="aot")
    args = parser.parse_args()
    failures = []

    def check(ok, what):
        print(("ok    " if ok else "FAIL  ") + what, flush=True)
        if not ok:
            failures.append(what)

    with tempfile.TemporaryDirectory() as scratch:
        descriptor = os.path.join(scratch, "failover.toml")
        with open(descriptor, "w") as f:
            f.write(DESCRIPTOR)
        run = lambda name, verbose=False: Host(args.parigot, args.engine, descriptor, name,
                                               verbose)
        left, right = run("left"), run("right")
        front = run("front", verbose=True)
        hosts = [left, right, front]
        try:
            time.sleep(2.5)
            right.proc.send_signal(signal.SIGKILL)
            print("killed right", flush=True)
            time.sleep(1.5)
            right_again = run("right")
            hosts.append(right_again)
            print("started right again", flush=True)
            time.sleep(2.0)
            left.proc.send_signal(signal.SIGKILL)
            print("killed left", flush=True)
            front_code = front.wait(30)
            right_code = right_again.wait(15)
        finally:
            for host in hosts:
                if host.proc.poll() is None:
                    host.proc.kill()
        text = front.text()
        summary = re.search(r"steady: (\d+) calls, (\d+) failed, longest (\d+) ms", text)
        check(front_code == 0, f"front ended with code 0 ({front_code})")
        check(summary is not None, "the program printed its summary")
        if summary:
            calls, failed, longest = (int(g) for g in summary.groups())
            print(f"      {calls} calls, {failed} failed, longest {longest} ms", flush=True)
            check(calls >= 100, f"the program kept calling ({calls} calls)")
            check(failed <= 2, f"at most one failure per kill, for a call in flight ({failed})")
            check(longest <= 1500, f"no call waited past its deadline ({longest} ms)")
        # Unless the kill caught a call in flight to right (which fails, and
        # takes right out of the rotation at once), the next call sent there
        # finds it refusing and goes to left.
        in_flight = re.search(r"why the call to \S+ failed \(NetworkFailed\): host right", text)
        check(in_flight is not None or
              re.search(r"could not reach host right .*; sent to host left", text) is not None,
              "a call that could not reach the dead right went to left")
        check(right_code == 0, f"the restarted right ended with the application ({right_code})")
        if failures:
            for host in hosts:
                print(f"--- {host.name}\n{host.text()}")
            print(f"FAIL: {len(failures)} checks failed")
            return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
