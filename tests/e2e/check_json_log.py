#!/usr/bin/env python3
"""Runs a parigot command with --log-format json and checks its log.

usage: check_json_log.py --exit N [--min-level LEVEL] [--expect JSON]...
                         [--absent TEXT]... [--last JSON] [--timeout SECONDS]
                         -- command args...

Checks, on the command's stdout (its log; stderr is printed, not checked):
  * it exits with N;
  * every line is one JSON object with the members time (RFC 3339, UTC,
    milliseconds: 2025-06-01T14:14:26.120Z), level (debug, info, warn or
    error), source and message, all strings;
  * with --min-level, every line's level is at least LEVEL, but for the
    final lines ("exited with code ...", from the sources parigot and up),
    which are written whatever the level;
  * each --expect JSON object matches some line: every member it names is
    in that line with an equal value (of the same JSON type: 3 is not "3",
    nor 3.0 true);
  * no line holds --absent TEXT;
  * with --last, the last line matches it.

Prints the output, then one line per failed check; exits 1 if any failed.
"""
import argparse
import json
import re
import subprocess
import sys

LEVELS = ["debug", "info", "warn", "error"]
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def same(want, got):
    """Equal values of the same JSON type (bool is not a number here)."""
    if isinstance(want, bool) or isinstance(got, bool):
        return isinstance(want, bool) and isinstance(got, bool) and want == got
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return type(want) is type(got) and want == got
    return want == got


def matches(pattern, record):
    return all(key in record and same(value, record[key])
               for key, value in pattern.items())


def is_final(record):
    return (record.get("source") in ("parigot", "up")
            and record.get("message", "").startswith("exited with code "))


def check_record(number, line, record, args, failures):
    if not isinstance(record, dict):
        failures.append(f"line {number} is not a JSON object: {line}")
        return
    for member in ("time", "level", "source", "message"):
        if not isinstance(record.get(member), str):
            failures.append(f"line {number} lacks the string member {member!r}: {line}")
            return
    if not TIME.match(record["time"]):
        failures.append(f"line {number}: time {record['time']!r} is not RFC 3339 UTC with ms")
    if record["level"] not in LEVELS:
        failures.append(f"line {number}: unknown level {record['level']!r}")
    elif (args.min_level and not is_final(record)
          and LEVELS.index(record["level"]) < LEVELS.index(args.min_level)):
        failures.append(f"line {number} is below --min-level {args.min_level}: {line}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--exit", type=int, required=True, dest="exit_code")
    parser.add_argument("--min-level", choices=LEVELS, default=None)
    parser.add_argument("--expect", action="append", default=[])
    parser.add_argument("--absent", action="append", default=[])
    parser.add_argument("--last", default=None)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    try:
        done = subprocess.run(command, capture_output=True, timeout=args.timeout)
    except subprocess.TimeoutExpired as timeout:
        sys.stdout.write((timeout.stdout or b"").decode(errors="replace"))
        print(f"FAIL: did not finish within {args.timeout} s")
        return 1
    # Strict: a line that is not UTF-8 is a failure, not something to mend.
    try:
        out = done.stdout.decode("utf-8")
    except UnicodeDecodeError as error:
        out = done.stdout.decode(errors="replace")
        sys.stdout.write(out)
        print(f"FAIL: the log is not valid UTF-8: {error}")
        return 1
    sys.stdout.write(out)
    sys.stdout.write(done.stderr.decode(errors="replace"))

    failures = []
    if done.returncode != args.exit_code:
        failures.append(f"exit code {done.returncode}, want {args.exit_code}")
    records = []
    for number, line in enumerate(out.splitlines(), 1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            failures.append(f"line {number} is not JSON ({error}): {line}")
            continue
        check_record(number, line, record, args, failures)
        records.append(record)
    for text in args.expect:
        pattern = json.loads(text)
        if not any(isinstance(r, dict) and matches(pattern, r) for r in records):
            failures.append(f"no line matches {text}")
    for text in args.absent:
        if text in out:
            failures.append(f"output has {text!r}")
    if args.last is not None:
        pattern = json.loads(args.last)
        if not records or not isinstance(records[-1], dict) or not matches(pattern, records[-1]):
            failures.append(f"the last line does not match {args.last}")
    for failure in failures:
        print("FAIL: " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
