#!/usr/bin/env python3
"""Runs `parigot test|up --test ... --junit FILE` and checks the JUnit XML.

usage: junit_check.py --exit N --tests N --failures N --skipped N
                      [--suite NAME=TESTS ...] [--failure TEXT ...]
                      -- parigot-command args...

The command gets `--junit <a temporary file>` appended. The file must be
well-formed XML (xml.etree) with a <testsuites> root whose counts are the
given ones, testsuites named as given with that many testcases each, and
each --failure TEXT must appear in some <failure> element's message
attribute. Exits 1 (printing why) otherwise.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--exit", type=int, required=True)
    parser.add_argument("--tests", type=int, required=True)
    parser.add_argument("--failures", type=int, required=True)
    parser.add_argument("--skipped", type=int, required=True)
    parser.add_argument("--suite", action="append", default=[])
    parser.add_argument("--failure", action="append", default=[])
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        junit = os.path.join(tmp, "results.xml")
        run = subprocess.run(command + ["--junit", junit], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, timeout=100)
        sys.stdout.write(run.stdout.decode(errors="replace"))
        if run.returncode != args.exit:
            problems.append(f"exit code {run.returncode}, want {args.exit}")
        try:
            root = ET.parse(junit).getroot()
        except (OSError, ET.ParseError) as error:
            problems.append(f"{junit}: not well-formed XML: {error}")
            root = None
    if root is not None:
        if root.tag != "testsuites":
            problems.append(f"root element <{root.tag}>, want <testsuites>")
        for key in ("tests", "failures", "skipped"):
            want = getattr(args, key)
            if root.get(key) != str(want):
                problems.append(f"testsuites {key}={root.get(key)}, want {want}")
        suites = {s.get("name"): s for s in root.findall("testsuite")}
        for spec in args.suite:
            name, count = spec.split("=")
            suite = suites.get(name)
            if suite is None:
                problems.append(f"no testsuite {name}")
            elif len(suite.findall("testcase")) != int(count):
                problems.append(f"testsuite {name}: {len(suite.findall('testcase'))} "
                                f"testcases, want {count}")
        messages = [f.get("message", "") for f in root.iter("failure")]
        for text in args.failure:
            if not any(text in m for m in messages):
                problems.append(f"no <failure> message holds {text!r}: {messages}")
    for problem in problems:
        print("junit_check: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
