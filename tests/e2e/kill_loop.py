#!/usr/bin/env python3
"""A storing built-in's durability: kills the host with SIGKILL while a
program writes, again and again, and checks after each kill that every write
the program saw acknowledged is in the store, whole.

The program is tests/guest/BUILTIN_durability.cc, run with the built-in
BUILTIN (kv: tests/guest/kv_durability.cc; queue:
tests/guest/queue_durability.cc) as `write S` (it logs "acked N" once write
N is answered, for N = S, S+1, ...; S is one past the last write the
earlier rounds saw acknowledged) and then as `check N` (it logs "intact"
and exits 0 when every write up to N is there).

Usage: kill_loop.py --parigot BIN [--builtin kv|queue] [--engine E] [--rounds N]
Exit 0 when every check passed; 1 with the reason otherwise.
"""
import argparse
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time

DESCRIPTOR = """[config.dur.microservice.store]
Builtin = "{builtin}"
[config.dur.microservice.{role}]
WasmPath = "test_{builtin}_durability.wasm"
Arg = ["{mode}", "{number}"]
Main = true
"""


def fail(why):
    print(f"FAIL: {why}", flush=True)
    sys.exit(1)


def write_until_killed(parigot, engine, descriptor, env, at_least):
    """Runs the writer, kills it with SIGKILL once it has seen `at_least`
    acknowledgements, and returns the last write it saw acknowledged."""
    proc = subprocess.Popen([parigot, "run", "--engine", engine, descriptor], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    last = -1
    deadline = time.monotonic() + 60
    for line in proc.stdout:
        match = re.search(r"\[writer\] acked (\d+)$", line.rstrip("\n"))
        if match:
            last = int(match.group(1))
            if last >= at_least:
                proc.send_signal(signal.SIGKILL)
                break
        elif "FAIL" in line or "error" in line:
            print(line, end="")
        if time.monotonic() > deadline:
            proc.kill()
            fail(f"the writer acknowledged only {last + 1} writes in 60 s")
    # Lines already written before the kill may still be in the pipe.
    for line in proc.stdout:
        match = re.search(r"\[writer\] acked (\d+)$", line.rstrip("\n"))
        if match:
            last = max(last, int(match.group(1)))
    proc.wait()
    if proc.returncode != -signal.SIGKILL:
        fail(f"the writer ended by itself with {proc.returncode}")
    return last


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--parigot", required=True)
    parser.add_argument("--builtin", default="kv", choices=["kv", "queue"])
    parser.add_argument("--engine", default="aot")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    random.seed(os.getpid())
    with tempfile.TemporaryDirectory(prefix="parigot-kill-loop-") as tmp:
        env = dict(os.environ, PARIGOT_DATA_DIR=os.path.join(tmp, "data"))
        writer = os.path.join(tmp, "writer.toml")
        acked = -1
        for round_ in range(args.rounds):
            with open(writer, "w") as f:
                f.write(DESCRIPTOR.format(builtin=args.builtin, role="writer", mode="write",
                                          number=acked + 1))
            # Kill it somewhere past what the earlier runs reached, at a
            # point of chance.
            target = acked + random.randint(5, 60)
            acked = max(acked, write_until_killed(args.parigot, args.engine, writer, env, target))
            checker = os.path.join(tmp, "checker.toml")
            with open(checker, "w") as f:
                f.write(DESCRIPTOR.format(builtin=args.builtin, role="checker", mode="check",
                                          number=acked))
            check = subprocess.run([args.parigot, "run", "--engine", args.engine, checker],
                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, timeout=60)
            if check.returncode != 0 or "intact" not in check.stdout:
                print(check.stdout, end="")
                fail(f"round {round_ + 1}: the check after the kill failed")
            print(f"round {round_ + 1}: killed after {acked + 1} acknowledged writes; "
                  f"all of them are there, intact", flush=True)
    print(f"{args.rounds} kills, no acknowledged write lost, none torn", flush=True)


if __name__ == "__main__":
    main()
