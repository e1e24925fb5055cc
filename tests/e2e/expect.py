#!/usr/bin/env python3
"""Runs a command and checks its exit code and output (stdout + stderr).

usage: expect.py --exit N [--contains TEXT]... [--absent TEXT]...
                 [--timeout SECONDS] -- command args...

Prints the command's output, then one line per failed check; exits 1 if any
check failed or the command did not finish within the timeout.
"""
import argparse
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--exit", type=int, required=True, dest="exit_code")
    parser.add_argument("--contains", action="append", default=[])
    parser.add_argument("--absent", action="append", default=[])
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    try:
        done = subprocess.run(command, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=args.timeout)
    except subprocess.TimeoutExpired as expired:
        sys.stdout.write((expired.output or b"").decode(errors="replace"))
        print(f"FAIL: did not finish within {args.timeout} s")
        return 1
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
