#!/usr/bin/env python3
"""Runs a command and checks its exit code and output (stdout + stderr).

usage: expect.py --exit N [--contains TEXT]... [--absent TEXT]...
                 [--timeout SECONDS] [--interrupt-after SECONDS]
                 [--kill-when TEXT --kill ARG]
                 -- command args...

--interrupt-after sends SIGINT to the command after that many seconds, as
Ctrl-C would.

--kill-when/--kill: once the output has a line containing TEXT, SIGKILL the
command's descendant process whose command line has the argument sequence
ARG (e.g. "--host back"), as a crash or an operator would.

Prints the command's output, then one line per failed check; exits 1 if any
check failed or the command did not finish within the timeout.
"""
import argparse
import os
import signal
import subprocess
import sys
import threading
import time


def descendants(pid):
    """Pids of every process below `pid`, from /proc."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                parents.setdefault(int(fields[1]), []).append(int(entry))
            except OSError:
                pass
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def kill_descendant(pid, arg):
    """SIGKILLs the descendant of `pid` whose argv contains `arg`'s words."""
    words = arg.split()
    for child in descendants(pid):
        try:
            with open(f"/proc/{child}/cmdline", "rb") as cmdline:
                argv = cmdline.read().decode(errors="replace").split("\0")
        except OSError:
            continue
        if any(argv[i:i + len(words)] == words for i in range(len(argv))):
            os.kill(child, signal.SIGKILL)
            return child
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--exit", type=int, required=True, dest="exit_code")
    parser.add_argument("--contains", action="append", default=[])
    parser.add_argument("--absent", action="append", default=[])
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--interrupt-after", type=float, default=None)
    parser.add_argument("--kill-when", default=None)
    parser.add_argument("--kill", default=None)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    child = subprocess.Popen(command, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
    if args.kill_when is not None:
        return watch_and_kill(child, args)
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
    output = out.decode(errors="replace")
    sys.stdout.write(output)
    return check(args, child.returncode, output, [])


def watch_and_kill(child, args):
    """Reads the output as it comes; kills the --kill process on --kill-when."""
    lines, failures = [], []
    killed = threading.Event()

    def read():
        for raw in child.stdout:
            line = raw.decode(errors="replace")
            lines.append(line)
            sys.stdout.write(line)
            if not killed.is_set() and args.kill_when in line:
                killed.set()
                victim = kill_descendant(child.pid, args.kill)
                if victim is None:
                    failures.append(f"no process with {args.kill!r} to kill")
                else:
                    print(f"expect.py: killed {args.kill!r} (pid {victim})", flush=True)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        child.wait(timeout=args.timeout)
    except subprocess.TimeoutExpired:
        for pid in descendants(child.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        child.kill()
        failures.append(f"did not finish within {args.timeout} s")
    reader.join()
    if not killed.is_set():
        failures.append(f"output never had {args.kill_when!r}")
    return check(args, child.returncode, "".join(lines), failures)


def check(args, returncode, output, failures):
    if returncode != args.exit_code:
        failures.append(f"exit code {returncode}, want {args.exit_code}")
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
