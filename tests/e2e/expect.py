#!/usr/bin/env python3
"""Runs a command and checks its exit code and output (stdout + stderr).

usage: expect.py --exit N [--contains TEXT]... [--absent TEXT]...
                 [--timeout SECONDS] [--interrupt-after SECONDS]
                 -- command args...

--interrupt-after sends SIGINT to the command after that many seconds, as
Ctrl-C would.

Prints the command's output, then one line per failed check; exits 1 if any
check failed or the command did not finish within the timeout.
"""
import argparse
import signal
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--exit", type=int, required=True, dest="exit_code")
    parser.add_argument("--contains", action="append", default=[])
    parser.add_argument("--absent", action="append", default=[])
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--interrupt-after", type=float, default=None)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    child = subprocess.Popen(command, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
    if args.interrupt_after is not None:
        try:
            child.wait(timeout=args.interrupt_after)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGINT)
    try:
        out, _ = child.communicate(timeout=args.timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        out, _ = child.communicate()
        sys.stdout.write(out.decode(errors="replace"))
        print(f"FAIL: did not finish within {args.timeout} s")
        return 1
    done = subprocess.CompletedProcess(command, child.returncode, out)
    output = done.stdout.decode(errors="replace")
    sys.stdout.write(output)
    failures = []
    if done.returncode != args.exit_code:
        failures.append(f"exit code {done.returncode}, want {args.exit_code}")
    for text in args.contains:
        if text not in output:
            failures.append(f"output lacks {text!r}")
    for text in args.absent:
        if text in output:
            failures.append(f"output has {text!r}")
    for failure in failures:
        print("FAIL: " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
